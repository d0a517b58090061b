/**
 * What every audit computation starts from: the members table and the snapshot manifest.
 *
 * The reference time of every rule is the manifest's `snapshot_time` (when the pull
 * started), never the clock of the machine that runs the audit: re-running a report a
 * year later must give the same numbers (docs/status.md).
 */
import type { ColumnTable } from 'arquero';
import type { SnapshotManifest } from '../snapshot/schema';

/** The manifest fields the audit reads; a full SnapshotManifest satisfies it. */
export type AuditManifest = Pick<SnapshotManifest, 'snapshot_time'> &
  Partial<Pick<SnapshotManifest, 'source' | 'group' | 'counts'>>;

export interface AuditInput {
  table: ColumnTable;
  manifest: AuditManifest;
}

/** The snapshot time in unix seconds, with a clear error when the manifest lacks it. */
export function snapshotSeconds(manifest: AuditManifest): number {
  const raw = (manifest as { snapshot_time?: unknown }).snapshot_time;
  if (typeof raw !== 'string' || raw.length === 0) {
    throw new Error(
      'manifest.snapshot_time is missing: the audit needs the time of the snapshot (ISO 8601, UTC) as its reference time; re-run the pull or add it to manifest.json.',
    );
  }
  // Require an explicit zone so a local-time string cannot shift every age by hours.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(raw)) {
    throw new Error(
      `manifest.snapshot_time "${raw}" is not ISO 8601 with a time zone (e.g. 2026-11-26T08:00:00Z); fix manifest.json.`,
    );
  }
  const ms = Date.parse(raw);
  if (!Number.isFinite(ms))
    throw new Error(`manifest.snapshot_time "${raw}" is not a valid date; fix manifest.json.`);
  return ms / 1000;
}

/** Refuses an empty snapshot: every share would be 0/0. */
export function requireMembers(table: ColumnTable, what: string): void {
  if (table.numRows() === 0) {
    throw new Error(
      `${what}: the snapshot has no members (0 rows), so there is nothing to audit; check the pull (manifest counts) or the --snapshot directory.`,
    );
  }
}

/** True when the manifest says the data come from the project's synthetic community. */
export function isSynthetic(manifest: AuditManifest): boolean {
  return manifest.source?.kind === 'synthetic';
}

/** The generator settings a synthetic snapshot records, in the generator's own option names. */
export interface GeneratorSettings {
  seed: number;
  /** Absent: the snapshot does not say, and the generator's default holds. */
  botShare?: number;
  followersZeroShare?: number;
}

/** Null for a real community, or a synthetic one whose manifest lost its seed. */
export function generatorSettings(manifest: AuditManifest): GeneratorSettings | null {
  const s = manifest.source?.synthetic;
  if (!isSynthetic(manifest) || typeof s?.seed !== 'number' || !Number.isFinite(s.seed)) return null;
  return {
    seed: s.seed,
    ...(s.bot_share === undefined ? {} : { botShare: s.bot_share }),
    ...(s.followers_zero_share === undefined ? {} : { followersZeroShare: s.followers_zero_share }),
  };
}
