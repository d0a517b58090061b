/**
 * Where things live in an export directory.
 *
 * One snapshot:
 *   <out>/members.parquet | members.csv    the members (columns.ts)
 *   <out>/manifest.json                    the snapshot's manifest, as pulled
 *   <out>/export.json                      what was exported, how, and from which snapshot
 *
 * Several snapshots (Parquet only), a Hive-partitioned dataset:
 *   <out>/members/group=<id>/snapshot=<YYYY-MM-DD>/part-0.parquet
 *   <out>/manifests/group=<id>/snapshot=<YYYY-MM-DD>/manifest.json
 *   <out>/export.json
 *
 * `<out>/members/` holds nothing but Parquet files, so every reader can be pointed at the
 * folder itself (some of them would try to read a stray JSON file there as Parquet). The
 * manifests mirror the same partition paths, so a reader that parses Hive paths (DuckDB's
 * `read_json(..., hive_partitioning = true)`) can join them on `group` and `snapshot`.
 */
import * as path from 'node:path';

export type ExportFormat = 'parquet' | 'csv';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['parquet', 'csv'];

export const EXPORT_FILE = 'export.json';
export const MANIFEST_FILE = 'manifest.json';
export const DATASET_DIR = 'members';
export const MANIFESTS_DIR = 'manifests';

export function singleMembersFile(format: ExportFormat): string {
  return `members.${format}`;
}

/** The Hive partition of one snapshot: the group's id and the UTC date of the snapshot. */
export interface Partition {
  group: number;
  /** YYYY-MM-DD (UTC). */
  snapshot: string;
}

export function partitionPath(p: Partition): string {
  return path.posix.join(`group=${p.group}`, `snapshot=${p.snapshot}`);
}

export function partitionMembersFile(p: Partition): string {
  return path.posix.join(DATASET_DIR, partitionPath(p), 'part-0.parquet');
}

export function partitionManifestFile(p: Partition): string {
  return path.posix.join(MANIFESTS_DIR, partitionPath(p), MANIFEST_FILE);
}

/** The UTC calendar date of a time in unix seconds. */
export function utcDate(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}
