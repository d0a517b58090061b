import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EmulatorHandle } from '../../src/emulator/index';
import { readSnapshot } from '../../src/snapshot/read';
import { snapshotPaths } from '../../src/snapshot/layout';
import { allFiles, emulator, expectTruth, runCli, startCli, tmpDir, type CliRun } from './helpers';

/** No output stream and no file may contain the token (raw or URL-encoded). */
function expectNoToken(token: string, runs: CliRun[], dirs: string[]): void {
  const needles = [token, encodeURIComponent(token)];
  for (const r of runs) {
    for (const n of needles) {
      expect(r.stdout, 'stdout').to.not.contain(n);
      expect(r.stderr, 'stderr').to.not.contain(n);
    }
  }
  for (const d of dirs) {
    for (const f of allFiles(d)) {
      for (const n of needles) expect(f.bytes.includes(Buffer.from(n)), f.file).to.equal(false);
    }
  }
}

describe('pull CLI (child processes against the emulator)', function () {
  this.timeout(90_000);
  let emu: EmulatorHandle;
  let dir: string;
  before(async () => {
    emu = await emulator({ members: 20_000, seed: 21 });
  });
  after(async () => {
    await emu.close();
  });
  beforeEach(() => {
    dir = tmpDir('cli');
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('three kills (SIGKILL) at random moments, then a rerun: exactly the members of an uninterrupted pull', async () => {
    const out = path.join(dir, 'snap');
    const env = { VK_TOKEN: emu.token, VK_API_BASE: emu.base };
    // 5 requests/s: the whole pull takes ~4 s, so each random kill lands before the end (with
    // requests sent ahead, a faster rate could finish a run inside the kill's random delay).
    const args = ['--group', emu.screenName, '--out', out, '--calls', '1', '--rate', '5'];
    const runs: CliRun[] = [];
    const cp = snapshotPaths(out).checkpoint;
    for (let k = 0; k < 3; k++) {
      // Kill at a random moment once this run has made progress (so each kill lands mid-pull,
      // possibly mid-write), without knowing where in a batch it is.
      const before = fs.existsSync(cp) ? fs.readFileSync(cp, 'utf8') : '';
      const run = startCli(args, env);
      const started = Date.now();
      while (Date.now() - started < 30_000) {
        await new Promise((r) => setTimeout(r, 20));
        if (fs.existsSync(cp) && fs.readFileSync(cp, 'utf8') !== before) break;
      }
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 400)));
      run.kill();
      const killed = await run.done;
      expect(killed.signal, `run ${k + 1} was killed, not finished: ${killed.stderr}`).to.equal('SIGKILL');
      runs.push(killed);
      expect(fs.existsSync(path.join(out, 'manifest.json')), `run ${k + 1} must not look finished`).to.equal(
        false,
      );
      expect(() => readSnapshot(out)).to.throw(/unfinished/);
    }
    const final = await runCli(args, env);
    runs.push(final);
    expect(final.code, final.stderr).to.equal(0);
    expect(final.stdout).to.match(/snapshot complete.*\n[\s\S]*\(resumed\)/);
    expectTruth(out, emu, 9);
    expectNoToken(emu.token, runs, [out]);
  });

  it('bad token, unknown group, hidden members: the right message and exit code, nothing written', async () => {
    const out = path.join(dir, 'snap');
    const bad = 'emu-user-0123456789abcdef-not-valid';
    const r1 = await runCli(['--group', emu.screenName, '--out', out], {
      VK_TOKEN: bad,
      VK_API_BASE: emu.base,
    });
    expect(r1.code).to.equal(3);
    expect(r1.stderr).to.match(/error 5 .*invalid or expired.*VK_TOKEN/);
    const r2 = await runCli(['--group', 'no_such_group', '--out', out], {
      VK_TOKEN: emu.token,
      VK_API_BASE: emu.base,
    });
    expect(r2.code).to.equal(3);
    expect(r2.stderr).to.match(/check --group/);
    emu.configure({ hideMembers: true });
    let r3: CliRun;
    try {
      r3 = await runCli(['--group', emu.screenName, '--out', out], {
        VK_TOKEN: emu.token,
        VK_API_BASE: emu.base,
      });
    } finally {
      emu.configure({ hideMembers: false });
    }
    expect(r3.code).to.equal(3);
    expect(r3.stderr).to.match(/error 15.*hides its member list.*administrator/);
    const r4 = await runCli(['--group', emu.screenName, '--out', out], { VK_API_BASE: emu.base });
    expect(r4.code).to.equal(2);
    expect(r4.stderr).to.match(/VK_TOKEN is not set/);
    const r5 = await runCli(['--out', out], { VK_TOKEN: emu.token });
    expect(r5.code).to.equal(2);
    expect(r5.stderr).to.match(/missing --group/);
    expect(fs.existsSync(out), 'nothing half-written').to.equal(false);
    expectNoToken(bad, [r1], []);
    expectNoToken(emu.token, [r2, r3, r5], []);
  });

  it('a service token: falls back to plain calls with a notice, exit 0, token nowhere', async () => {
    const out = path.join(dir, 'snap');
    const small = await emulator({ members: 2200, seed: 22 });
    try {
      const r = await runCli(['--group', String(small.groupId), '--out', out, '--rate', '0'], {
        VK_TOKEN: small.serviceToken,
        VK_API_BASE: small.base,
      });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).to.match(/error 28.*plain groups.getMembers/);
      expect(r.stdout).to.match(/2200 written.*\n[\s\S]*plain/);
      expectTruth(out, small, 7);
      expectNoToken(small.serviceToken, [r], [out]);
    } finally {
      await small.close();
    }
  });

  it('SIGTERM: stops cleanly with exit 130 and says how to resume; the rerun completes', async () => {
    const out = path.join(dir, 'snap');
    const env = { VK_TOKEN: emu.token, VK_API_BASE: emu.base };
    const args = ['--group', emu.screenName, '--out', out, '--calls', '1', '--rate', '10'];
    const run = startCli(args, env);
    const cp = snapshotPaths(out).checkpoint;
    for (let i = 0; i < 1500 && !fs.existsSync(cp); i++) await new Promise((r) => setTimeout(r, 20));
    run.signal('SIGTERM');
    const r = await run.done;
    expect(r.code, r.stderr).to.equal(130);
    expect(r.stderr).to.match(/interrupted.*run the same command again to resume/);
    expect(fs.existsSync(path.join(out, 'manifest.json'))).to.equal(false);
    const again = await runCli([...args.slice(0, 4), '--rate', '0'], env);
    expect(again.code, again.stderr).to.equal(0);
    expectTruth(out, emu, 17);
  });

  it('--help documents the exit codes; bad arguments exit 2', async () => {
    const h = await runCli(['--help'], {});
    expect(h.code).to.equal(0);
    expect(h.stdout).to.match(/exit codes:[\s\S]*130/);
    const b = await runCli(['--group', 'x', '--rate', 'fast'], { VK_TOKEN: 't' });
    expect(b.code).to.equal(2);
    expect(b.stderr).to.match(/--rate needs a number from 0 to 1000, got "fast"/);
    const f = await runCli(['--group', 'x', '--in-flight', '0'], { VK_TOKEN: 't' });
    expect(f.code).to.equal(2);
    expect(f.stderr).to.match(/--in-flight/);
    expect(h.stdout).to.contain('--in-flight N');
  });
});
