import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Rng } from '../../src/util/rng';
import { SnapshotWriter } from '../../src/snapshot/writer';
import { readSnapshot, SnapshotError } from '../../src/snapshot/read';
import { snapshotPaths } from '../../src/snapshot/layout';
import { fakePull, randomRows, tmpDir } from './fixtures';

// The node:fs module object itself (not an ES-module namespace copy), so that a test can
// make its writes fail the way a full disk does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeFs = require('node:fs') as typeof fs;

const TOOL = { name: 'vk-audience-study', version: 'test' };

async function openNew(dir: string) {
  let asked = false;
  const opened = await SnapshotWriter.open(dir, null, async () => {
    asked = true;
    return fakePull();
  });
  return { opened, asked };
}

/** The error of a promise, or a failure if it resolves. */
async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

/** Run `body` with `fs.write` failing (ENOSPC) from its `from`-th call on. */
async function withFullDisk<T>(from: number, body: () => Promise<T>): Promise<T> {
  const real = nodeFs.write;
  let calls = 0;
  nodeFs.write = function (this: unknown, ...args: unknown[]) {
    if (++calls >= from) {
      const cb = args[args.length - 1] as (e: Error) => void;
      const e = Object.assign(new Error('ENOSPC: no space left on device, write'), {
        code: 'ENOSPC',
        errno: -28,
        syscall: 'write',
      });
      process.nextTick(cb, e);
      return;
    }
    return (real as (...a: unknown[]) => void).apply(this, args);
  } as typeof fs.write;
  try {
    return await body();
  } finally {
    nodeFs.write = real;
  }
}

/** A read-only filesystem mounted at a fresh directory, or null when mounting is not allowed here. */
function readOnlyMount(): string | null {
  const at = tmpDir('ro');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', at], { stdio: 'ignore' });
  if (r.status !== 0) {
    fs.rmSync(at, { recursive: true, force: true });
    return null;
  }
  return at;
}

describe('snapshot directory problems are sentences, exit-5 errors, nothing half-written', () => {
  let dir: string;
  beforeEach(() => {
    dir = tmpDir('disk');
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('--out naming a file, or a path below a file: refused before the API is asked, naming the file', async () => {
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, 'x');
    for (const [out, msg] of [
      [file, `${file} is a file, not a directory; --out must name a directory`],
      [path.join(file, 'snap'), `${file} is a file, not a directory; choose another --out directory`],
    ] as const) {
      let asked = false;
      const err = await rejection(
        SnapshotWriter.open(out, null, async () => {
          asked = true;
          return fakePull();
        }),
      );
      expect(err).to.be.instanceOf(SnapshotError);
      expect(err.message).to.contain(msg);
      expect(asked, 'no API call for a location that cannot hold a snapshot').to.equal(false);
    }
    expect(fs.readdirSync(dir)).to.deep.equal(['a-file']);
  });

  it('a location under /proc: a prompt error (Node’s recursive mkdir spins there forever)', async function () {
    if (!fs.existsSync('/proc/self')) this.skip();
    this.timeout(5000);
    const err = await rejection(openNew('/proc/vkas-no-such/snap'));
    expect(err).to.be.instanceOf(SnapshotError);
    expect(err.message).to.match(
      /cannot create the snapshot directory \/proc\/vkas-no-such\/snap: .*choose another --out/,
    );
  });

  it('a read-only filesystem: EROFS named as such (not a misleading ENOENT), nothing created', async function () {
    const ro = readOnlyMount();
    if (ro === null) this.skip();
    try {
      const err = await rejection(openNew(path.join(ro!, 'a', 'snap')));
      expect(err).to.be.instanceOf(SnapshotError);
      expect(err.message).to.match(
        /snap: the filesystem is read-only \(EROFS\); choose a writable --out directory/,
      );
      const err2 = await rejection(openNew(ro!));
      expect(err2.message).to.match(/the filesystem is read-only \(EROFS\)/);
    } finally {
      execFileSync('umount', [ro!]);
      fs.rmSync(ro!, { recursive: true, force: true });
    }
  });

  it('a full disk during the pull: a SnapshotError saying so, the checkpoint intact, no torn bytes; the resume completes', async () => {
    const rng = new Rng(3);
    const out = path.join(dir, 'snap');
    const { opened } = await openNew(out);
    if (opened.kind !== 'writer') throw new Error('expected a writer');
    const w = opened.writer;
    const a = randomRows(rng, 300, 0);
    await w.queueBatch(a, { next_offset: 300, last_count: 900, last_id: a[299].id }, {});
    const p = snapshotPaths(out);
    const committed = fs.readFileSync(p.checkpoint, 'utf8');
    const b = randomRows(rng, 300, a[299].id);
    const err = await withFullDisk(1, () =>
      rejection(w.queueBatch(b, { next_offset: 600, last_count: 900, last_id: b[299].id }, {})),
    );
    expect(err).to.be.instanceOf(SnapshotError);
    expect(err.message).to.contain(`cannot write ${p.part}: no space left on the device (ENOSPC)`);
    expect(err.message).to.match(/Free some space .*run the same command again to resume/);
    // Every later batch is refused with the same error (no gap in the file).
    const c = randomRows(rng, 10, b[299].id);
    expect(
      await rejection(w.queueBatch(c, { next_offset: 610, last_count: 900, last_id: c[9].id }, {})),
    ).to.equal(err);
    w.close();
    expect(fs.readFileSync(p.checkpoint, 'utf8'), 'the checkpoint did not move').to.equal(committed);
    expect(fs.statSync(p.part).size, 'the part file is cut back to the checkpoint').to.equal(
      JSON.parse(committed).bytes,
    );
    expect(fs.readdirSync(p.partialDir).sort(), 'no temporary file, no lock').to.deep.equal([
      'checkpoint.json',
      'members.arrow.part',
    ]);
    const again = await SnapshotWriter.open(out, null, async () => {
      throw new Error('must resume');
    });
    if (again.kind !== 'writer') throw new Error('expected a writer');
    again.writer.appendBatch(b, { next_offset: 600, last_count: 600, last_id: b[299].id }, {});
    again.writer.finish(600, TOOL);
    expect(Array.from(readSnapshot(out).table.array('id') as Int32Array)).to.deep.equal(
      [...a, ...b].map((r) => r.id),
    );
  });

  it('a full disk while the new pull is being set up: nothing is left behind', async () => {
    const out = path.join(dir, 'deeper', 'snap');
    const real = nodeFs.writeSync;
    nodeFs.writeSync = (() => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }) as typeof fs.writeSync;
    let err: Error;
    try {
      err = await rejection(openNew(out));
    } finally {
      nodeFs.writeSync = real;
    }
    expect(err).to.be.instanceOf(SnapshotError);
    expect(err.message).to.match(/no space left on the device \(ENOSPC\).*nothing was kept/);
    expect(fs.readdirSync(dir), 'the directories it created are removed').to.deep.equal([]);
  });

  describe('a damaged or foreign checkpoint: named, with what to do', () => {
    const cases: [string, string, RegExp][] = [
      [
        'truncated',
        '{"checkpoint_version": 1, "identity": {"gro',
        /is damaged \(not valid JSON: .*\), so the unfinished pull cannot be resumed; delete .*\.pull-partial and run the same command again/,
      ],
      ['null', 'null', /is damaged \(not a JSON object\)/],
      [
        'another version',
        '{"checkpoint_version": 2}',
        /has checkpoint_version 2, and this version of the tool reads 1: it was written by another version/,
      ],
      ['no version', '{"rows": 5}', /has checkpoint_version missing/],
      [
        'no identity',
        '{"checkpoint_version": 1}',
        /is not a checkpoint this version of the tool wrote \("identity" .*missing or incomplete\)/,
      ],
    ];
    for (const [what, text, msg] of cases) {
      it(what, async () => {
        const { opened } = await openNew(dir);
        if (opened.kind !== 'writer') throw new Error('expected a writer');
        opened.writer.close();
        const p = snapshotPaths(dir);
        fs.writeFileSync(p.checkpoint, text);
        const err = await rejection(SnapshotWriter.open(dir, fakePull().identity, async () => fakePull()));
        expect(err).to.be.instanceOf(SnapshotError);
        expect(err.message).to.contain(p.checkpoint);
        expect(err.message).to.match(msg);
        expect(fs.existsSync(p.lock)).to.equal(false);
      });
    }

    it('blocks that do not add up to the committed length', async () => {
      const { opened } = await openNew(dir);
      if (opened.kind !== 'writer') throw new Error('expected a writer');
      const rows = randomRows(new Rng(1), 20, 0);
      opened.writer.appendBatch(rows, { next_offset: 20, last_count: 20, last_id: rows[19].id }, {});
      opened.writer.close();
      const p = snapshotPaths(dir);
      const cp = JSON.parse(fs.readFileSync(p.checkpoint, 'utf8'));
      cp.bytes += 8;
      fs.writeFileSync(p.checkpoint, JSON.stringify(cp));
      const err = await rejection(SnapshotWriter.open(dir, null, async () => fakePull()));
      expect(err.message).to.match(/"bytes" is not where the last block ends/);
    });
  });
});
