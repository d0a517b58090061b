import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Table } from '@uwdata/flechette';
import { snapshotSeconds } from '../../src/audit/input';
import { READABLE_BATCH_ROWS, arrowColumnsOf, exportBatches } from '../../src/export/batches';
import { EXPORT_COLUMNS } from '../../src/export/columns';
import { readSnapshot } from '../../src/snapshot/read';
import { edgeRows, tmpDir, writeSnapshot } from './fixtures';

/** Column name → all values across the batches, and each batch's field types. */
function collect(batches: Iterable<Table>): { values: Record<string, unknown[]>; types: unknown[][] } {
  const values: Record<string, unknown[]> = Object.fromEntries(EXPORT_COLUMNS.map((c) => [c.name, []]));
  const types: unknown[][] = [];
  for (const b of batches) {
    types.push(b.schema.fields.map((f) => [f.name, f.type, f.nullable]));
    for (const c of EXPORT_COLUMNS)
      values[c.name].push(...Array.from(b.getChild(c.name).toArray() as ArrayLike<unknown>));
  }
  return { values, types };
}

describe('export: record batches, fast way and readable way', function () {
  this.timeout(30_000);
  const root = tmpDir('batches');
  const T = '2026-11-01T08:00:00.250Z';
  let dir: string;

  before(async () => {
    // More rows than one readable batch, so both ways cut the table differently.
    dir = await writeSnapshot(
      path.join(root, 'snap'),
      edgeRows(Date.parse(T) / 1000, READABLE_BATCH_ROWS + 300, 9),
      {
        groupId: 1,
        snapshotTime: T,
      },
    );
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it("takes the fast way on readSnapshot's table (its Arrow columns, passed on as they are)", () => {
    const snap = readSnapshot(dir);
    const cols = arrowColumnsOf(snap.table);
    expect(cols).to.not.equal(null);
    const fast = [...exportBatches(snap)];
    expect(fast.length).to.equal(cols![0].data.length);
    // The batches hold the snapshot's own buffers, not copies.
    expect(fast[0].getChild('city_title').data[0]).to.equal(
      cols![EXPORT_COLUMNS.findIndex((c) => c.name === 'city_title')].data[0],
    );
  });

  it('both ways give the same values and Arrow types, with snapshot_time on every row', () => {
    const snap = readSnapshot(dir);
    const fast = collect(exportBatches(snap));
    const readable = collect(exportBatches(snap, { readable: true }));
    expect(readable.types.length).to.equal(2);
    for (const t of [...fast.types, ...readable.types]) expect(t).to.deep.equal(fast.types[0]);
    for (const c of EXPORT_COLUMNS)
      expect(readable.values[c.name], c.name).to.deep.equal(fast.values[c.name]);
    const t = snapshotSeconds(snap.manifest);
    expect(fast.values.snapshot_time.every((v) => v === t)).to.equal(true);
    expect(fast.values.id).to.deep.equal(Array.from(snap.table.array('id') as ArrayLike<number>));
  });

  it('a reordered or filtered table takes the readable way and keeps its row order', () => {
    const snap = readSnapshot(dir);
    const table = snap.table
      .orderby((d: { id: number }) => -d.id)
      .filter((d: { sex: number | null }) => d.sex === 2);
    expect(arrowColumnsOf(table)).to.equal(null);
    const { values } = collect(exportBatches({ ...snap, table }));
    expect(values.id).to.deep.equal(Array.from(table.array('id') as ArrayLike<number>));
    expect(values.id.length).to.be.greaterThan(0);
    expect(values.sex.every((s) => s === 2)).to.equal(true);
  });
});
