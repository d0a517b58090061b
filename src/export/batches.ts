/**
 * A snapshot's members as a sequence of Arrow record batches in the export schema
 * (columns.ts): what the Parquet and CSV writers consume, one batch at a time, so the
 * output side of an export holds one batch in memory, never a second copy of the table.
 *
 * Two ways to get there, which give the same batches (test/export/batches.test.ts):
 *  - readable: read each column's values (`table.array`) and build Arrow columns with the
 *    schema's types. Works for any arquero table; at 2.5M members it decodes every string
 *    and re-encodes it (seconds per column).
 *  - fast: `readSnapshot` backs its table with the Arrow columns decoded from the snapshot
 *    file (src/snapshot/read.ts). When every column is such an Arrow column of exactly the
 *    schema's type and the batches line up, those batches are passed on as they are, with
 *    only the `snapshot_time` column built. Anything else takes the readable way.
 */
import { Column, Table, Type, columnFromArray } from '@uwdata/flechette';
import type { ColumnTable } from 'arquero';
import { snapshotSeconds } from '../audit/input';
import type { Snapshot } from '../snapshot/read';
import type { ColumnType } from '../snapshot/schema';
import { arrowType } from '../snapshot/arrow-ipc';
import { EXPORT_COLUMNS, SNAPSHOT_TIME_COLUMN, exportSchema } from './columns';

const MEMBER_EXPORT_COLUMNS = EXPORT_COLUMNS.filter((c) => c.origin === 'snapshot');

/** Rows per batch on the readable way (the fast way keeps the snapshot's own batches). */
export const READABLE_BATCH_ROWS = 65_536;

export interface BatchOptions {
  /** Take the readable way even when the fast one applies (tests compare the two). */
  readable?: boolean;
}

interface ArrowTypeLike {
  typeId: number;
  bitWidth?: number;
  signed?: boolean;
  precision?: number;
}

function isExactly(type: ArrowTypeLike, expected: ColumnType): boolean {
  switch (expected) {
    case 'int32':
    case 'int16':
    case 'int8':
      return type.typeId === Type.Int && type.signed === true && type.bitWidth === Number(expected.slice(3));
    case 'float64':
      return type.typeId === Type.Float && type.precision === 2;
    case 'bool':
      return type.typeId === Type.Bool;
    case 'utf8':
      return type.typeId === Type.Utf8;
  }
}

/**
 * The table's Arrow columns in export order when the fast way applies, else null: every
 * members column is a flechette Column of exactly its schema type, the table is neither
 * filtered nor reordered, and all columns have the same batch lengths.
 */
export function arrowColumnsOf(table: ColumnTable): Column<unknown>[] | null {
  if (table.isFiltered() || table.isOrdered()) return null;
  const data = table.data() as Record<string, unknown>;
  const cols: Column<unknown>[] = [];
  for (const c of MEMBER_EXPORT_COLUMNS) {
    const col = data[c.name];
    if (!(col instanceof Column) || !isExactly(col.type as ArrowTypeLike, c.type)) return null;
    cols.push(col);
  }
  const lengths = cols[0].data.map((b) => b.length);
  const aligned = cols.every(
    (col) => col.data.length === lengths.length && col.data.every((b, i) => b.length === lengths[i]),
  );
  return aligned ? cols : null;
}

function constantColumn(value: number, length: number): Column<unknown> {
  return columnFromArray(new Float64Array(length).fill(value), arrowType(SNAPSHOT_TIME_COLUMN.type));
}

function batchTable(columns: Column<unknown>[]): Table {
  return new Table(exportSchema(), columns);
}

/**
 * The members of `snapshot` as record batches (flechette tables of one batch each) in the
 * export schema. A snapshot of no members gives one empty batch, so writers still see the
 * schema.
 */
export function* exportBatches(snapshot: Snapshot, options: BatchOptions = {}): Generator<Table> {
  const t = snapshotSeconds(snapshot.manifest);
  const { table } = snapshot;
  const arrow = options.readable ? null : arrowColumnsOf(table);
  if (arrow !== null && table.numRows() > 0) {
    for (let b = 0; b < arrow[0].data.length; b++) {
      const length = arrow[0].data[b].length;
      if (length === 0) continue;
      yield batchTable([...arrow.map((col) => new Column([col.data[b]])), constantColumn(t, length)]);
    }
    return;
  }
  const n = table.numRows();
  const values = MEMBER_EXPORT_COLUMNS.map((c) => table.array(c.name) as ArrayLike<unknown>);
  const slice = (start: number, end: number): Table =>
    batchTable([
      ...MEMBER_EXPORT_COLUMNS.map((c, k) =>
        columnFromArray(Array.prototype.slice.call(values[k], start, end), arrowType(c.type)),
      ),
      constantColumn(t, end - start),
    ]);
  if (n === 0) yield slice(0, 0);
  for (let start = 0; start < n; start += READABLE_BATCH_ROWS) {
    yield slice(start, Math.min(n, start + READABLE_BATCH_ROWS));
  }
}
