/**
 * `npm run compare` as a user runs it: the compiled command in a child process, on snapshot
 * directories written by the pull's own writer, its JSON validated against
 * schemas/compare.schema.json.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { expandSnapshotArgs } from '../../src/cli/compare';
import { snapshotPaths } from '../../src/snapshot/layout';
import { Rng } from '../../src/util/rng';
import { personStatus } from './helpers';
import { communityDir, rowFor, rowsFor, samplePages } from './snapshots';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist/src/cli/compare.js');
const T1 = '2024-06-01T12:00:00Z';
const T2 = '2024-09-01T12:00:00Z';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}
function compare(args: string[]): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: ROOT });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function people(p: number, seed: number, n = 3000): number[] {
  const rng = new Rng(seed);
  const out: number[] = [];
  for (let id = 1; id <= n; id++) if (rng.uniform() < p) out.push(id);
  return out;
}
const inter = (a: number[], b: number[]): number => {
  const s = new Set(b);
  return a.filter((x) => s.has(x)).length;
};

export function compareValidator(): ValidateFunction {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  const dir = path.join(ROOT, 'schemas');
  for (const f of ['common.schema.json', 'compare.schema.json'])
    ajv.addSchema(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
  return ajv.getSchema('compare.schema.json')!;
}

function expectValid(v: ValidateFunction, doc: unknown): void {
  expect(v(doc), JSON.stringify(v.errors?.slice(0, 5), null, 2)).to.equal(true);
}

describe('npm run compare (the command in a child process)', function () {
  this.timeout(120_000);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'compare-cli-'));
  const made: string[] = [];
  let idsA: number[];
  let idsB: number[];
  let idsC: number[];
  let idsA2: number[];
  let dirA = '';
  let dirB = '';
  let dirC = '';
  let dirA2 = '';
  let sampleB = '';
  let sampleC = '';
  let validate: ValidateFunction;

  before(async () => {
    validate = compareValidator();
    idsA = people(0.5, 1);
    idsB = people(0.3, 2);
    idsC = people(0.6, 3);
    dirA = await communityDir(rowsFor(idsA, T1), { id: 101, screen_name: 'news_a', snapshotTime: T1 });
    dirB = await communityDir(rowsFor(idsB, T1), { id: 102, screen_name: 'small_b', snapshotTime: T1 });
    dirC = await communityDir(rowsFor(idsC, T1), { id: 103, screen_name: 'big_c', snapshotTime: T1 });
    // news_a three months later: every tenth member left, 150 joined, some stayers banned.
    const joined = people(0.2, 9)
      .filter((id) => !idsA.includes(id))
      .slice(0, 150);
    idsA2 = [...idsA.filter((id) => id % 10 !== 0), ...joined].sort((x, y) => x - y);
    dirA2 = await communityDir(
      idsA2.map((id) => rowFor(id, id % 97 === 1 ? 4 : personStatus(id, 1), T2)),
      { id: 101, screen_name: 'news_a', snapshotTime: T2 },
    );
    const pagesB = samplePages(rowsFor(idsB, T1), 100, [0, 2, 4, 6]);
    sampleB = await communityDir(pagesB.rows, {
      id: 102,
      screen_name: 'small_b',
      snapshotTime: T1,
      sample: pagesB.sample,
    });
    const pagesC = samplePages(rowsFor(idsC, T1), 100, [1, 3, 5, 7, 9]);
    sampleC = await communityDir(pagesC.rows, {
      id: 103,
      screen_name: 'big_c',
      snapshotTime: T1,
      sample: pagesC.sample,
    });
    made.push(dirA, dirB, dirC, dirA2, sampleB, sampleC);
  });
  after(() => {
    for (const d of [work, ...made]) fs.rmSync(d, { recursive: true, force: true });
  });

  it('three communities and one of them again later: prints and writes every community, pair and the churn', () => {
    const out = path.join(work, 'nested', 'compare.json');
    const r = compare(['--snapshots', dirA, dirB, dirC, dirA2, '--json', out]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.equal('');
    const j = JSON.parse(fs.readFileSync(out, 'utf8'));
    expectValid(validate, j);
    expect(Object.keys(j)).to.include.members(['communities', 'differences', 'overlap']);
    expect(j.communities.map((c: { key: string }) => c.key)).to.deep.equal(['news_a', 'small_b', 'big_c']);
    expect(j.communities[0]).to.include({ members: idsA2.length, snapshot_time: T2, kind: 'census' });
    for (const c of j.communities) {
      expect(c.shares).to.have.length(5);
      for (const s of c.shares) expect(s.lo).to.be.at.most(s.share).and.at.most(s.hi);
      expect(c.peaks.map((p: { zone: string }) => p.zone)).to.deep.equal(['UTC', 'MSK']);
      expect(c.top_cities.length).to.be.greaterThan(0);
    }
    expect(j.differences).to.have.length(3 * 5);
    expect(j.overlap).to.have.length(3);
    const bc = j.overlap.find((o: { a: string; b: string }) => o.a === 'small_b' && o.b === 'big_c');
    const common = inter(idsB, idsC);
    expect(bc).to.deep.include({
      common,
      share_of_a_in_b: common / idsB.length,
      share_of_b_in_a: common / idsC.length,
      jaccard: common / (idsB.length + idsC.length - common),
      exact: true,
    });
    const o = j.over_time[0];
    const stayed = inter(idsA, idsA2);
    expect(o).to.deep.include({
      stayed,
      left: idsA.length - stayed,
      joined: idsA2.length - stayed,
      days: 92,
    });
    const bannedStayers = idsA2.filter(
      (id) => idsA.includes(id) && id % 97 === 1 && personStatus(id, 1) !== 4,
    );
    expect(o.banned_between.stayers).to.equal(bannedStayers.length).and.be.greaterThan(0);
    expect(j.snapshots.map((s: { dir: string }) => s.dir)).to.deep.equal([dirA, dirB, dirC, dirA2]);

    // The text says the same numbers.
    expect(r.stdout).to.contain(`Wrote ${out}`);
    expect(r.stdout).to.match(
      new RegExp(
        `small_b\\s+big_c\\s+${common.toLocaleString('en-US')}\\s+${((100 * common) / idsB.length).toFixed(1)}%`,
      ),
    );
    const s = j.communities[1].shares[0];
    const cell = `${(100 * s.share).toFixed(1)}% (${(100 * s.lo).toFixed(1)}%–${(100 * s.hi).toFixed(1)}%)`;
    expect(r.stdout.split('\n').filter((l) => l.startsWith('small_b  ') && l.includes(cell))).to.have.length(
      1,
    );
    const d = j.differences.find(
      (x: { a: string; b: string; key: string }) => x.a === 'news_a' && x.b === 'big_c' && x.key === 'active',
    );
    const pts = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)}`;
    expect(r.stdout).to.contain(`${pts(d.difference)} (${pts(d.lo)} to ${pts(d.hi)})`);
    expect(r.stdout).to.match(
      new RegExp(`joined ${o.joined}, left ${o.left}, stayed ${o.stayed.toLocaleString('en-US')}`),
    );
    expect(r.stdout).to.contain(j.communities[0].top_cities[0].city);
    expect(r.stdout).to.contain('SYNTHETIC');

    // The schema refuses what it does not document, so passing it means something.
    const clone = (): typeof j => JSON.parse(JSON.stringify(j));
    const bad = [clone(), clone(), clone(), clone()];
    delete bad[0].overlap[0].common;
    bad[1].communities[0].shares[0].share = 1.5;
    bad[2].over_time[0].extra = 1;
    bad[3].differences[0].method = 'z test';
    for (const [doc, where] of [
      [bad[0], /overlap\/0 must have required property 'common'/],
      [bad[1], /shares\/0\/share must be <= 1/],
      [bad[2], /over_time\/0 must NOT have additional properties/],
      [bad[3], /differences\/0\/method must be equal to one of the allowed values/],
    ] as const) {
      expect(validate(doc), String(where)).to.equal(false);
      expect(validate.errors!.map((e) => `${e.instancePath} ${e.message}`).join('\n')).to.match(where);
    }
  });

  it('a sample with a census, and two samples: says what the comparison can and cannot do', () => {
    const out = path.join(work, 'sample.json');
    const r = compare(['--snapshots', dirA, sampleB, sampleC, '--json', out]);
    expect(r.code, r.stderr).to.equal(0);
    const j = JSON.parse(fs.readFileSync(out, 'utf8'));
    expectValid(validate, j);
    expect(j.communities.map((c: { kind: string }) => c.kind)).to.deep.equal(['census', 'sample', 'sample']);
    expect(j.communities[1].sample.text).to.match(/^sample of 400 of [\d,]+ members/);
    expect(j.communities[1].shares[0]).to.include({ method: 'ratio over pages' });
    const ab = j.overlap.find((x: { b: string }) => x.b === 'small_b');
    expect(ab.exact).to.equal(false);
    expect(ab.common_lo).to.be.at.most(ab.common).and.at.most(ab.common_hi);
    const bc = j.overlap.find((x: { a: string; b: string }) => x.a === 'small_b' && x.b === 'big_c');
    expect(bc).to.include({ common: null, jaccard: null, exact: false });
    expect(j.upset).to.equal(null);
    expect(j.differences.every((x: { method: string }) => x.method === 'mover, design-based')).to.equal(true);
    expect(r.stdout).to.contain('What this comparison can and cannot do');
    expect(r.stdout).to.match(/small_b is a sample of 400 of/);
    expect(r.stdout).to.match(/both samples: their random pages cover different members/);
    expect(r.stdout).to.match(/small_b\s+big_c\s+n\/a\s+n\/a\s+n\/a\s+n\/a\s+cannot be estimated/);
  });

  it('a sample then a census of one community over time: shares only, and why', () => {
    const out = path.join(work, 'over-time-sample.json');
    const later = dirB; // same community (102) as sampleB; make the census the newer one
    const m = JSON.parse(fs.readFileSync(path.join(later, 'manifest.json'), 'utf8'));
    const copy = path.join(work, 'small-b-later');
    fs.cpSync(later, copy, { recursive: true });
    m.snapshot_time = T2;
    fs.writeFileSync(path.join(copy, 'manifest.json'), JSON.stringify(m));
    const r = compare(['--over-time', '--snapshots', sampleB, copy, '--json', out]);
    expect(r.code, r.stderr).to.equal(0);
    const j = JSON.parse(fs.readFileSync(out, 'utf8'));
    expectValid(validate, j);
    expect(j.over_time[0]).to.include({ exact: false, joined: null, stayed: null, sankey: null });
    expect(j.over_time[0].notes[0]).to.match(/can only be counted between two snapshots pulled in full/);
    expect(r.stdout).to.contain('can only be counted between two snapshots pulled in full');
  });

  it('--over-time with two different communities is an error naming both (exit 2, nothing written)', () => {
    const out = path.join(work, 'never.json');
    const r = compare(['--over-time', '--snapshots', dirA, dirB, '--json', out]);
    expect(r.code).to.equal(2);
    expect(r.stderr)
      .to.contain(dirA)
      .and.contain(dirB)
      .and.match(/different communities/);
    expect(r.stderr).to.contain('news_a').and.contain('small_b');
    expect(r.stderr).not.to.match(/\n\s+at /);
    expect(fs.existsSync(out)).to.equal(false);
  });

  it('a missing or unfinished snapshot is named (exit 5, nothing written)', () => {
    const out = path.join(work, 'never.json');
    const missing = path.join(work, 'no-such-snapshot');
    let r = compare(['--snapshots', dirA, missing, '--json', out]);
    expect(r.code).to.equal(5);
    expect(r.stderr).to.match(new RegExp(`^error: snapshot directory ${missing} does not exist`));
    const unfinished = path.join(work, 'unfinished');
    fs.mkdirSync(snapshotPaths(unfinished).partialDir, { recursive: true });
    r = compare(['--snapshots', unfinished, dirA, '--json', out]);
    expect(r.code).to.equal(5);
    expect(r.stderr).to.contain(`snapshot ${unfinished} is unfinished`);
    expect(fs.existsSync(out)).to.equal(false);
  });

  it('bad command lines: exit 2 with one line, before any work', () => {
    const folder = path.join(work, 'a-folder');
    fs.mkdirSync(folder, { recursive: true });
    const cases: [string[], RegExp][] = [
      [[], /^error: missing --snapshots/],
      [['--snapshots', dirA], /needs at least two directories .* got one: /],
      [['--snapshots', dirA, dirA], /--snapshots names .* twice/],
      [['--snapshots', dirA, dirB, '--json', folder], /--json ".*a-folder" is a folder: give a file path/],
      [['--snapshots', dirA, dirB, '--inactive-days', 'soon'], /--inactive-days needs a whole number >= 1/],
      [['--snapshots', dirA, dirB, '--frobnicate'], /unknown option "--frobnicate"/],
      [['--snapshots', dirA, dirB, path.join(work, 'no-such-snapshot')], /does not exist/],
    ];
    for (const [args, re] of cases) {
      const r = compare(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.equal(/does not exist/.test(re.source) ? 5 : 2);
      expect(r.stderr, args.join(' ')).to.match(re);
      expect(r.stderr.trim().split('\n'), args.join(' ')).to.have.length(1);
      expect(r.stdout, args.join(' ')).to.equal('');
    }
    const help = compare(['--help']);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.match(/^usage: npm run compare -- --snapshots DIR \[DIR \.\.\.\]/);
    expect(help.stdout).to.contain('exit codes:').and.contain('--over-time');
  });

  it('--snapshots takes the words after it, and stays repeatable', () => {
    expect(expandSnapshotArgs(['--snapshots', 'a', 'b', '--json', 'o', 'x'])).to.deep.equal([
      '--snapshots',
      'a',
      '--snapshots',
      'b',
      '--json',
      'o',
      'x',
    ]);
    expect(expandSnapshotArgs(['--snapshots=a', 'b', '--snapshots', 'c'])).to.deep.equal([
      '--snapshots=a',
      '--snapshots',
      'b',
      '--snapshots',
      'c',
    ]);
  });
});
