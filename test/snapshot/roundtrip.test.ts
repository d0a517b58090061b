import { expect } from 'chai';
import * as fs from 'node:fs';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { tableFromIPC } from '@uwdata/flechette';
import { Rng } from '../../src/util/rng';
import { MEMBER_COLUMNS } from '../../src/snapshot/schema';
import { SnapshotWriter } from '../../src/snapshot/writer';
import { fakePull, randomRows, tmpDir } from './fixtures';
import { readSnapshot, readManifest, SnapshotError } from '../../src/snapshot/read';
import { snapshotPaths } from '../../src/snapshot/layout';
import { parseLock } from '../../src/snapshot/lock';

const TOOL = { name: 'vk-audience-study', version: 'test' };

describe('snapshot: streaming writer → Arrow IPC file → readSnapshot', () => {
  let dir: string;
  beforeEach(() => {
    dir = tmpDir('rt');
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips every value of every column across several batches', async () => {
    const rng = new Rng(7);
    const batches = [randomRows(rng, 1000, 0)];
    batches.push(randomRows(rng, 1, batches[0][999].id));
    batches.push(randomRows(rng, 2500, batches[1][0].id));
    const opened = await SnapshotWriter.open(dir, null, async () => fakePull());
    if (opened.kind !== 'writer') throw new Error('expected a writer');
    let lastId = 0;
    for (const b of batches) {
      lastId = b[b.length - 1].id;
      opened.writer.appendBatch(b, { next_offset: 0, last_count: 0, last_id: lastId }, {});
    }
    // An empty batch only moves the checkpoint.
    opened.writer.appendBatch([], { next_offset: 3501, last_count: 3501, last_id: lastId }, {});
    const manifest = opened.writer.finish(3501, TOOL);
    expect(manifest.counts).to.deep.equal({
      reported_at_start: 10,
      reported_at_end: 3501,
      rows_written: 3501,
    });
    expect(fs.readdirSync(dir).sort()).to.deep.equal(['manifest.json', 'members.arrow']);

    const { table, manifest: m2 } = readSnapshot(dir);
    expect(m2).to.deep.equal(manifest);
    expect(table.numRows()).to.equal(3501);
    expect(table.columnNames()).to.deep.equal(MEMBER_COLUMNS.map((c) => c.name));
    const all = batches.flat();
    for (const c of MEMBER_COLUMNS) {
      const col = table.array(c.name) as ArrayLike<unknown>;
      for (let i = 0; i < all.length; i++) {
        const want = all[i][c.name];
        if (col[i] !== want)
          throw new Error(`row ${i} column ${c.name}: got ${String(col[i])}, want ${String(want)}`);
      }
    }
  });

  it('writes the IPC file format: magic at both ends, footer lists each batch, schema nullability kept', async () => {
    const rng = new Rng(8);
    const opened = await SnapshotWriter.open(dir, null, async () => fakePull());
    if (opened.kind !== 'writer') throw new Error('expected a writer');
    const a = randomRows(rng, 10, 0);
    const b = randomRows(rng, 20, 1000);
    opened.writer.appendBatch(a, { next_offset: 10, last_count: 30, last_id: a[9].id }, {});
    opened.writer.appendBatch(b, { next_offset: 30, last_count: 30, last_id: b[19].id }, {});
    opened.writer.finish(30, TOOL);
    const bytes = fs.readFileSync(path.join(dir, 'members.arrow'));
    expect(bytes.subarray(0, 6).toString('latin1')).to.equal('ARROW1');
    expect(bytes.subarray(bytes.length - 6).toString('latin1')).to.equal('ARROW1');
    // flechette reads the file format through the footer (schema + record batch blocks).
    const t = tableFromIPC(bytes);
    expect(t.numRows).to.equal(30);
    expect(t.getChild('id').data.length).to.equal(2);
    expect(t.schema.fields.find((f) => f.name === 'id')?.nullable).to.equal(false);
    expect(t.schema.fields.find((f) => f.name === 'sex')?.nullable).to.equal(true);
    expect(Array.from(t.getChild('id').toArray() as Int32Array)).to.deep.equal([...a, ...b].map((r) => r.id));
  });

  it('an unfinished directory never reads as a snapshot; resume cuts a torn batch', async () => {
    const rng = new Rng(9);
    const opened = await SnapshotWriter.open(dir, null, async () => fakePull());
    if (opened.kind !== 'writer') throw new Error('expected a writer');
    const a = randomRows(rng, 50, 0);
    opened.writer.appendBatch(a, { next_offset: 50, last_count: 100, last_id: a[49].id }, {});
    opened.writer.close();
    expect(() => readSnapshot(dir)).to.throw(SnapshotError, /unfinished.*resume/);
    // Simulate a kill in the middle of writing the next batch: garbage after the checkpoint.
    const p = snapshotPaths(dir);
    fs.appendFileSync(p.part, Buffer.alloc(777, 0xab));
    const again = await SnapshotWriter.open(dir, { group: fakePull().identity.group }, async () => {
      throw new Error('must resume, not start anew');
    });
    if (again.kind !== 'writer') throw new Error('expected a writer');
    expect(again.resumed).to.equal(true);
    expect(again.writer.checkpoint.paging).to.deep.equal({
      next_offset: 50,
      last_count: 100,
      last_id: a[49].id,
    });
    const b = randomRows(rng, 50, a[49].id);
    again.writer.appendBatch(b, { next_offset: 100, last_count: 100, last_id: b[49].id }, {});
    again.writer.finish(100, TOOL);
    const { table } = readSnapshot(dir);
    expect(Array.from(table.array('id') as Int32Array)).to.deep.equal([...a, ...b].map((r) => r.id));
    // A finished directory reopens as finished, without calling fresh().
    const done = await SnapshotWriter.open(dir, null, async () => {
      throw new Error('must not start');
    });
    expect(done.kind).to.equal('finished');
  });

  it('a resume after a kill between the final rename and the manifest completes the snapshot', async () => {
    const rng = new Rng(10);
    const opened = await SnapshotWriter.open(dir, null, async () => fakePull());
    if (opened.kind !== 'writer') throw new Error('expected a writer');
    const a = randomRows(rng, 5, 0);
    opened.writer.appendBatch(a, { next_offset: 5, last_count: 5, last_id: a[4].id }, {});
    const manifest = opened.writer.finish(5, TOOL);
    // Put the directory back into the "renamed, no manifest yet" state.
    const p = snapshotPaths(dir);
    fs.rmSync(p.manifest);
    fs.mkdirSync(p.partialDir);
    fs.writeFileSync(p.checkpoint, JSON.stringify({ ...opened.writer.checkpoint }));
    expect(() => readManifest(dir)).to.throw(SnapshotError);
    const again = await SnapshotWriter.open(dir, null, async () => {
      throw new Error('must resume');
    });
    if (again.kind !== 'writer') throw new Error('expected a writer');
    expect(again.writer.onlyManifestLeft).to.equal(true);
    const m2 = again.writer.finish(5, TOOL);
    expect(m2.counts).to.deep.equal(manifest.counts);
    expect(readSnapshot(dir).table.numRows()).to.equal(5);
  });

  it('refuses to resume a different group in the same directory, and explains', async () => {
    const opened = await SnapshotWriter.open(dir, null, async () => fakePull());
    if (opened.kind !== 'writer') throw new Error('expected a writer');
    opened.writer.close();
    try {
      await SnapshotWriter.open(dir, { group: { id: 2, screen_name: 'x', name: 'x' } }, async () =>
        fakePull(),
      );
      expect.fail('should refuse');
    } catch (e) {
      expect((e as Error).message).to.match(
        /unfinished pull of Synthetic \(synthetic_community, id 1\).*not of x \(x, id 2\).*another --out/,
      );
    }
  });

  it("one writer per directory: a live pull's lock is respected, a dead one's is taken over", async () => {
    const opened = await SnapshotWriter.open(dir, null, async () => fakePull());
    if (opened.kind !== 'writer') throw new Error('expected a writer');
    opened.writer.close();
    const p = snapshotPaths(dir);
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(p.lock, String(sleeper.pid));
      const err = await SnapshotWriter.open(dir, null, async () => fakePull()).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(SnapshotError);
      expect((err as Error).message).to.match(
        new RegExp(`another pull \\(process ${sleeper.pid}\\) is writing`),
      );
    } finally {
      sleeper.kill('SIGKILL');
      await new Promise((r) => sleeper.once('exit', r));
    }
    // The holder is gone (as after a SIGKILL): the next pull takes the lock over.
    const again = await SnapshotWriter.open(dir, null, async () => fakePull());
    expect(again.kind).to.equal('writer');
    expect(parseLock(fs.readFileSync(p.lock, 'utf8'))?.pid).to.equal(process.pid);
    if (again.kind === 'writer') again.writer.close();
    expect(fs.existsSync(p.lock)).to.equal(false);
  });

  it('queued batches (I/O off the event loop) give the same file as appended ones; the checkpoint only moves once a batch is on disk', async () => {
    const rng = new Rng(11);
    const batches = [randomRows(rng, 300, 0)];
    batches.push(randomRows(rng, 200, batches[0][299].id), randomRows(rng, 100, 0));
    batches[2] = randomRows(rng, 100, batches[1][199].id);
    const write = async (target: string, queued: boolean) => {
      const opened = await SnapshotWriter.open(target, null, async () => fakePull());
      if (opened.kind !== 'writer') throw new Error('expected a writer');
      const w = opened.writer;
      let rows = 0;
      const done: Promise<void>[] = [];
      for (const b of batches) {
        rows += b.length;
        const paging = { next_offset: rows, last_count: 600, last_id: b[b.length - 1].id };
        if (!queued) {
          w.appendBatch(b, paging, {});
          continue;
        }
        done.push(w.queueBatch(b, paging, {}));
        expect(w.checkpoint.rows, 'not yet on disk').to.be.lessThan(rows);
        expect(() => w.appendBatch([], paging, {})).to.throw(/await drain/);
        expect(() => w.finish(600, TOOL)).to.throw(/await drain/);
      }
      await Promise.all(done);
      await w.drain();
      const cp = JSON.parse(fs.readFileSync(snapshotPaths(target).checkpoint, 'utf8'));
      expect(cp.rows).to.equal(600);
      expect(cp.paging.last_id).to.equal(batches[2][99].id);
      w.finish(600, TOOL);
    };
    await write(path.join(dir, 'a'), false);
    await write(path.join(dir, 'b'), true);
    const a = fs.readFileSync(path.join(dir, 'a', 'members.arrow'));
    const b = fs.readFileSync(path.join(dir, 'b', 'members.arrow'));
    expect(b.equals(a)).to.equal(true);
    expect(Array.from(readSnapshot(path.join(dir, 'b')).table.array('id') as Int32Array)).to.deep.equal(
      batches.flat().map((r) => r.id),
    );
  });

  it('a queued write that fails stops the ones behind it (no gap in the file) and drain() reports it', async () => {
    const rng = new Rng(12);
    const opened = await SnapshotWriter.open(dir, null, async () => fakePull());
    if (opened.kind !== 'writer') throw new Error('expected a writer');
    const w = opened.writer;
    const a = randomRows(rng, 10, 0);
    await w.queueBatch(a, { next_offset: 10, last_count: 30, last_id: a[9].id }, {});
    // A directory where the checkpoint goes: the next checkpoint's rename fails (even as root).
    const p = snapshotPaths(dir);
    const saved = fs.readFileSync(p.checkpoint);
    fs.rmSync(p.checkpoint);
    fs.mkdirSync(path.join(p.checkpoint, 'x'), { recursive: true });
    try {
      const b = randomRows(rng, 10, a[9].id);
      const c = randomRows(rng, 10, b[9].id);
      const first = w.queueBatch(b, { next_offset: 20, last_count: 30, last_id: b[9].id }, {}).then(
        () => 'ok',
        (e: unknown) => e,
      );
      const second = w.queueBatch(c, { next_offset: 30, last_count: 30, last_id: c[9].id }, {}).then(
        () => 'ok',
        (e: unknown) => e,
      );
      expect(await first).to.be.instanceOf(Error);
      expect(await second).to.equal(await first);
      expect(w.checkpoint.rows).to.equal(10);
      const err = await w.drain().then(
        () => 'ok',
        (e: unknown) => e,
      );
      expect(err).to.equal(await first);
      expect(() => w.finish(30, TOOL)).to.throw();
    } finally {
      fs.rmSync(p.checkpoint, { recursive: true, force: true });
      fs.writeFileSync(p.checkpoint, saved);
    }
    w.close();
    // The committed state is still good to resume from.
    const again = await SnapshotWriter.open(dir, null, async () => {
      throw new Error('must resume');
    });
    if (again.kind !== 'writer') throw new Error('expected a writer');
    expect(again.writer.checkpoint.rows).to.equal(10);
    again.writer.close();
  });

  it('readSnapshot errors name the directory and what to do', () => {
    expect(() => readSnapshot(path.join(dir, 'nope'))).to.throw(
      SnapshotError,
      /does not exist; run `npm run pull/,
    );
    expect(() => readSnapshot(dir)).to.throw(SnapshotError, /not a snapshot \(no manifest.json\)/);
    fs.writeFileSync(path.join(dir, 'manifest.json'), '{"format":"other"}');
    expect(() => readSnapshot(dir)).to.throw(SnapshotError, /"format" is "other"/);
  });

  it('readSnapshot checks the row count against the manifest', async () => {
    const opened = await SnapshotWriter.open(dir, null, async () => fakePull());
    if (opened.kind !== 'writer') throw new Error('expected a writer');
    opened.writer.appendBatch(
      randomRows(new Rng(1), 3, 0),
      { next_offset: 3, last_count: 3, last_id: 99 },
      {},
    );
    opened.writer.finish(3, TOOL);
    const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    m.counts.rows_written = 4;
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(m));
    expect(() => readSnapshot(dir)).to.throw(SnapshotError, /holds 3 rows but manifest.json says 4/);
  });
});
