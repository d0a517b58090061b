import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SnapshotWriter } from '../../src/snapshot/writer';
import { SnapshotError } from '../../src/snapshot/read';
import { snapshotPaths } from '../../src/snapshot/layout';
import { currentOwner, ownerAlive, parseLock } from '../../src/snapshot/lock';
import { fakePull, tmpDir } from './fixtures';

const WRITER_JS = path.resolve(__dirname, '../../src/snapshot/writer.js');
const FIXTURES_JS = path.resolve(__dirname, 'fixtures.js');
const HAS_PROC = fs.existsSync('/proc/self/stat');

/** State letter of a process from /proc/<pid>/stat (null when it has no entry). */
function procState(pid: number): string | null {
  try {
    const t = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return t.slice(t.lastIndexOf(')') + 2)[0];
  } catch {
    return null;
  }
}

async function until(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * A pull writer (a node process holding the directory's lock) whose parent never reaps its
 * children: `sh` starts the writer in the background and replaces itself with `sleep`,
 * which never calls wait(). Killed, the writer stays a zombie until `sleep` ends.
 */
function writerUnderNonReapingParent(dir: string): { parent: ChildProcess; writerPid: Promise<number> } {
  const script = `
    const { SnapshotWriter } = require(${JSON.stringify(WRITER_JS)});
    const { fakePull } = require(${JSON.stringify(FIXTURES_JS)});
    SnapshotWriter.open(${JSON.stringify(dir)}, null, async () => fakePull()).then((o) => {
      process.stdout.write(process.pid + '\\n');
      setInterval(() => {}, 1000);
    });`;
  const parent = spawn('sh', ['-c', `"${process.execPath}" -e "$WRITER" & exec sleep 60`], {
    env: { ...process.env, WRITER: script },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const writerPid = new Promise<number>((resolve, reject) => {
    let out = '';
    parent.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    parent.once('exit', () => reject(new Error('the parent ended before the writer started')));
  });
  return { parent, writerPid };
}

describe('snapshot lock: a dead writer never holds the directory, a live one always does', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => {
    dir = tmpDir('lock');
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a killed writer left a zombie (its parent never reaps): the resume takes the directory over at once', async function () {
    if (!HAS_PROC) this.skip();
    const { parent, writerPid } = writerUnderNonReapingParent(dir);
    try {
      const pid = await writerPid;
      const lock = parseLock(fs.readFileSync(snapshotPaths(dir).lock, 'utf8'));
      expect(lock?.pid).to.equal(pid);
      // Alive: the directory is its.
      const refused = await SnapshotWriter.open(dir, null, async () => fakePull()).catch((e: unknown) => e);
      expect(refused).to.be.instanceOf(SnapshotError);
      expect((refused as Error).message).to.contain(`another pull (process ${pid}) is writing ${dir}`);

      process.kill(pid, 'SIGKILL');
      await until('the writer to become a zombie', () => procState(pid) === 'Z');
      // The situation the old check got wrong: the zombie still answers kill(pid, 0).
      expect(() => process.kill(pid, 0)).to.not.throw();

      const again = await SnapshotWriter.open(dir, null, async () => fakePull());
      expect(again.kind).to.equal('writer');
      if (again.kind === 'writer') {
        expect(again.resumed).to.equal(true);
        expect(parseLock(fs.readFileSync(snapshotPaths(dir).lock, 'utf8'))?.pid).to.equal(process.pid);
        again.writer.close();
      }
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('a live writer that is stopped (SIGSTOP) still holds the directory', async function () {
    if (!HAS_PROC) this.skip();
    const { parent, writerPid } = writerUnderNonReapingParent(dir);
    let pid = 0;
    try {
      pid = await writerPid;
      process.kill(pid, 'SIGSTOP');
      await until('the writer to stop', () => procState(pid) === 'T');
      const err = await SnapshotWriter.open(dir, null, async () => fakePull()).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(SnapshotError);
      expect((err as Error).message).to.contain(`process ${pid}`);
    } finally {
      if (pid) process.kill(pid, 'SIGKILL');
      parent.kill('SIGKILL');
    }
  });

  it('a lock whose pid now belongs to another process (pid reuse: another start time) is taken over', async function () {
    if (!HAS_PROC) this.skip();
    const opened = await SnapshotWriter.open(dir, null, async () => fakePull());
    if (opened.kind !== 'writer') throw new Error('expected a writer');
    opened.writer.close();
    const me = currentOwner();
    expect(me.start, 'start time read from /proc').to.match(/^\d+$/);
    expect(ownerAlive(me)).to.equal(true);
    const reused = { pid: process.ppid, start: '1' };
    expect(ownerAlive(reused), 'a live pid with another start time').to.equal(false);
    fs.writeFileSync(snapshotPaths(dir).lock, `${reused.pid} ${reused.start}`);
    const again = await SnapshotWriter.open(dir, null, async () => fakePull());
    expect(again.kind).to.equal('writer');
    if (again.kind === 'writer') again.writer.close();
  });

  it('reads the locks older versions wrote (a bare pid), and never takes an unreadable lock for a live one', () => {
    expect(parseLock('1234\n')).to.deep.equal({ pid: 1234, start: null });
    expect(parseLock('1234 99887')).to.deep.equal({ pid: 1234, start: '99887' });
    expect(parseLock('')).to.equal(null);
    expect(parseLock('abc')).to.equal(null);
    expect(ownerAlive({ pid: process.pid, start: null })).to.equal(true);
  });
});
