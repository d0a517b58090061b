import { expect } from 'chai';
import { checkMemberSet, type MemberSet } from '../../src/compare/member-set';
import { crossTab, crossTabsAll, overlapMeasures, tableTotal } from '../../src/compare/overlap';
import { upsetCounts } from '../../src/compare/upset';
import { drawSets } from './helpers';

const set = (key: string, ids: number[], codes?: number[]): MemberSet => ({
  key,
  ids: Int32Array.from(ids),
  codes: Uint8Array.from(codes ?? ids.map(() => 0)),
});

describe('compare: audience overlap', () => {
  it('crossTab: shared members by status in A (row) and B (column)', () => {
    const a = set('a', [1, 2, 5, 9, 12], [0, 1, 3, 4, 0]);
    const b = set('b', [2, 3, 5, 12, 40], [1, 0, 3, 1, 0]);
    const t = crossTab(a, b);
    expect(tableTotal(t)).to.equal(3);
    expect(t[1 * 5 + 1]).to.equal(1); // id 2: inactive in both
    expect(t[3 * 5 + 3]).to.equal(1); // id 5: deleted in both
    expect(t[0 * 5 + 1]).to.equal(1); // id 12: active in a, inactive in b
  });

  it('overlap measures: common, Jaccard, the share of each in the other', () => {
    expect(overlapMeasures(100, 50, 25)).to.deep.equal({
      common: 25,
      jaccard: 25 / 125,
      share_of_a_in_b: 0.25,
      share_of_b_in_a: 0.5,
    });
    expect(Number.isNaN(overlapMeasures(0, 0, 0).jaccard)).to.equal(true);
  });

  it('the one-sweep tables equal pairwise merges for every pair (overlapping sets, window edges, gaps, empty sets)', () => {
    // Ids 1 + 3i over 60k people span several 2^14-id windows; one set lives far away; one is empty.
    const sets = drawSets(7, 60_000, [0.5, 0.3, 0.05, 0.9, 0.2, 0.6, 0.01], 4);
    sets.push(set('far', [2_000_000_000, 2_000_000_003, 2_100_000_000], [4, 3, 0]));
    sets.push(set('empty', []));
    sets.push(set('edge', [16383, 16384, 16385, 32767, 32768], [0, 1, 2, 3, 4]));
    sets.push({ ...sets[3], key: 'copy of c3' });
    sets.forEach(checkMemberSet);
    const all = crossTabsAll(sets);
    for (let i = 0; i < sets.length; i++) {
      for (let j = i + 1; j < sets.length; j++) {
        const ref = crossTab(sets[i], sets[j]);
        expect(Array.from(all.table(i, j)), `${sets[i].key} × ${sets[j].key}`).to.deep.equal(Array.from(ref));
        expect(all.common(i, j)).to.equal(tableTotal(ref));
      }
    }
    expect(all.common(3, sets.length - 1)).to.equal(sets[3].ids.length);
    expect(() => all.table(2, 2)).to.throw(/0 <= i < j/);
  });

  it('checkMemberSet refuses unsorted or repeated ids', () => {
    expect(() => checkMemberSet(set('x', [1, 3, 2]))).to.throw(
      /x: member ids must ascend strictly; id 2 follows 3/,
    );
    expect(() => checkMemberSet(set('x', [1, 1]))).to.throw(/ascend strictly/);
    expect(() => checkMemberSet(set('x', [1], [7]))).to.throw(/not a status/);
  });
});

describe('compare: UpSet counts', () => {
  it('exclusive intersections add up to the union and match a brute-force count', () => {
    const sets = drawSets(5, 5000, [0.4, 0.3, 0.2, 0.5, 0.1], 9);
    const u = upsetCounts(sets);
    const where = new Map<number, number>();
    sets.forEach((s, k) => s.ids.forEach((id) => where.set(id, (where.get(id) ?? 0) | (1 << k))));
    const brute = new Map<number, number>();
    for (const m of where.values()) brute.set(m, (brute.get(m) ?? 0) + 1);
    expect(u.union).to.equal(where.size);
    expect(u.intersections.reduce((n, x) => n + x.count, 0)).to.equal(where.size);
    for (const x of u.intersections) expect(x.count, `mask ${x.mask}`).to.equal(brute.get(x.mask));
    expect(u.intersections.length).to.equal(brute.size);
    for (let i = 1; i < u.intersections.length; i++)
      expect(u.intersections[i - 1].count).to.be.at.least(u.intersections[i].count);
    const both = u.intersections.find((x) => x.mask === 0b11);
    expect(both?.sets).to.deep.equal(['c0', 'c1']);
  });

  it('refuses fewer than two or more than six communities', () => {
    expect(() => upsetCounts(drawSets(7, 10, 0.5))).to.throw(/2 to 6 communities/);
    expect(() => upsetCounts(drawSets(1, 10, 0.5))).to.throw(/2 to 6 communities/);
  });
});
