/**
 * The pull CLI where users break it: locations that cannot hold a snapshot, a full disk,
 * a directory holding another community or damaged files, Ctrl-C in plain mode, a killed
 * pull left as a zombie. Each ends with the documented exit code and one sentence, never a
 * stack trace.
 */
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EmulatorHandle } from '../../src/emulator/index';
import { snapshotPaths } from '../../src/snapshot/layout';
import { parseLock } from '../../src/snapshot/lock';
import { CLI, emulator, expectTruth, runCli, startCli, tmpDir, type CliRun } from './helpers';

/** One sentence on stderr, no stack trace. */
function expectSentence(r: CliRun, code: number, msg: RegExp): void {
  expect(r.code, r.stderr).to.equal(code);
  expect(r.stderr).to.match(msg);
  expect(r.stderr, 'no stack trace').to.not.match(/\n\s+at .*[(:]\d+/);
}

function procState(pid: number): string | null {
  try {
    const t = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return t.slice(t.lastIndexOf(')') + 2)[0];
  } catch {
    return null;
  }
}

async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * The CLI, given `ms` to end by itself; then SIGTERM (and SIGKILL 5 s later, should it
 * ignore that too), so that a pull that spins fails the test instead of hanging it.
 */
async function runCliWithin(
  args: string[],
  env: Record<string, string>,
  ms: number,
): Promise<CliRun & { stoppedBy: NodeJS.Signals | null }> {
  const run = startCli(args, env);
  let stoppedBy: NodeJS.Signals | null = null;
  const term = setTimeout(() => {
    stoppedBy = 'SIGTERM';
    run.signal('SIGTERM');
  }, ms);
  const kill = setTimeout(() => {
    stoppedBy = 'SIGKILL';
    run.kill();
  }, ms + 5000);
  try {
    return { ...(await run.done), stoppedBy };
  } finally {
    clearTimeout(term);
    clearTimeout(kill);
  }
}

function mount(args: string[]): boolean {
  return spawnSync('mount', args, { stdio: 'ignore' }).status === 0;
}

describe('pull CLI faults (child processes against the emulator)', function () {
  this.timeout(120_000);
  let emu: EmulatorHandle;
  let dir: string;
  let env: Record<string, string>;
  const apiCalls = () => {
    const s = emu.stats().byMethod;
    return (s['groups.getMembers'] ?? 0) + (s['execute'] ?? 0);
  };
  before(async () => {
    emu = await emulator({ members: 20_000, seed: 41 });
    env = { VK_TOKEN: emu.token, VK_API_BASE: emu.base };
  });
  after(async () => {
    await emu.close();
  });
  beforeEach(() => {
    dir = tmpDir('faults');
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('--out at a file, below a file, under /proc: exit 5 at once, one sentence, no API call, nothing created', async () => {
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, 'x');
    const cases: [string, RegExp][] = [
      [file, /a-file is a file, not a directory; --out must name a directory/],
      [
        path.join(file, 'snap'),
        /cannot create the snapshot directory .*snap: .*a-file is a file, not a directory/,
      ],
    ];
    if (fs.existsSync('/proc/self'))
      cases.push([
        '/proc/vkas-x',
        /cannot create the snapshot directory \/proc\/vkas-x: .*choose another --out directory/,
      ]);
    for (const [out, msg] of cases) {
      const before = apiCalls();
      const r = await runCliWithin(['--group', emu.screenName, '--out', out, '--quiet'], env, 10_000);
      expect(r.stoppedBy, `${out}: ends by itself, promptly`).to.equal(null);
      expectSentence(r, 5, msg);
      expect(apiCalls() - before, `${out}: no members asked for`).to.equal(0);
    }
    expect(fs.readdirSync(dir)).to.deep.equal(['a-file']);
  });

  it('a read-only filesystem: exit 5 naming EROFS', async function () {
    const ro = path.join(dir, 'ro');
    fs.mkdirSync(ro);
    if (!mount(['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', ro])) this.skip();
    try {
      const r = await runCli(['--group', emu.screenName, '--out', path.join(ro, 'snap'), '--quiet'], env);
      expectSentence(r, 5, /the filesystem is read-only \(EROFS\); choose a writable --out directory/);
    } finally {
      spawnSync('umount', [ro]);
    }
  });

  it('a full disk during the pull: exit 5 saying so, nothing torn; with room again the same command completes', async function () {
    const small = path.join(dir, 'small');
    fs.mkdirSync(small);
    // 20,000 members are ~2.1 MB: the second batch does not fit into 1.5 MB.
    if (!mount(['-t', 'tmpfs', '-o', 'size=1536k', 'tmpfs', small])) this.skip();
    try {
      const out = path.join(small, 'snap');
      const args = ['--group', emu.screenName, '--out', out, '--quiet', '--calls', '10', '--rate', '0'];
      const full = await runCli(args, env);
      expectSentence(
        full,
        5,
        /cannot write .*members\.arrow\.part: no space left on the device \(ENOSPC\)\. Free some space .*run the same command again to resume/,
      );
      const p = snapshotPaths(out);
      const cp = JSON.parse(fs.readFileSync(p.checkpoint, 'utf8'));
      expect(cp.rows, 'the first batch was committed').to.be.greaterThan(0);
      expect(fs.statSync(p.part).size, 'no torn batch after the checkpoint').to.equal(cp.bytes);
      expect(fs.readdirSync(p.partialDir).sort()).to.deep.equal(['checkpoint.json', 'members.arrow.part']);
      expect(mount(['-o', 'remount,size=16m', small]), 'remount with room').to.equal(true);
      const again = await runCli(args, env);
      expect(again.code, again.stderr).to.equal(0);
      expect(again.stdout).to.contain('(resumed)');
      expectTruth(out, emu, 13);
    } finally {
      spawnSync('umount', [small]);
    }
  });

  it('a finished snapshot of another community in DIR: exit 5 naming both (the same one: already complete)', async () => {
    const out = path.join(dir, 'snap');
    const a = await emulator({ members: 1500, seed: 42, groupId: 7, screenName: 'community_a' });
    const b = await emulator({ members: 1200, seed: 43, groupId: 8, screenName: 'community_b' });
    const a2 = await emulator({ members: 1500, seed: 44, groupId: 7, screenName: 'community_a' });
    try {
      const envOf = (e: EmulatorHandle) => ({ VK_TOKEN: e.token, VK_API_BASE: e.base });
      const first = await runCli(['--group', 'community_a', '--out', out, '--quiet'], envOf(a));
      expect(first.code, first.stderr).to.equal(0);
      const other = await runCli(['--group', 'community_b', '--out', out, '--quiet'], envOf(b));
      expectSentence(
        other,
        5,
        /holds the finished snapshot of .*\(community_a, id 7\).* not of .*\(community_b, id 8\).*use another --out directory/,
      );
      // The same group id, another synthetic community (another generator seed): refused too.
      const reseeded = await runCli(['--group', 'community_a', '--out', out, '--quiet'], envOf(a2));
      expectSentence(reseeded, 5, /synthetic with seed 42 and 1500 members.*not of .*synthetic with seed 44/);
      const same = await runCli(['--group', 'community_a', '--out', out, '--quiet'], envOf(a));
      expect(same.code, same.stderr).to.equal(0);
      expect(same.stdout).to.match(/snapshot already complete: .*1500 members of community_a/);
    } finally {
      await Promise.all([a.close(), b.close(), a2.close()]);
    }
  });

  it('a damaged finished snapshot or checkpoint: exit 5 naming the file', async () => {
    const out = path.join(dir, 'snap');
    const args = ['--group', emu.screenName, '--out', out, '--quiet', '--rate', '0'];
    expect((await runCli(args, env)).code).to.equal(0);
    const members = path.join(out, 'members.arrow');
    const fd = fs.openSync(members, 'r+');
    fs.writeSync(fd, Buffer.alloc(64, 0x41), 0, 64, Math.floor(fs.statSync(members).size / 2));
    fs.closeSync(fd);
    const damaged = await runCli(args, env);
    expectSentence(damaged, 5, /members\.arrow is damaged: its SHA-256 .*pull the community again/);

    fs.rmSync(out, { recursive: true });
    const run = startCli([...args.slice(0, 4), '--calls', '1', '--rate', '5'], env);
    const p = snapshotPaths(out);
    await until('a checkpoint', () => fs.existsSync(p.checkpoint));
    run.kill();
    await run.done;
    const text = fs.readFileSync(p.checkpoint, 'utf8');
    fs.writeFileSync(p.checkpoint, text.slice(0, text.length >> 1));
    const torn = await runCli(args, env);
    expectSentence(
      torn,
      5,
      /checkpoint\.json is damaged \(not valid JSON: .*delete .*\.pull-partial and run the same command again/,
    );
  });

  it('Ctrl-C in plain mode: the members fetched so far are written first, and the resume gives exactly the full snapshot', async () => {
    const out = path.join(dir, 'snap');
    const args = ['--group', emu.screenName, '--out', out, '--quiet', '--plain', '--in-flight', '1'];
    const served = () => emu.stats().byMethod['groups.getMembers'] ?? 0;
    const s0 = served();
    const run = startCli([...args, '--rate', '8'], env);
    // Well before the 25,000 members a plain-mode batch gathers (the community has 20,000).
    await until('six pages', () => served() - s0 >= 6);
    const pages = served() - s0;
    run.signal('SIGINT');
    const r = await run.done;
    expect(r.code, r.stderr).to.equal(130);
    expect(r.stderr).to.match(/interrupted.*run the same command again to resume/);
    const cp = JSON.parse(fs.readFileSync(snapshotPaths(out).checkpoint, 'utf8'));
    // One request at a time: every page served but the last one was accepted.
    expect(cp.rows, 'members fetched before Ctrl-C are in the checkpoint').to.be.at.least((pages - 1) * 900);
    expect(cp.rows).to.be.lessThan(20_000);
    const again = await runCli([...args, '--rate', '0'], env);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.contain('(resumed)');
    expectTruth(out, emu, 7);
  });

  it('a pull killed under a parent that never reaps it (a zombie): the same command resumes at once', async function () {
    if (!fs.existsSync('/proc/self/stat')) this.skip();
    const out = path.join(dir, 'snap');
    // 20 requests at 1/s: still running when the second pull is tried, even on a loaded machine.
    const args = ['--group', emu.screenName, '--out', out, '--quiet', '--calls', '1', '--rate', '1'];
    const quoted = [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(' ');
    // sh starts the pull in the background and becomes `sleep`, which never waits for it.
    const parent = spawn('sh', ['-c', `${quoted} & exec sleep 120`], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: 'ignore',
    });
    try {
      const p = snapshotPaths(out);
      await until('the pull to commit a batch', () => {
        if (!fs.existsSync(p.checkpoint)) return false;
        return JSON.parse(fs.readFileSync(p.checkpoint, 'utf8')).rows > 0;
      });
      const pid = parseLock(fs.readFileSync(p.lock, 'utf8'))!.pid;
      const live = await runCli(args, env);
      expectSentence(live, 5, new RegExp(`another pull \\(process ${pid}\\) is writing`));
      process.kill(pid, 'SIGKILL');
      await until('the killed pull to be a zombie', () => procState(pid) === 'Z');
      const again = await runCli([...args.slice(0, 5), '--rate', '0'], env);
      expect(again.code, again.stderr).to.equal(0);
      expect(again.stdout).to.contain('(resumed)');
      expectTruth(out, emu, 11);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
