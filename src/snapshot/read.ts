/**
 * The snapshot reader every later stage uses: `readSnapshot(dir) → { manifest, table }`.
 *
 * The arquero table is backed by the Arrow columns decoded from `members.arrow` (not by
 * row objects), so loading 2.5M members is a file read plus zero-copy views for the
 * numeric columns. The manifest is checked first: only a finished snapshot (manifest
 * present) is read, and the file's schema and row count must match the manifest and the
 * contract in schema.ts — a mismatch is a clear error, never a silently wrong analysis —
 * and its SHA-256 must be the one the manifest records (integrity.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fromArrow } from 'arquero';
import type { ColumnTable } from 'arquero';
import { tableFromIPC, Type } from '@uwdata/flechette';
import type { Table as ArrowTable } from '@uwdata/flechette';
import { MEMBER_COLUMNS, type ColumnType, type SnapshotManifest } from './schema';
import { SnapshotError, parseManifest } from './manifest';
import { snapshotPaths } from './layout';
import { checkMembersFile, type Integrity } from './integrity';

export { SnapshotError } from './manifest';

export interface Snapshot {
  manifest: SnapshotManifest;
  /** One row per member, columns per `MEMBER_COLUMNS` (or the selection asked for). */
  table: ColumnTable;
  /** The snapshot directory (absolute). */
  dir: string;
  /** Whether `members.arrow` was checked against its checksum (older snapshots have none). */
  integrity: Integrity;
}

export interface ReadSnapshotOptions {
  /** Only these columns (default: all). Unknown names are an error. */
  columns?: readonly string[];
}

/** Arrow type id + bit width expected for each schema column type. */
function typeMatches(type: { typeId: number; bitWidth?: number }, expected: ColumnType): boolean {
  switch (expected) {
    case 'int32':
      return type.typeId === Type.Int && type.bitWidth === 32;
    case 'int16':
      return type.typeId === Type.Int && type.bitWidth === 16;
    case 'int8':
      return type.typeId === Type.Int && type.bitWidth === 8;
    case 'float64':
      return type.typeId === Type.Float && (type as { precision?: number }).precision === 2;
    case 'bool':
      return type.typeId === Type.Bool;
    case 'utf8':
      return type.typeId === Type.Utf8 || type.typeId === Type.LargeUtf8;
  }
}

/** Read the manifest only (cheap): throws a clear error when `dir` is not a finished snapshot. */
export function readManifest(dir: string): SnapshotManifest {
  const p = snapshotPaths(path.resolve(dir));
  if (!fs.existsSync(p.dir) || !fs.statSync(p.dir).isDirectory()) {
    throw new SnapshotError(
      `snapshot directory ${dir} does not exist; run \`npm run pull -- --group <id> --out ${dir}\` first.`,
    );
  }
  if (!fs.existsSync(p.manifest)) {
    if (fs.existsSync(p.partialDir)) {
      throw new SnapshotError(
        `snapshot ${dir} is unfinished (a pull was interrupted: no manifest.json yet); run the same pull command again to resume it.`,
      );
    }
    throw new SnapshotError(
      `${dir} is not a snapshot (no manifest.json); point to a directory written by \`npm run pull\`.`,
    );
  }
  return parseManifest(fs.readFileSync(p.manifest, 'utf8'), p.manifest);
}

/** Check the decoded Arrow table against the contract and the manifest. */
function checkArrowTable(arrow: ArrowTable, manifest: SnapshotManifest, file: string): void {
  const fields = arrow.schema.fields;
  for (const spec of MEMBER_COLUMNS) {
    const f = fields.find((x) => x.name === spec.name);
    if (!f) {
      throw new SnapshotError(
        `${file} has no column "${spec.name}" required by the snapshot schema; it was written by another tool or version — pull again.`,
      );
    }
    if (!typeMatches(f.type as { typeId: number; bitWidth?: number }, spec.type)) {
      throw new SnapshotError(
        `${file}: column "${spec.name}" has Arrow type id ${f.type.typeId}, expected ${spec.type}; pull again with this version.`,
      );
    }
  }
  if (arrow.numRows !== manifest.counts.rows_written) {
    throw new SnapshotError(
      `${file} holds ${arrow.numRows} rows but manifest.json says ${manifest.counts.rows_written}; the snapshot is damaged — pull it again.`,
    );
  }
}

/** Load a finished snapshot: `{ manifest, table }` with an arquero table backed by Arrow. */
export function readSnapshot(dir: string, options: ReadSnapshotOptions = {}): Snapshot {
  const abs = path.resolve(dir);
  const manifest = readManifest(abs);
  const file = path.join(abs, manifest.files.members);
  if (!fs.existsSync(file)) {
    throw new SnapshotError(
      `snapshot ${dir}: manifest.json is present but ${manifest.files.members} is missing; the snapshot is damaged — pull it again.`,
    );
  }
  const bytes = fs.readFileSync(file);
  const integrity = checkMembersFile(abs, manifest, bytes);
  let arrow: ArrowTable;
  try {
    arrow = tableFromIPC(bytes);
  } catch (e) {
    throw new SnapshotError(
      `${file} is not a readable Arrow IPC file (${(e as Error).message}); the snapshot is damaged — pull it again.`,
    );
  }
  checkArrowTable(arrow, manifest, file);
  let columns: string[] | undefined;
  if (options.columns) {
    const known = new Set(MEMBER_COLUMNS.map((c) => c.name as string));
    const unknown = options.columns.filter((c) => !known.has(c));
    if (unknown.length) {
      throw new SnapshotError(
        `readSnapshot: unknown column(s) ${unknown.map((c) => `"${c}"`).join(', ')}; the members columns are ${[...known].join(', ')}.`,
      );
    }
    columns = [...options.columns];
  }
  const table = fromArrow(arrow as never, columns ? { columns } : undefined);
  return { manifest, table, dir: abs, integrity };
}
