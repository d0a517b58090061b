/**
 * The one form of members between conversion and encoding: per schema column an
 * Arrow-ready `TypedColumn` (typed-column.ts). Every path fills it — the byte-level decoder
 * of execute answers, the general converters of user objects and projected columns — and
 * the Arrow encoder reads it; row objects (`MemberRow`) exist only at the edges (tests,
 * small views) through `batchFromRows` and `rowOf`.
 */
import { MEMBERS, type MemberRow, type MemberSchema } from './schema';
import { TypedColumn } from './typed-column';

export interface MemberBatch {
  length: number;
  /** One column per schema column, by name. */
  readonly columns: Readonly<Record<string, TypedColumn>>;
}

export function memberBatch(capacity = 1024, schema: MemberSchema = MEMBERS): MemberBatch {
  const columns: Record<string, TypedColumn> = {};
  for (const c of schema.columns) columns[c.name] = new TypedColumn(c.type, capacity);
  return { length: 0, columns };
}

/** Rows as a batch (tests, hand-built snapshots). */
export function batchFromRows(rows: readonly MemberRow[], schema: MemberSchema = MEMBERS): MemberBatch {
  const batch = memberBatch(rows.length, schema);
  for (const c of schema.columns) {
    const col = batch.columns[c.name];
    const key = c.name as keyof MemberRow;
    for (const r of rows) col.push(r[key]);
  }
  batch.length = rows.length;
  return batch;
}

/** Row `i` of a batch as an object (tests, small views). */
export function rowOf(batch: MemberBatch, i: number, schema: MemberSchema = MEMBERS): MemberRow {
  const row: Record<string, unknown> = {};
  for (const c of schema.columns) row[c.name] = batch.columns[c.name].get(i);
  return row as MemberRow;
}

/**
 * Keep only rows [from, to) of each range (increasing, not overlapping), moving them down
 * in place: an answer's batch is used once, and not allocating a second one per answer
 * spares the garbage collector ~10 MB of buffers.
 */
export function keepRows(batch: MemberBatch, ranges: readonly (readonly [number, number])[]): MemberBatch {
  if (ranges.length === 1 && ranges[0][0] === 0 && ranges[0][1] === batch.length) return batch;
  let n = 0;
  for (const col of Object.values(batch.columns)) n = col.keep(ranges);
  batch.length = n;
  return batch;
}

/**
 * Batches to decode answers into, reused once their rows are encoded (the Arrow encoder
 * copies them): a 25k-member batch is ~5 MB of typed arrays, and allocating one per
 * answer kept the garbage collector busy. Owned by one pull.
 */
export class BatchPool {
  private free: MemberBatch[] = [];

  constructor(
    private readonly keep = 4,
    private readonly schema: MemberSchema = MEMBERS,
  ) {}

  take(capacity: number): MemberBatch {
    return this.free.pop() ?? memberBatch(capacity, this.schema);
  }

  /** Give a batch back; it must not be used afterwards. */
  release(batch: MemberBatch): void {
    if (this.free.length >= this.keep || this.free.includes(batch)) return;
    for (const col of Object.values(batch.columns)) col.clear();
    batch.length = 0;
    this.free.push(batch);
  }
}
