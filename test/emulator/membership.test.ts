import { expect } from 'chai';
import { Membership } from '../../src/emulator/membership';
import { Rng } from '../../src/util/rng';

/** A naive model of the same semantics, to compare against. */
class NaiveMembers {
  present: boolean[];
  joined: number[];
  left: number[];
  constructor(n: number) {
    this.present = Array(n).fill(true);
    this.joined = Array(n).fill(0);
    this.left = Array(n).fill(0);
  }
  ranked(): number[] {
    return this.present.flatMap((p, i) => (p ? [i] : []));
  }
}

describe('emulator / membership drift', () => {
  it('without drift, ranks are indices and every member is present throughout', () => {
    const m = new Membership(1000, 1e6);
    expect(m.count()).to.equal(1000);
    expect(m.indexAtRank(0)).to.equal(0);
    expect(m.indexAtRank(999)).to.equal(999);
    expect(m.indexAtRank(1000)).to.equal(-1);
    expect(m.page(990, 50)).to.deep.equal(Array.from({ length: 10 }, (_, i) => 990 + i));
    expect(m.page(0, 3, true)).to.deep.equal([999, 998, 997]);
    expect(m.presentThroughout(0, 10).length).to.equal(1000);
  });

  it('matches a naive model through leaves and joins (paging, counts, presentThroughout)', () => {
    const m = new Membership(500, 1e6);
    const naive = new NaiveMembers(500);
    const rng = new Rng(7);
    const shadow = new Rng(7); // same stream: replay the leavers in the naive model
    for (let counter = 1; counter <= 60; counter++) {
      const leave = counter % 3;
      const join = counter % 4 === 0 ? 5 : 0;
      const before = naive.ranked();
      m.applyDrift(counter, leave, join, rng);
      let current = before;
      for (let k = 0; k < leave; k++) {
        const idx = current[shadow.int(current.length)];
        naive.present[idx] = false;
        naive.left[idx] = counter;
        current = naive.ranked();
      }
      for (let k = 0; k < join; k++) {
        naive.present.push(true);
        naive.joined.push(counter);
        naive.left.push(0);
      }
      const ranked = naive.ranked();
      expect(m.count()).to.equal(ranked.length);
      expect(Array.from(m.memberIndices())).to.deep.equal(ranked);
      expect(m.page(17, 40)).to.deep.equal(ranked.slice(17, 57));
      expect(m.page(5, 10, true)).to.deep.equal(ranked.slice().reverse().slice(5, 15));
    }
    for (const [a, b] of [
      [0, 60],
      [10, 20],
      [30, 30],
      [59, 60],
    ]) {
      const expected = naive.present
        .map((_, i) => i)
        .filter((i) => naive.joined[i] <= a && (naive.left[i] === 0 || naive.left[i] > b));
      expect(Array.from(m.presentThroughout(a, b)), `${a}..${b}`).to.deep.equal(expected);
    }
  });

  it('rejects a reversed interval', () => {
    expect(() => new Membership(10, 100).presentThroughout(5, 2)).to.throw(/from <= to/);
  });
});
