/**
 * `npm run export -- --snapshot DIR [--snapshot DIR ...] --format parquet|csv [--out PATH]`
 *
 * Exit codes: 0 written; 1 the export failed (nothing written); 2 bad arguments;
 * 5 a snapshot directory is missing, unfinished or damaged; 130 interrupted.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { SnapshotError } from '../snapshot/read';
import { ExportUsageError, exportSnapshots } from './export';
import { EXPORT_FORMATS, type ExportFormat } from './layout';

export const USAGE = `usage: npm run export -- --snapshot DIR [--snapshot DIR ...] --format parquet|csv [--out PATH]

Writes a snapshot's members and its manifest as Parquet or CSV. Several snapshots (Parquet
only) become one Hive-partitioned dataset, PATH/members/group=<id>/snapshot=<date>/part-0.parquet,
that DuckDB, Spark, Polars, pandas and R arrow open as one table (docs/export.md).

  --snapshot DIR   a snapshot written by \`npm run pull\`; repeat for several
  --format F       parquet or csv
  --out PATH       the export folder, replaced if it holds an earlier export (default
                   data/exports/<snapshot folder>-<format>, or for several snapshots
                   data/exports/dataset-<first date>-to-<last date>)
  -h, --help       this text

Exit codes: 0 written; 1 the export failed (nothing written); 2 bad arguments;
5 a snapshot directory is missing, unfinished or damaged; 130 interrupted.`;

export class UsageError extends Error {}

export interface ExportCliArgs {
  snapshots: string[];
  format: ExportFormat;
  out: string | null;
}

/** Parsed arguments, or 'help'. Throws UsageError with a one-line message. */
export function parseExportArgs(argv: readonly string[]): ExportCliArgs | 'help' {
  let values: { snapshot?: string[]; format?: string; out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        snapshot: { type: 'string', multiple: true },
        format: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    // node's messages go on with advice about positionals; the first sentence is the point.
    throw new UsageError((e as Error).message.split(/\.\s/)[0].replace(/\.$/, ''));
  }
  if (values.help) return 'help';
  const snapshots = values.snapshot ?? [];
  if (snapshots.length === 0) throw new UsageError('--snapshot DIR is required');
  if (values.format === undefined) throw new UsageError('--format is required: parquet or csv');
  if (!(EXPORT_FORMATS as readonly string[]).includes(values.format)) {
    throw new UsageError(`--format must be parquet or csv, got "${values.format}"`);
  }
  if (values.out !== undefined && values.out.trim() === '') throw new UsageError('--out needs a path');
  return { snapshots, format: values.format as ExportFormat, out: values.out ?? null };
}

/** Relative to the working directory when inside it, else absolute. */
function shortPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
}

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const consoleIo: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** Runs the command; resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = consoleIo): Promise<number> {
  let args: ExportCliArgs | 'help';
  try {
    args = parseExportArgs(argv);
  } catch (e) {
    io.err(`error: ${(e as Error).message} (npm run export -- --help for usage)`);
    return 2;
  }
  if (args === 'help') {
    io.out(USAGE);
    return 0;
  }
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const t0 = performance.now();
  try {
    const r = await exportSnapshots({
      snapshots: args.snapshots,
      format: args.format,
      out: args.out ?? undefined,
      onProgress: (line) => io.err(line),
      signal: controller.signal,
    });
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    const mb = (r.bytes / 1e6).toFixed(1);
    const what =
      r.layout === 'single' ? r.snapshots[0].members : 'members/ (Hive-partitioned by group, snapshot)';
    io.out(
      `wrote ${shortPath(r.out)}: ${what}, ${r.rows} members from ${r.snapshots.length} snapshot(s), ${mb} MB, in ${seconds} s` +
        (r.snapshots.some((s) => s.synthetic) ? ' (SYNTHETIC data from the project emulator)' : ''),
    );
    return 0;
  } catch (e) {
    const message = (e as Error).message;
    if (controller.signal.aborted) {
      io.err('interrupted: nothing was written');
      return 130;
    }
    if (e instanceof ExportUsageError) {
      io.err(`error: ${message}`);
      return 2;
    }
    if (e instanceof SnapshotError) {
      io.err(`error: ${message}`);
      return 5;
    }
    io.err(`error: the export failed, nothing was written: ${message}`);
    return 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
