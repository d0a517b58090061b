import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { wilson } from '../../src/audit/intervals';
import {
  compareAll,
  compareJson,
  compareOverTime,
  CompareError,
  compareSnapshots,
  loadCommunity,
} from '../../src/compare/compare';
import { SnapshotError } from '../../src/snapshot/read';
import { Rng } from '../../src/util/rng';
import { personStatus } from './helpers';
import { communityDir, rowFor, rowsFor, samplePages } from './snapshots';

const T1 = '2024-06-01T12:00:00Z';
const T2 = '2024-09-01T12:00:00Z';

/** People 1…4000; each community follows a different random part of them. */
function people(p: number, seed: number): number[] {
  const rng = new Rng(seed);
  const out: number[] = [];
  for (let id = 1; id <= 4000; id++) if (rng.uniform() < p) out.push(id);
  return out;
}
const inter = (a: number[], b: number[]): number => {
  const s = new Set(b);
  return a.filter((x) => s.has(x)).length;
};

describe('compare: snapshots side by side and over time', function () {
  this.timeout(60_000);
  let dirA: string;
  let dirB: string;
  let dirC: string;
  let dirA2: string;
  let idsA: number[];
  let idsB: number[];
  let idsC: number[];
  let idsA2: number[];
  const opts = { bootstrapReplicates: 200 };

  before(async () => {
    idsA = people(0.5, 1);
    idsB = people(0.3, 2);
    idsC = people(0.6, 3);
    dirA = await communityDir(rowsFor(idsA, T1), { id: 101, screen_name: 'news_a', snapshotTime: T1 });
    dirB = await communityDir(rowsFor(idsB, T1), { id: 102, screen_name: 'small_b', snapshotTime: T1 });
    dirC = await communityDir(rowsFor(idsC, T1), { id: 103, screen_name: 'big_c', snapshotTime: T1 });
    // A three months later: a tenth left, 200 joined, some stayers banned or gone inactive.
    const left = new Set(idsA.filter((id) => id % 10 === 0));
    const joined = people(0.05, 9)
      .filter((id) => !idsA.includes(id))
      .slice(0, 200);
    idsA2 = [...idsA.filter((id) => !left.has(id)), ...joined].sort((x, y) => x - y);
    const rows2 = idsA2.map((id) => {
      let code = personStatus(id, 1);
      if (id % 97 === 1 && code !== 4)
        code = 4; // banned between the snapshots
      else if (id % 31 === 2 && code === 0) code = 1;
      return rowFor(id, code, T2);
    });
    dirA2 = await communityDir(rows2, { id: 101, screen_name: 'news_a', snapshotTime: T2 });
  });

  it('per community: members, shares with Wilson intervals, peak, top cities', () => {
    const r = compareSnapshots([dirA, dirB, dirC], opts);
    expect(r.communities.map((c) => c.key)).to.deep.equal(['news_a', 'small_b', 'big_c']);
    const a = r.communities[0];
    expect(a.members).to.equal(idsA.length);
    expect(a.kind).to.equal('census');
    const deleted = idsA.filter((id) => personStatus(id, 1) >= 3).length;
    const db = a.shares.find((s) => s.key === 'deleted_or_banned')!;
    expect(db.numerator).to.equal(deleted);
    expect(db).to.deep.include({
      denominator: idsA.length,
      method: 'wilson',
      ...wilson(deleted, idsA.length),
    });
    expect(a.peaks.map((p) => p.zone)).to.deep.equal(['UTC', 'MSK']);
    expect(a.top_cities.length).to.be.within(1, 5);
    expect(a.top_cities[0].members).to.be.greaterThan(0);
  });

  it('overlap: exact common counts, Jaccard and shares for every pair; differences with shared members paired', () => {
    const r = compareSnapshots([dirA, dirB, dirC], opts);
    expect(r.overlap).to.have.length(3);
    const ab = r.overlap.find((o) => o.a === 'news_a' && o.b === 'small_b')!;
    const common = inter(idsA, idsB);
    expect(ab).to.deep.equal({
      a: 'news_a',
      b: 'small_b',
      common,
      jaccard: common / (idsA.length + idsB.length - common),
      share_of_a_in_b: common / idsA.length,
      share_of_b_in_a: common / idsB.length,
      exact: true,
    });
    expect(r.differences).to.have.length(3 * 5);
    const d = r.differences.find(
      (x) => x.a === 'news_a' && x.b === 'big_c' && x.key === 'deleted_or_banned',
    )!;
    expect(d.method).to.equal('newcombe hybrid score, shared members paired');
    expect(d.difference).to.be.closeTo(d.share_a - d.share_b, 1e-12);
    expect(d.lo).to.be.lessThan(d.difference);
    expect(d.hi).to.be.greaterThan(d.difference);
    // Same people, same statuses: pairing narrows the interval.
    expect(d.hi - d.lo).to.be.lessThan(d.independent!.hi - d.independent!.lo);
    expect(r.upset!.union).to.equal(new Set([...idsA, ...idsB, ...idsC]).size);
    expect(r.over_time).to.deep.equal([]);
    const json = compareJson(r);
    expect(Object.keys(json)).to.include.members(['communities', 'differences', 'overlap', 'over_time']);
  });

  it('over time: joined, left, stayed, transitions and bans between the snapshots, exact', () => {
    const r = compareSnapshots([dirA2, dirB, dirA], opts);
    // The newest snapshot of news_a goes side by side; the two snapshots of it make one over-time section.
    expect(r.communities.map((c) => c.key)).to.deep.equal(['news_a', 'small_b']);
    expect(r.communities[0].snapshot_time).to.equal(T2);
    expect(r.over_time).to.have.length(1);
    const o = r.over_time[0];
    const stayed = inter(idsA, idsA2);
    expect(o.exact).to.equal(true);
    expect(o.stayed).to.equal(stayed);
    expect(o.left).to.equal(idsA.length - stayed);
    expect(o.joined).to.equal(idsA2.length - stayed);
    expect(o.days).to.equal(92);
    const bannedStayers = idsA2.filter(
      (id) => idsA.includes(id) && id % 97 === 1 && personStatus(id, 1) !== 4,
    );
    expect(o.banned_between!.stayers).to.equal(bannedStayers.length);
    const activeToInactive = o.transitions!.find((t) => t.from === 'active' && t.to === 'inactive')!;
    expect(activeToInactive.count).to.be.greaterThan(0);
    const links = o.sankey!.links.reduce((n, l) => n + l.value, 0);
    expect(links).to.equal(o.stayed! + o.left! + o.joined!);
    expect(o.differences.map((d) => [d.a, d.b])[0]).to.deep.equal(['newer', 'older']);
  });

  it('over time: two different communities are an error naming both', () => {
    const a = loadCommunity(dirA, opts);
    const b = loadCommunity(dirB, opts);
    expect(() => compareOverTime(a, b))
      .to.throw(CompareError)
      .with.property('message')
      .that.matches(new RegExp(`${dirA}.*news_a.*id 101.*${dirB}.*small_b.*id 102.*different communities`));
  });

  it('names a missing, unfinished or empty snapshot, and a snapshot given twice', async () => {
    const missing = path.join(os.tmpdir(), 'vkas-compare-no-such-dir');
    expect(() => compareSnapshots([dirA, missing])).to.throw(new RegExp(`${missing} does not exist`));
    const unfinished = fs.mkdtempSync(path.join(os.tmpdir(), 'vkas-compare-partial-'));
    fs.mkdirSync(path.join(unfinished, '.pull-partial'));
    expect(() => compareSnapshots([dirA, unfinished])).to.throw(new RegExp(`${unfinished} is unfinished`));
    const empty = await communityDir([], { id: 104, screen_name: 'empty', snapshotTime: T1 });
    expect(() => compareSnapshots([dirA, empty])).to.throw(
      SnapshotError,
      new RegExp(`${empty} holds no members`),
    );
    expect(() => compareSnapshots([dirA, dirA], opts)).to.throw(CompareError, /the same snapshot twice/);
    expect(() => compareSnapshots([dirA], opts)).to.throw(CompareError, /at least two snapshots/);
  });

  it('a sample with a census: estimated shares and overlap, independent differences, and notes saying so', async () => {
    // big_c pulled as 8 of its ~24 pages of 100 members.
    const census = rowsFor(idsC, T1);
    const s = samplePages(census, 100, [0, 2, 5, 7, 11, 13, 17, 20]);
    const dirS = await communityDir(s.rows, {
      id: 103,
      screen_name: 'big_c',
      snapshotTime: T1,
      sample: s.sample,
    });
    const r = compareSnapshots([dirA, dirS], opts);
    const c = r.communities[1];
    expect(c.kind).to.equal('sample');
    expect(c.members).to.equal(idsC.length);
    expect(c.sample!.text).to.match(
      /^sample of 800 of [\d,]+ members \(8 of \d+ pages of 100 consecutive members by id/,
    );
    expect(c.shares[0].method).to.equal('ratio over pages');
    expect(c.shares[0].bootstrap!.replicates).to.equal(200);
    expect(r.differences[0].method).to.equal('mover, design-based');
    const o = r.overlap[0];
    expect(o.exact).to.equal(false);
    const truth = inter(idsC, idsA) / idsC.length;
    expect(truth).to.be.within(o.share_of_b_in_a - 0.1, o.share_of_b_in_a + 0.1);
    expect(o.common_lo!).to.be.at.most(o.common);
    expect(o.common_hi!).to.be.at.least(o.common);
    expect(o.note).to.match(/estimated from the 8 sampled pages of big_c/);
    expect(r.notes.join(' ')).to.match(/big_c is a sample of 800 .* cannot be paired/);
    expect(r.upset).to.equal(null);
    // Over time with a sample: shares compared, churn not counted, and said so.
    const sA2 = await communityDir(samplePages(rowsFor(idsA, T2), 100, [1, 3, 4, 8, 9]).rows, {
      id: 101,
      screen_name: 'news_a',
      snapshotTime: T2,
      sample: samplePages(rowsFor(idsA, T2), 100, [1, 3, 4, 8, 9]).sample,
    });
    const t = compareAll([loadCommunity(dirA, opts), loadCommunity(sA2, opts)]);
    expect(t.over_time[0].exact).to.equal(false);
    expect(t.over_time[0].joined).to.equal(null);
    expect(t.over_time[0].notes[0]).to.match(/can only be counted between two snapshots pulled in full/);
    // Two samples: no overlap estimate, and why.
    const u = compareAll([loadCommunity(dirS, opts), loadCommunity(sA2, opts)]);
    expect(u.overlap[0].note).to.match(/both samples/);
  });
});
