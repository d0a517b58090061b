import { expect } from 'chai';
import { wilson } from '../../src/audit/intervals';
import {
  moverInterval,
  newcombeDifference,
  overlapDifference,
  pairedDifference,
  pairedPhi,
} from '../../src/compare/mover';
import { differenceCoverage } from '../../src/compare/coverage';

describe('compare: differences of shares (MOVER, Newcombe)', () => {
  it("gives Newcombe's hybrid score intervals for his eight examples (1998, Table II, method 10)", () => {
    const cases: [number, number, number, number, number, number][] = [
      [56, 70, 48, 80, 0.0524, 0.3339],
      [9, 10, 3, 10, 0.1705, 0.809],
      [6, 7, 2, 7, 0.0582, 0.8062],
      [5, 56, 0, 29, -0.0381, 0.1926],
      [0, 10, 0, 20, -0.1611, 0.2775],
      [0, 10, 0, 10, -0.2775, 0.2775],
      [10, 10, 0, 20, 0.6791, 1.0],
      [10, 10, 0, 10, 0.6075, 1.0],
    ];
    for (const [x1, n1, x2, n2, lo, hi] of cases) {
      const r = newcombeDifference(x1, n1, x2, n2);
      expect(r.share).to.be.closeTo(x1 / n1 - x2 / n2, 1e-12);
      expect(r.lo, `${x1}/${n1} − ${x2}/${n2}`).to.be.closeTo(lo, 5e-5);
      expect(r.hi, `${x1}/${n1} − ${x2}/${n2}`).to.be.closeTo(hi, 5e-5);
    }
  });

  it('is undefined (NaN) without a denominator', () => {
    expect(Number.isNaN(newcombeDifference(0, 0, 1, 2).lo)).to.equal(true);
    expect(Number.isNaN(pairedDifference(0, 0, 0, 0).hi)).to.equal(true);
  });

  it('MOVER of one term is that term’s interval, scaled and flipped by its coefficient', () => {
    const w = wilson(30, 100);
    const r = moverInterval([{ coef: -2, estimate: w.share, lo: w.lo, hi: w.hi }]);
    expect(r.share).to.be.closeTo(-0.6, 1e-12);
    expect(r.lo).to.be.closeTo(-2 * w.hi, 1e-12);
    expect(r.hi).to.be.closeTo(-2 * w.lo, 1e-12);
  });

  it("Newcombe's φ: 0 with an empty margin, corrected towards 0 when positive", () => {
    expect(pairedPhi(5, 0, 0, 0)).to.equal(0);
    expect(pairedPhi(10, 0, 0, 10)).to.be.closeTo((100 - 10) / 100, 1e-12);
    expect(pairedPhi(0, 10, 10, 0)).to.be.closeTo(-1, 1e-12);
    expect(pairedPhi(1, 1, 1, 1)).to.equal(0); // ad − bc = 0 ≤ n/2
  });

  it('paired: identical statuses give a narrow interval around 0; discordance widens it', () => {
    const same = pairedDifference(30, 0, 0, 70);
    const ind = newcombeDifference(30, 100, 30, 100);
    expect(same.share).to.equal(0);
    expect(same.lo).to.be.lessThan(0);
    expect(same.hi - same.lo).to.be.lessThan(0.25 * (ind.hi - ind.lo));
    const some = pairedDifference(25, 5, 5, 65);
    expect(some.lo).to.be.lessThan(0);
    expect(some.hi).to.be.greaterThan(0);
    expect(some.hi - some.lo).to.be.greaterThan(same.hi - same.lo);
  });

  it('overlap-aware: no shared members = Newcombe; all members shared = the paired interval', () => {
    const ind = newcombeDifference(30, 100, 50, 120);
    const o = overlapDifference({ nA: 100, xA: 30, nB: 120, xB: 50, a: 0, b: 0, c: 0, d: 0 });
    expect(o.lo).to.be.closeTo(ind.lo, 1e-12);
    expect(o.hi).to.be.closeTo(ind.hi, 1e-12);
    const p = pairedDifference(20, 6, 4, 70);
    const q = overlapDifference({ nA: 100, xA: 26, nB: 100, xB: 24, a: 20, b: 6, c: 4, d: 70 });
    expect(q.share).to.be.closeTo(p.share, 1e-12);
    expect(q.lo).to.be.closeTo(p.lo, 1e-12);
    expect(q.hi).to.be.closeTo(p.hi, 1e-12);
  });

  it('overlap-aware: refuses shared counts that do not fit in the communities', () => {
    expect(() => overlapDifference({ nA: 10, xA: 2, nB: 10, xB: 2, a: 3, b: 0, c: 0, d: 0 })).to.throw(
      /do not fit/,
    );
  });

  it('covers the rate difference at about 95% when audiences overlap (simulation, 2000 replications)', () => {
    // 2000 replications: the Monte Carlo standard error of a 95% coverage is 0.5 points.
    const heavy = differenceCoverage(
      { onlyA: 150, onlyB: 350, shared: 250, pOnlyA: 0.12, pOnlyB: 0.2, pShared: 0.15, flip: 0.02 },
      2000,
      11,
    );
    expect(heavy.coverage).to.be.within(0.93, 0.97);
    // Ignoring the overlap is conservative here: wider, covering more often.
    expect(heavy.coverageIndependent).to.be.greaterThan(heavy.coverage);
    expect(heavy.meanWidthIndependent).to.be.greaterThan(1.1 * heavy.meanWidth);
    const disjoint = differenceCoverage(
      { onlyA: 300, onlyB: 200, shared: 0, pOnlyA: 0.3, pOnlyB: 0.25, pShared: 0, flip: 0 },
      2000,
      12,
    );
    expect(disjoint.coverage).to.be.within(0.93, 0.97);
    expect(disjoint.coverage).to.equal(disjoint.coverageIndependent);
    const rare = differenceCoverage(
      { onlyA: 400, onlyB: 400, shared: 200, pOnlyA: 0.03, pOnlyB: 0.02, pShared: 0.025, flip: 0.01 },
      2000,
      13,
    );
    expect(rare.coverage).to.be.within(0.93, 0.975);
  });
});
