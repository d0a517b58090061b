/**
 * The columns of an export: the snapshot's members columns (src/snapshot/schema.ts), in
 * their order and with their types, plus `snapshot_time`, the one column the export adds.
 *
 * Why add it: every "inactive" rule measures a member's last visit against the time of
 * the snapshot (docs/status.md), which lives in the manifest, not in the members table.
 * With the reference time on every row, the study's status counts are one query over the
 * exported table, for one snapshot or a dataset of many (docs/export.md), and nobody has
 * to join a JSON manifest in pandas or R. It is a float64 of unix seconds, like
 * `last_seen_time`, so the age of a visit is a plain subtraction.
 */
import { field } from '@uwdata/flechette';
import type { Field, Schema } from '@uwdata/flechette';
import { arrowType } from '../snapshot/arrow-ipc';
import { MEMBER_COLUMNS, type ColumnType } from '../snapshot/schema';

export interface ExportColumn {
  name: string;
  type: ColumnType;
  nullable: boolean;
  doc: string;
  /** 'snapshot' for the members columns, 'export' for the column the export adds. */
  origin: 'snapshot' | 'export';
}

export const SNAPSHOT_TIME_COLUMN: ExportColumn = {
  name: 'snapshot_time',
  type: 'float64',
  nullable: false,
  doc: "The manifest's `snapshot_time` (when the pull started) as unix seconds, UTC: the reference time of the status rules. The same on every row of a snapshot.",
  origin: 'export',
};

export const EXPORT_COLUMNS: readonly ExportColumn[] = [
  ...MEMBER_COLUMNS.map((c) => ({
    name: c.name as string,
    type: c.type,
    nullable: c.nullable,
    doc: c.doc,
    origin: 'snapshot' as const,
  })),
  SNAPSHOT_TIME_COLUMN,
];

/** The Arrow schema of every exported record batch. */
export function exportSchema(): Schema {
  return {
    version: 4, // Arrow IPC metadata V5
    endianness: 0, // little
    fields: EXPORT_COLUMNS.map((c) => field(c.name, arrowType(c.type), c.nullable)) as Field[],
    metadata: null,
  } as unknown as Schema;
}
