/**
 * Members held column-wise between conversion and Arrow encoding: one array per
 * `MemberRow` field. The pull's hot path fills these straight from the execute answer's
 * per-field arrays, with no per-member object (which cost more in GC than everything else).
 */
import { MEMBER_COLUMNS, type MemberRow } from './schema';

export type MemberColumns = { [K in keyof MemberRow]: MemberRow[K][] };

export interface MemberBatch {
  length: number;
  columns: MemberColumns;
}

const KEYS = MEMBER_COLUMNS.map((c) => c.name);

export function emptyColumns(): MemberColumns {
  const cols = {} as Record<string, unknown[]>;
  for (const k of KEYS) cols[k] = [];
  return cols as MemberColumns;
}

export class MemberBatchBuilder {
  columns: MemberColumns = emptyColumns();
  length = 0;

  pushRow(row: MemberRow): void {
    const cols = this.columns as Record<string, unknown[]>;
    for (const k of KEYS) cols[k].push(row[k]);
    this.length++;
  }

  /** Hand over what was gathered and start empty. */
  take(): MemberBatch {
    const batch = { length: this.length, columns: this.columns };
    this.columns = emptyColumns();
    this.length = 0;
    return batch;
  }
}

export function batchFromRows(rows: readonly MemberRow[]): MemberBatch {
  const b = new MemberBatchBuilder();
  for (const r of rows) b.pushRow(r);
  return b.take();
}

/** Row `i` of a batch as an object (tests, small views). */
export function rowOf(batch: MemberBatch, i: number): MemberRow {
  const row = {} as Record<string, unknown>;
  for (const k of KEYS) row[k] = (batch.columns as Record<string, unknown[]>)[k][i];
  return row as unknown as MemberRow;
}
