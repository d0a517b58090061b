import { expect } from 'chai';
import { STATUSES, statusRates } from '../../src/audit/status';
import { countOf, rateDefinitions } from '../../src/compare/rates';

describe('compare: shares as status sets', () => {
  it('count the same numerators and denominators as statusRates on any counts', () => {
    const defs = rateDefinitions(183);
    for (const counts of [
      [5, 7, 11, 13, 17],
      [0, 0, 0, 0, 1],
      [1000, 3, 0, 40, 2],
    ]) {
      const rates = statusRates({
        n: counts.reduce((a, b) => a + b, 0),
        counts: Object.fromEntries(STATUSES.map((s, k) => [s, counts[k]])) as never,
        byLastSeen: { active: 0, inactive: 0 },
        byOnlineInfo: { active: 0, inactive: 0 },
        onlineInfoUnrecognised: 0,
        snapshotTime: '2024-01-01T00:00:00.000Z',
        inactiveDays: 183,
        level: 0.95,
      });
      expect(defs.map((d) => d.key)).to.deep.equal(rates.map((r) => r.key));
      rates.forEach((r, i) => {
        expect(countOf(counts, defs[i].numerator), r.key).to.equal(r.numerator);
        expect(countOf(counts, defs[i].denominator), r.key).to.equal(r.denominator);
      });
    }
  });

  it('deleted or banned is of all members; inactive is of live members with a known visit', () => {
    const [db, , , inactive] = rateDefinitions(183);
    expect(db.numerator).to.deep.equal([false, false, false, true, true]);
    expect(db.denominator).to.deep.equal([true, true, true, true, true]);
    expect(inactive.numerator).to.deep.equal([false, true, false, false, false]);
    expect(inactive.denominator).to.deep.equal([true, true, false, false, false]);
  });
});
