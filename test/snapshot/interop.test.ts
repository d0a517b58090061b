import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RecordBatchFileReader, RecordBatchStreamReader, Type } from 'apache-arrow';
import type { RecordBatch } from 'apache-arrow';
import { Rng } from '../../src/util/rng';
import { MEMBER_COLUMNS } from '../../src/snapshot/schema';
import { SnapshotWriter } from '../../src/snapshot/writer';
import { fakePull, randomRows, tmpDir } from './fixtures';

/**
 * members.arrow read by Apache Arrow's own JS implementation (what pyarrow, R arrow and
 * DuckDB follow): the file reader goes through our hand-built footer, so the block
 * offsets, the schema copy and the magic numbers are checked independently of flechette.
 */
describe('snapshot interop: Apache Arrow (reference implementation) reads members.arrow', () => {
  let dir: string;
  beforeEach(() => {
    dir = tmpDir('interop');
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('as an IPC file (via the footer) and as a stream, with every value and type intact', async () => {
    const rng = new Rng(42);
    const batches = [randomRows(rng, 700, 0)];
    batches.push(randomRows(rng, 300, batches[0][699].id));
    batches.push(randomRows(rng, 1, batches[1][299].id));
    const opened = await SnapshotWriter.open(dir, null, async () => fakePull());
    if (opened.kind !== 'writer') throw new Error('expected a writer');
    for (const b of batches)
      opened.writer.appendBatch(b, { next_offset: 0, last_count: 0, last_id: b[b.length - 1].id }, {});
    opened.writer.finish(1001, { name: 't', version: 't' });
    const bytes = fs.readFileSync(path.join(dir, 'members.arrow'));

    const file = RecordBatchFileReader.from(bytes);
    file.open();
    expect(file.numRecordBatches).to.equal(3);
    const fields = file.schema.fields;
    expect(fields.map((f) => f.name)).to.deep.equal(MEMBER_COLUMNS.map((c) => c.name));
    const want: Record<string, Type> = {
      int32: Type.Int,
      int16: Type.Int,
      int8: Type.Int,
      float64: Type.Float,
      bool: Type.Bool,
      utf8: Type.Utf8,
    };
    MEMBER_COLUMNS.forEach((c, i) => {
      expect(fields[i].typeId, c.name).to.equal(want[c.type]);
      expect(fields[i].nullable, c.name).to.equal(c.nullable);
    });
    const all = batches.flat();
    let row = 0;
    for (let b = 0; b < file.numRecordBatches; b++) {
      const rb = file.readRecordBatch(b) as RecordBatch | null;
      if (!rb) throw new Error(`batch ${b} unreadable`);
      for (let i = 0; i < rb.numRows; i++, row++) {
        for (const c of MEMBER_COLUMNS) {
          const got = rb.getChild(c.name)?.get(i) ?? null;
          const exp = all[row][c.name];
          if (got !== exp) throw new Error(`row ${row} ${c.name}: ${String(got)} ≠ ${String(exp)}`);
        }
      }
    }
    expect(row).to.equal(1001);

    // Readers that ignore the footer and stream the messages see the same data.
    const stream = RecordBatchStreamReader.from(bytes.subarray(8));
    let n = 0;
    for (const rb of stream) n += rb.numRows;
    expect(n).to.equal(1001);
  });
});
