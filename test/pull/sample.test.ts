/**
 * Sample pulls (`--sample N`): the pages drawn, what is stored of them against the
 * emulator's truth, the manifest's design, resume after a kill, and the refusal to mix a
 * census and a sample in one directory.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EmulatorHandle } from '../../src/emulator/index';
import { snapshotPaths } from '../../src/snapshot/layout';
import { readSnapshot } from '../../src/snapshot/read';
import { MEMBER_COLUMNS } from '../../src/snapshot/schema';
import { pullMembers } from '../../src/vk/members';
import { drawPages, newMembersFrom, samplePlan } from '../../src/vk/sample';
import { sampleDesignOf } from '../../src/compare/sample';
import { runAudit } from '../../src/audit/run';
import { emulator, runCli, startCli, tmpDir } from './helpers';

/** The snapshot holds exactly the truth's members of each sampled page, in page order. */
function expectPagesOfTruth(dir: string, emu: EmulatorHandle): void {
  const { table, manifest } = readSnapshot(dir);
  const design = sampleDesignOf(manifest, dir)!;
  const truth = emu.truth.memberIds();
  const want: number[] = [];
  for (const p of design.pages) want.push(...truth.subarray(p.offset, p.offset + p.rows));
  expect(Array.from(table.array('id') as Int32Array)).to.deep.equal(want);
  for (const p of design.pages)
    expect(p.rows, `page at ${p.offset}`).to.equal(Math.min(1000, truth.length - p.offset));
}

/** Two snapshots hold the same members with the same values (batches may be cut differently). */
function expectSameMembers(a: string, b: string): void {
  const ta = readSnapshot(a).table;
  const tb = readSnapshot(b).table;
  for (const c of MEMBER_COLUMNS)
    expect(Array.from(ta.array(c.name) as ArrayLike<unknown>), c.name).to.deep.equal(
      Array.from(tb.array(c.name) as ArrayLike<unknown>),
    );
}

async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('the sample draw', () => {
  it('draws m distinct pages of M, ascending, the same for the same seed, each page about equally often', () => {
    const a = drawPages(50, 7, 11);
    expect(a).to.have.length(7);
    expect(new Set(a).size).to.equal(7);
    expect(a).to.deep.equal([...a].sort((x, y) => x - y));
    expect(a.every((p) => p >= 0 && p < 50)).to.equal(true);
    expect(drawPages(50, 7, 11)).to.deep.equal(a);
    expect(drawPages(50, 7, 12)).to.not.deep.equal(a);
    expect(drawPages(5, 5, 1)).to.deep.equal([0, 1, 2, 3, 4]);
    // Without replacement and uniform: each of 10 pages drawn 3 at a time in 3 of 10 draws.
    const hits = new Float64Array(10);
    const R = 6000;
    for (let s = 0; s < R; s++) for (const p of drawPages(10, 3, s)) hits[p]++;
    for (const h of hits) expect(h / R).to.be.closeTo(0.3, 0.03);
  });

  it('plans ⌈N/1000⌉ pages at multiples of 1000, never more than the community has', () => {
    const plan = samplePlan({ members: 2500, seed: 4 }, 10_500, 1000);
    expect(plan).to.deep.include({ page_size: 1000, members_total: 10_500, pages_total: 11, seed: 4 });
    expect(plan.offsets).to.have.length(3);
    expect(plan.offsets.every((o) => o % 1000 === 0)).to.equal(true);
    expect(samplePlan({ members: 99_000, seed: 4 }, 10_500, 1000).offsets).to.have.length(11);
  });

  it('keeps the members of a page above the last id written, and refuses unsorted or id-less pages', () => {
    expect(newMembersFrom([5, 7, 9], 0, 0)).to.equal(0);
    expect(newMembersFrom([5, 7, 9], 1000, 7)).to.equal(2);
    expect(() => newMembersFrom([5, 4], 1000, 0)).to.throw(/not sorted by id/);
    expect(() => newMembersFrom([5, null], 1000, 0)).to.throw(/offset 1001 has no valid id/);
  });
});

describe('pull --sample against the emulator', function () {
  this.timeout(120_000);
  let emu: EmulatorHandle;
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    emu = await emulator({ members: 30_500, seed: 9, pregenerate: false });
    env = { VK_TOKEN: emu.token, VK_API_BASE: emu.base };
  });
  after(async () => {
    await emu.close();
  });
  beforeEach(() => {
    dir = tmpDir('sample');
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads the drawn pages only, exactly as the truth has them, execute-batched, and records the design', async () => {
    const out = path.join(dir, 'snap');
    const r = await pullMembers({
      base: emu.base,
      token: emu.token,
      group: emu.screenName,
      out,
      rateLimit: 0,
      callsPerExecute: 4,
      sample: { members: 9_500, seed: 21 },
    });
    const s = r.manifest.sample!;
    expect(s).to.deep.include({
      method: 'pages',
      page_size: 1000,
      members_total: 30_500,
      pages_total: 31,
      seed: 21,
    });
    expect(s.pages.map((p) => p.offset)).to.deep.equal(drawPages(31, 10, 21).map((p) => p * 1000));
    // getById, one member for the count, then 10 pages in executes of 4.
    expect(r.requests).to.equal(2 + 3);
    expectPagesOfTruth(out, emu);
    expect(r.manifest.counts.rows_written).to.equal(s.pages.reduce((n, p) => n + p.rows, 0));
    // The design is the one the comparison reads, and the audit says what it is.
    expect(sampleDesignOf(r.manifest, out)).to.deep.equal(s);
    const audit = runAudit(readSnapshot(out));
    expect(audit.sample?.text).to.match(/^sample of [\d,]+ of 30,500 members \(10 of 31 pages .*seed 21\)$/);
    expect(audit.headline.text).to.match(/^A sample of .* of 30,500 members/);
    // Plain mode reads the same pages, one request each.
    const plain = await pullMembers({
      base: emu.base,
      token: emu.token,
      group: emu.screenName,
      out: path.join(dir, 'plain'),
      rateLimit: 0,
      mode: 'plain',
      sample: { members: 9_500, seed: 21 },
    });
    expect(plain.requests).to.equal(2 + 10);
    expect(plain.manifest.sample).to.deep.equal(s);
    expectSameMembers(path.join(dir, 'plain'), out);
  });

  it('killed mid-way, the same command resumes and reads only the pages left; the result is the uninterrupted one', async () => {
    const out = path.join(dir, 'snap');
    const args = ['--group', emu.screenName, '--out', out, '--quiet', '--sample', '20000'];
    const p = snapshotPaths(out);
    const run = startCli([...args, '--calls', '1', '--rate', '4'], env);
    await until('three pages written', () => {
      if (!fs.existsSync(p.checkpoint)) return false;
      return JSON.parse(fs.readFileSync(p.checkpoint, 'utf8')).extra.sample.rows.length >= 3;
    });
    run.kill();
    await run.done;
    const cp = JSON.parse(fs.readFileSync(p.checkpoint, 'utf8'));
    const seed = cp.identity.sample.seed;
    const read = cp.extra.sample.rows.length;
    expect(read).to.be.within(3, 19);
    const before = emu.stats().byMethod.execute ?? 0;
    const again = await runCli([...args, '--calls', '1', '--rate', '0'], env);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.contain('(resumed)');
    expect(again.stdout).to.match(/sample of [\d,]+ of 30,500 members \(20 of 31 pages/);
    expect((emu.stats().byMethod.execute ?? 0) - before, 'only the pages left are read').to.equal(20 - read);
    expectPagesOfTruth(out, emu);
    const whole = path.join(dir, 'whole');
    const ref = await runCli(
      [
        '--group',
        emu.screenName,
        '--out',
        whole,
        '--quiet',
        '--sample',
        '20000',
        '--seed',
        String(seed),
        '--rate',
        '0',
      ],
      env,
    );
    expect(ref.code, ref.stderr).to.equal(0);
    expectSameMembers(out, whole);
    expect(readSnapshot(out).manifest.sample).to.deep.equal(readSnapshot(whole).manifest.sample);
  });

  it('a census and a sample never share a directory (nor two samples): exit 5 saying what each is', async () => {
    const census = path.join(dir, 'census');
    const base = ['--group', emu.screenName, '--quiet', '--rate', '0'];
    expect((await runCli([...base, '--out', census], env)).code).to.equal(0);
    const onCensus = await runCli([...base, '--out', census, '--sample', '5000'], env);
    expect(onCensus.code, onCensus.stderr).to.equal(5);
    expect(onCensus.stderr).to.match(
      /holds a finished snapshot that is a census \(every member\), and this command asks for a sample of 5 pages: a census and a sample .* never share a directory; use another --out/,
    );
    const sample = path.join(dir, 'sample');
    expect((await runCli([...base, '--out', sample, '--sample', '5000', '--seed', '3'], env)).code).to.equal(
      0,
    );
    const censusOnSample = await runCli([...base, '--out', sample], env);
    expect(censusOnSample.code).to.equal(5);
    expect(censusOnSample.stderr).to.match(
      /is a sample of 5 pages drawn with seed 3, and this command asks for a census/,
    );
    const otherSeed = await runCli([...base, '--out', sample, '--sample', '5000', '--seed', '4'], env);
    expect(otherSeed.code).to.equal(5);
    expect(otherSeed.stderr).to.match(/asks for a sample of 5 pages drawn with seed 4/);
    const same = await runCli([...base, '--out', sample, '--sample', '5000'], env);
    expect(same.code, same.stderr).to.equal(0);
    expect(same.stdout).to.match(/already complete: .*sample of [\d,]+ of 30,500 members \(5 of 31 pages/);
    // An unfinished sample is not resumed as a census either.
    const partial = path.join(dir, 'partial');
    const run = startCli(
      [...base.slice(0, 3), '--out', partial, '--sample', '9000', '--calls', '1', '--rate', '3'],
      env,
    );
    await until('a checkpoint', () => fs.existsSync(snapshotPaths(partial).checkpoint));
    run.kill();
    await run.done;
    const mixed = await runCli([...base, '--out', partial], env);
    expect(mixed.code).to.equal(5);
    expect(mixed.stderr).to.match(
      /holds an unfinished pull that is a sample of 9000 members .* asks for a census/,
    );
    const seedAlone = await runCli([...base, '--out', path.join(dir, 'x'), '--seed', '3'], env);
    expect(seedAlone.code).to.equal(2);
    expect(seedAlone.stderr).to.match(/--seed sets the draw of a --sample/);
  });
});
