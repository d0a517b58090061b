/**
 * The audit of a sample snapshot: design-based shares over the sampled pages, and their
 * coverage of the census values over repeated samples drawn as the pull draws them.
 */
import { expect } from 'chai';
import { sampleAudit } from '../../src/audit/sample';
import {
  DEFAULT_INACTIVE_DAYS,
  type StatusClassification,
  statusRates,
  STATUSES,
} from '../../src/audit/status';
import { wilson } from '../../src/audit/intervals';
import { clusteredCommunity } from '../../src/compare/coverage';
import { rateDefinitions, countOf } from '../../src/compare/rates';
import { drawPages, sampleDesign, samplePlan } from '../../src/vk/sample';

const SNAPSHOT_TIME = '2026-11-01T00:00:00Z';

/** What the audit's status step gives for these codes (only the codes matter here). */
function classification(codes: Uint8Array): StatusClassification {
  return {
    codes,
    basis: new Uint8Array(codes.length),
    lastSeen: new Float64Array(codes.length),
    snapshotTime: Date.parse(SNAPSHOT_TIME) / 1000,
    inactiveDays: DEFAULT_INACTIVE_DAYS,
    onlineInfoUnrecognised: 0,
    firstUnrecognised: null,
  };
}

function tally(codes: Uint8Array): number[] {
  const t = STATUSES.map(() => 0);
  for (const c of codes) t[c]++;
  return t;
}

/** The rows of the sampled pages of a community, as a sample pull stores them. */
function sampleOf(codes: Uint8Array, pageSize: number, m: number, seed: number) {
  const plan = samplePlan({ members: m * pageSize, seed }, codes.length, pageSize);
  const rows = plan.offsets.map((o) => Math.min(pageSize, codes.length - o));
  const sampled = new Uint8Array(rows.reduce((a, b) => a + b, 0));
  let at = 0;
  for (const o of plan.offsets) {
    const page = codes.subarray(o, o + pageSize);
    sampled.set(page, at);
    at += page.length;
  }
  return { codes: sampled, manifest: { snapshot_time: SNAPSHOT_TIME, sample: sampleDesign(plan, rows) } };
}

describe('audit of a sample snapshot', () => {
  it('a census has no sample audit; a sample says "sample of n of N" and estimates over its pages', () => {
    const codes = clusteredCommunity(50_500, 1000, 3);
    expect(sampleAudit({ snapshot_time: SNAPSHOT_TIME }, classification(codes), 0.95)).to.equal(null);
    const s = sampleOf(codes, 1000, 8, 2);
    const a = sampleAudit(s.manifest, classification(s.codes), 0.95)!;
    expect(a.text).to.match(
      /^sample of [\d,]+ of 50,500 members \(8 of 51 pages of 1,000 consecutive members by id, drawn at random without replacement, seed 2\)$/,
    );
    expect(a.headline.text).to.match(
      /^A sample of .* an estimated [\d.]+% \(95% CI [\d.]+%–[\d.]+%\) are deleted or banned/,
    );
    expect(a.rates.map((r) => r.key)).to.deep.equal(rateDefinitions(DEFAULT_INACTIVE_DAYS).map((d) => d.key));
    expect(a.statusTable.numRows()).to.equal(STATUSES.length);
    // The point estimates are the sample's own shares (equal page weights: the ratio estimator).
    const n = s.codes.length;
    const deleted = s.codes.filter((c) => c === 3 || c === 4).length;
    expect(a.rates[0].share).to.be.closeTo(deleted / n, 1e-12);
    expect(a.rates[0].lo).to.be.lessThan(a.rates[0].share);
    expect(a.precision.not_seen.design_effect).to.be.greaterThan(0);
  });

  it('a design whose rows do not add up to the members is refused, naming the manifest', () => {
    const codes = clusteredCommunity(20_000, 1000, 3);
    const s = sampleOf(codes, 1000, 4, 2);
    expect(() => sampleAudit(s.manifest, classification(s.codes.subarray(1)), 0.95)).to.throw(
      /"sample.pages" hold 4000 rows but members.arrow has 3999/,
    );
  });

  it('its 95% intervals cover the census values about 95% of the time over repeated samples; Wilson over members does not', () => {
    // 400k members whose statuses cluster by id (src/compare/coverage.ts), 40 of 400 pages
    // sampled 300 times (Monte Carlo SE of a 95% coverage: 1.3 points).
    const codes = clusteredCommunity(400_000, 1000, 17);
    const census = statusRates({
      n: codes.length,
      counts: Object.fromEntries(tally(codes).map((n, k) => [STATUSES[k], n])) as Record<
        (typeof STATUSES)[number],
        number
      >,
      byLastSeen: { active: 0, inactive: 0 },
      byOnlineInfo: { active: 0, inactive: 0 },
      onlineInfoUnrecognised: 0,
      snapshotTime: SNAPSHOT_TIME,
      inactiveDays: DEFAULT_INACTIVE_DAYS,
      level: 0.95,
    });
    const defs = rateDefinitions(DEFAULT_INACTIVE_DAYS);
    const R = 300;
    const covered = new Float64Array(defs.length);
    const coveredNaive = new Float64Array(defs.length);
    const deff = new Float64Array(defs.length);
    for (let r = 0; r < R; r++) {
      const s = sampleOf(codes, 1000, 40, 1000 + r);
      const a = sampleAudit(s.manifest, classification(s.codes), 0.95)!;
      const counts = tally(s.codes);
      a.rates.forEach((e, i) => {
        const truth = census[i].share;
        if (e.lo <= truth && truth <= e.hi) covered[i]++;
        const w = wilson(countOf(counts, defs[i].numerator), countOf(counts, defs[i].denominator));
        if (w.lo <= truth && truth <= w.hi) coveredNaive[i]++;
        deff[i] += a.precision[e.key].design_effect / R;
      });
    }
    defs.forEach((d, i) => {
      expect(covered[i] / R, `${d.key}: coverage`).to.be.within(0.91, 0.985);
      if (deff[i] > 5) expect(coveredNaive[i] / R, `${d.key}: members-as-drawn coverage`).to.be.lessThan(0.7);
    });
    expect(Math.max(...deff), 'the community is clustered').to.be.greaterThan(5);
  });

  it('draws its pages as the pull does', () => {
    const s = sampleOf(clusteredCommunity(30_000, 1000, 1), 1000, 5, 9);
    expect(s.manifest.sample.pages.map((p) => p.offset / 1000)).to.deep.equal(drawPages(30, 5, 9));
  });
});
