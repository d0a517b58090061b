/**
 * `exportSnapshots`: one snapshot as a Parquet or CSV file, or several as one
 * Hive-partitioned Parquet dataset, each with its manifest (layout.ts).
 *
 * Nothing half-written is ever in place: the whole export is built in a hidden sibling
 * folder and renamed to `out` only once every file is written and synced. A previous
 * export at `out` is moved aside first and removed after (for the instant between the two
 * renames there is none, never a partial one). A failure or an abort removes the staging
 * folder and leaves `out` as it was. `out` is replaced only when it holds an earlier
 * export (its export.json says so) or is an empty folder: never a folder of something else.
 *
 * Every manifest is checked before any data is written, so a bad snapshot directory
 * fails fast with the snapshot reader's own message (a `SnapshotError`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { snapshotSeconds } from '../audit/input';
import { makeStagingDir, swapIntoPlace } from '../report/swap';
import { SnapshotError, readManifest, readSnapshot } from '../snapshot/read';
import type { SnapshotManifest } from '../snapshot/schema';
import { fsyncDir, writeJsonAtomic } from '../util/atomic-write';
import { isObject } from '../util/json-shape';
import { exportBatches } from './batches';
import { EXPORT_COLUMNS } from './columns';
import { writeCsvFile } from './csv';
import {
  DATASET_DIR,
  EXPORT_FILE,
  MANIFEST_FILE,
  type ExportFormat,
  type Partition,
  partitionManifestFile,
  partitionMembersFile,
  singleMembersFile,
  utcDate,
} from './layout';
import { COMPRESSION, PARQUET_WRITER, ROW_GROUP_ROWS, writeParquetFile } from './parquet';
import type { Table } from '@uwdata/flechette';

export const EXPORT_FORMAT = 'vk-audience-study/export';
export const EXPORT_FORMAT_VERSION = 1;

/** A request that cannot be carried out as asked (the CLI's exit 2). */
export class ExportUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportUsageError';
  }
}

export interface ExportOptions {
  snapshots: readonly string[];
  format: ExportFormat;
  /** The export directory (default: data/exports/<name>, see `defaultOut`). */
  out?: string;
  /** One line per snapshot written. */
  onProgress?: (message: string) => void;
  /** Stops the export between batches; the staging folder is removed. */
  signal?: AbortSignal;
}

export interface ExportedSnapshot {
  group: SnapshotManifest['group'];
  snapshot_time: string;
  synthetic: boolean;
  rows: number;
  /** Paths relative to the export directory, with `/`. */
  members: string;
  manifest: string;
  bytes: number;
}

export interface ExportResult {
  out: string;
  layout: 'single' | 'hive';
  format: ExportFormat;
  snapshots: ExportedSnapshot[];
  rows: number;
  bytes: number;
}

interface Source {
  dir: string;
  manifest: SnapshotManifest;
  partition: Partition;
}

/** `data/exports/<snapshot folder>-<format>`, or `data/exports/dataset-<first>-to-<last date>`. */
export function defaultOut(
  sources: readonly { dir: string; partition: Partition }[],
  format: ExportFormat,
): string {
  if (sources.length === 1) {
    return path.join('data', 'exports', `${path.basename(path.resolve(sources[0].dir))}-${format}`);
  }
  const dates = sources.map((s) => s.partition.snapshot).sort();
  return path.join('data', 'exports', `dataset-${dates[0]}-to-${dates[dates.length - 1]}`);
}

function inspect(dir: string): Source {
  const manifest = readManifest(dir);
  let seconds: number;
  try {
    seconds = snapshotSeconds(manifest);
  } catch (e) {
    throw new SnapshotError(`snapshot ${dir}: ${(e as Error).message}`);
  }
  return {
    dir: path.resolve(dir),
    manifest,
    partition: { group: manifest.group.id, snapshot: utcDate(seconds) },
  };
}

function checkSources(sources: Source[], format: ExportFormat): void {
  if (sources.length === 0) throw new ExportUsageError('no snapshot given: pass --snapshot DIR');
  if (sources.length > 1 && format !== 'parquet') {
    throw new ExportUsageError(
      `several snapshots are exported as one Hive-partitioned Parquet dataset: use --format parquet (or export each snapshot to CSV on its own)`,
    );
  }
  const seen = new Map<string, string>();
  for (const s of sources) {
    const key = `${s.partition.group}/${s.partition.snapshot}`;
    const other = seen.get(key);
    if (other !== undefined) {
      throw new ExportUsageError(
        `snapshots ${other} and ${s.dir} are both of group ${s.partition.group} on ${s.partition.snapshot} (UTC), one partition of the dataset; export them separately`,
      );
    }
    seen.set(key, s.dir);
  }
}

/** `out` may be replaced only when it is missing, an empty folder, or an earlier export. */
function checkOut(out: string, sources: Source[]): void {
  const within = (dir: string, parent: string): boolean => {
    const rel = path.relative(parent, dir);
    return rel === '' || (rel.split(path.sep)[0] !== '..' && !path.isAbsolute(rel));
  };
  for (const s of sources) {
    if (within(out, s.dir) || within(s.dir, out)) {
      throw new ExportUsageError(
        `--out ${out} and the snapshot ${s.dir} overlap (one holds the other); choose a folder outside the snapshots`,
      );
    }
  }
  if (!fs.existsSync(out)) return;
  const stat = fs.statSync(out);
  if (!stat.isDirectory()) {
    throw new ExportUsageError(`--out ${out} is a file; an export is a folder: choose another path`);
  }
  if (fs.readdirSync(out).length === 0) return;
  const marker = path.join(out, EXPORT_FILE);
  let format: unknown;
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(marker, 'utf8'));
    format = isObject(parsed) ? parsed.format : undefined;
  } catch {
    format = undefined;
  }
  if (format !== EXPORT_FORMAT) {
    throw new ExportUsageError(
      `--out ${out} exists and is not an export written by this tool (no ${EXPORT_FILE}); choose another path or remove it`,
    );
  }
}

function abortable(batches: Iterable<Table>, signal: AbortSignal | undefined): Iterable<Table> {
  if (!signal) return batches;
  return (function* () {
    for (const b of batches) {
      signal.throwIfAborted();
      yield b;
    }
  })();
}

async function writeOne(
  source: Source,
  staging: string,
  members: string,
  manifestFile: string,
  format: ExportFormat,
  signal: AbortSignal | undefined,
): Promise<ExportedSnapshot> {
  const snapshot = readSnapshot(source.dir);
  const file = path.join(staging, ...members.split('/'));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const batches = abortable(exportBatches(snapshot), signal);
  const info =
    format === 'parquet'
      ? await writeParquetFile(batches, file, {
          'vk_audience_study.manifest': JSON.stringify(snapshot.manifest),
        })
      : await writeCsvFile(batches, file);
  if (info.rows !== snapshot.table.numRows()) {
    throw new Error(`${file}: ${info.rows} rows written, the snapshot has ${snapshot.table.numRows()}`);
  }
  fsyncDir(path.dirname(file));
  writeJsonAtomic(path.join(staging, ...manifestFile.split('/')), snapshot.manifest);
  const m = snapshot.manifest;
  return {
    group: m.group,
    snapshot_time: m.snapshot_time,
    synthetic: m.source.kind === 'synthetic',
    rows: info.rows,
    members,
    manifest: manifestFile,
    bytes: info.bytes,
  };
}

/** The export.json document (schemas/export.schema.json). */
function exportDocument(result: ExportResult): Record<string, unknown> {
  return {
    format: EXPORT_FORMAT,
    format_version: EXPORT_FORMAT_VERSION,
    created: new Date().toISOString(),
    data_format: result.format,
    layout: result.layout,
    table: result.layout === 'single' ? result.snapshots[0].members : DATASET_DIR,
    partitioning: result.layout === 'hive' ? ['group', 'snapshot'] : [],
    parquet:
      result.format === 'parquet'
        ? { writer: PARQUET_WRITER, compression: COMPRESSION, row_group_rows: ROW_GROUP_ROWS }
        : null,
    synthetic: result.snapshots.some((s) => s.synthetic),
    rows: result.rows,
    columns: EXPORT_COLUMNS.map((c) => ({
      name: c.name,
      type: c.type,
      nullable: c.nullable,
      origin: c.origin,
    })),
    snapshots: result.snapshots,
  };
}

export async function exportSnapshots(options: ExportOptions): Promise<ExportResult> {
  const { format, signal } = options;
  const progress = options.onProgress ?? (() => undefined);
  const sources = options.snapshots.map(inspect);
  checkSources(sources, format);
  sources.sort(
    (a, b) =>
      a.partition.group - b.partition.group || a.partition.snapshot.localeCompare(b.partition.snapshot),
  );
  const out = path.resolve(options.out ?? defaultOut(sources, format));
  checkOut(out, sources);
  const layout = sources.length === 1 ? 'single' : 'hive';

  const staging = makeStagingDir(out);
  try {
    const snapshots: ExportedSnapshot[] = [];
    for (const s of sources) {
      signal?.throwIfAborted();
      const [members, manifest] =
        layout === 'single'
          ? [singleMembersFile(format), MANIFEST_FILE]
          : [partitionMembersFile(s.partition), partitionManifestFile(s.partition)];
      const done = await writeOne(s, staging, members, manifest, format, signal);
      snapshots.push(done);
      progress(`${s.dir}: ${done.rows} members -> ${members}`);
    }
    const result: ExportResult = {
      out,
      layout,
      format,
      snapshots,
      rows: snapshots.reduce((a, s) => a + s.rows, 0),
      bytes: snapshots.reduce((a, s) => a + s.bytes, 0),
    };
    writeJsonAtomic(path.join(staging, EXPORT_FILE), exportDocument(result));
    signal?.throwIfAborted(); // an interrupt up to the last moment still leaves nothing
    swapIntoPlace(staging, out);
    fsyncDir(path.dirname(out));
    return result;
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}
