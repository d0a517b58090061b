/**
 * Hand-built members for the audit tests: every MemberRow field null unless set, so each
 * test states exactly the fields its rule reads. `arrowTable` round-trips rows through
 * Arrow IPC with the schema's column types (and small record batches), so the readers'
 * Arrow fast paths are tested against the same known answers as the plain-array paths.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { bool, float64, int16, int32, int8, utf8 } from '@uwdata/flechette';
import { MEMBER_COLUMNS, type MemberRow } from '../../src/snapshot/schema';
import type { AuditInput, AuditManifest } from '../../src/audit/input';

let nextId = 1;

export function member(fields: Partial<MemberRow> = {}): MemberRow {
  const row = Object.fromEntries(MEMBER_COLUMNS.map((c) => [c.name, null])) as unknown as MemberRow;
  return { ...row, id: nextId++, ...fields };
}

/** Plain arquero table with every schema column (arrays of values). */
export function plainTable(rows: MemberRow[]): ColumnTable {
  const cols: Record<string, unknown[]> = {};
  for (const c of MEMBER_COLUMNS) cols[c.name] = rows.map((r) => r[c.name]);
  return aq.table(cols);
}

const TYPES = { int32, int16, int8, float64, bool, utf8 } as const;

/** Same rows, loaded back from Arrow IPC bytes in batches of `batchRows`. */
export function arrowTable(rows: MemberRow[], batchRows = 3): ColumnTable {
  const types = Object.fromEntries(MEMBER_COLUMNS.map((c) => [c.name, TYPES[c.type]()]));
  const bytes = aq.toArrowIPC(plainTable(rows), { types, maxBatchRows: batchRows } as Parameters<
    typeof aq.toArrowIPC
  >[1]);
  return aq.fromArrow(bytes);
}

export const SNAP = '2024-06-01T12:00:00Z';
export const SNAP_SEC = Date.parse(SNAP) / 1000;
export const DAY = 86400;

export function manifest(overrides: Partial<AuditManifest> = {}): AuditManifest {
  return { snapshot_time: SNAP, ...overrides };
}

/** Both table kinds for the same rows, for tests that must hold on each. */
export function inputs(rows: MemberRow[], m: AuditManifest = manifest()): [string, AuditInput][] {
  return [
    ['plain', { table: plainTable(rows), manifest: m }],
    ['arrow', { table: arrowTable(rows), manifest: m }],
  ];
}
