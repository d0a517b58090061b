import { expect } from 'chai';
import { wilson } from '../../src/audit/intervals';
import { clusteredCommunity, sampleCoverage } from '../../src/compare/coverage';
import { rateDefinitions } from '../../src/compare/rates';
import { SnapshotError } from '../../src/snapshot/read';
import {
  describeSample,
  pageBootstrap,
  pageCounts,
  pageOfRows,
  pageTotals,
  ratioOverPages,
  sampleDesignOf,
  tQuantile,
} from '../../src/compare/sample';

const design = {
  method: 'pages',
  page_size: 1000,
  members_total: 15_000_000,
  pages_total: 15_000,
  seed: 7,
  pages: [
    { offset: 5000, rows: 3 },
    { offset: 0, rows: 2 },
    { offset: 9000, rows: 1 },
  ],
};

describe('compare: sample audits over pages', () => {
  it('reads the design from a manifest and says "sample of n of N"', () => {
    expect(sampleDesignOf({ snapshot_time: 'x' }, 'm.json')).to.equal(null);
    const d = sampleDesignOf({ sample: design }, 'm.json')!;
    expect(d.pages).to.have.length(3);
    expect(describeSample(d)).to.equal(
      'sample of 6 of 15,000,000 members (3 of 15,000 pages of 1,000 consecutive members by id, drawn at random without replacement, seed 7)',
    );
    expect(Array.from(pageOfRows(d, 6))).to.deep.equal([0, 0, 0, 1, 1, 2]);
    expect(() => pageOfRows(d, 7)).to.throw(/hold 6 rows but members.arrow has 7/);
  });

  it('names the manifest and the problem for a malformed design', () => {
    expect(() => sampleDesignOf({ sample: { ...design, method: 'members' } }, 'A/manifest.json')).to.throw(
      /A\/manifest.json: the manifest's "sample" method is "members"/,
    );
    expect(() => sampleDesignOf({ sample: { ...design, pages: [] } }, 'A/manifest.json')).to.throw(
      /has no "pages"/,
    );
    expect(() =>
      sampleDesignOf({ sample: { ...design, pages: [design.pages[0], design.pages[0]] } }, 'A/manifest.json'),
    ).to.throw(/lists a page twice/);
    expect(() => sampleDesignOf({ sample: { ...design, page_size: 0 } }, 'A/manifest.json')).to.throw(
      /page_size/,
    );
    expect(() => sampleDesignOf({ sample: { ...design, page_size: 2 } }, 'A/manifest.json')).to.throw(
      SnapshotError,
      /page 0 holds 3 rows, more than page_size 2/,
    );
  });

  it('counts statuses per page', () => {
    const t = pageTotals(Uint8Array.from([0, 3, 3, 4, 1]), Int32Array.from([0, 0, 1, 1, 1]), 2);
    expect(Array.from(t)).to.deep.equal([1, 0, 0, 1, 0, 0, 1, 0, 1, 1]);
    const def = rateDefinitions(183)[0]; // deleted or banned, of all members
    const { y, x } = pageCounts(t, def);
    expect(Array.from(y)).to.deep.equal([1, 2]);
    expect(Array.from(x)).to.deep.equal([2, 3]);
  });

  it('ratio estimator: the share, its linearised variance with the finite population correction', () => {
    const y = [10, 30, 20, 40];
    const x = [100, 100, 100, 100];
    const e = ratioOverPages(y, x, 40);
    expect(e.share).to.equal(0.25);
    // Σ (y − R x)² = 225 + 25 + 25 + 225 = 500; v = (1 − 4/40) · 500 / (3 · 4 · 100²)
    const v = (0.9 * 500) / (3 * 4 * 100 * 100);
    expect(e.se).to.be.closeTo(Math.sqrt(v), 1e-12);
    expect(e.design_effect).to.be.closeTo(v / ((0.25 * 0.75) / 400), 1e-12);
    expect(e.lo).to.be.lessThan(0.25);
    expect(e.hi).to.be.greaterThan(0.25);
    // Every page sampled: no sampling error left.
    const all = ratioOverPages(y, x, 4);
    expect(all.se).to.equal(0);
  });

  it('ratio estimator: shares of 0 stay in [0, 1]; one page is refused', () => {
    const z = ratioOverPages([0, 0, 0], [50, 60, 70], 1000);
    expect(z.share).to.equal(0);
    expect(z.lo).to.equal(0);
    // Three pages leave 2 degrees of freedom: wider than Wilson's for 180 members drawn one by one.
    expect(z.hi).to.be.within(wilson(0, 180).hi, 0.15);
    expect(() => ratioOverPages([1], [10], 10)).to.throw(/at least 2 pages/);
    expect(() => ratioOverPages([1, 2], [10, 10], 1)).to.throw(/pagesTotal/);
  });

  it('t quantiles match R’s qt (0.975): exact for 1–2 df, 0.12% at 3, 0.02% from 5, 1e-5 from 10', () => {
    // R 4.x: qt(0.975, c(1, 2, 3, 5, 10, 30, 99))
    const r: [number, number, number][] = [
      [1, 12.7062047, 1e-6],
      [2, 4.30265273, 1e-6],
      [3, 3.18244631, 3.9e-3],
      [5, 2.57058184, 5e-4],
      [10, 2.22813885, 2.3e-5],
      [30, 2.04227246, 1e-5],
      [99, 1.98421695, 1e-5],
    ];
    for (const [df, q, tol] of r) expect(tQuantile(0.975, df), `df ${df}`).to.be.closeTo(q, tol);
  });

  it('bootstrap over pages: reproducible, and brackets the ratio', () => {
    const y = [10, 30, 20, 40, 25, 15];
    const x = [100, 100, 100, 100, 100, 100];
    const a = pageBootstrap(y, x, { replicates: 500, seed: 3 });
    const b = pageBootstrap(y, x, { replicates: 500, seed: 3 });
    expect(a).to.deep.equal(b);
    expect(a.lo).to.be.lessThan(140 / 600);
    expect(a.hi).to.be.greaterThan(140 / 600);
  });

  it('covers the census shares of a clustered community at about 95%, where a members-as-drawn Wilson interval does not (simulation)', () => {
    // 300k members in 300 pages, 40 pages sampled, 400 replications (Monte Carlo SE of a
    // 95% coverage: 1.1 points). scripts/compare/coverage.js runs 15M members / 100 pages.
    const codes = clusteredCommunity(300_000, 1000, 21);
    const rows = sampleCoverage(codes, { pageSize: 1000, pages: 40, replications: 400, seed: 5 });
    for (const r of rows) {
      expect(r.coverage, r.key).to.be.within(0.91, 0.985);
      if (r.meanDesignEffect > 5) expect(r.coverageNaive, r.key).to.be.lessThan(0.7);
    }
    expect(rows.some((r) => r.meanDesignEffect > 5)).to.equal(true);
  });
});
