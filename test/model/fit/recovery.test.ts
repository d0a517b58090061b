/**
 * Parameter recovery on simulated multilevel data, one model per family: the 95% intervals must cover the known truth at about the nominal rate
 * and no estimate may sit far from the truth.
 *
 * CI runs one data set per family with short chains. The longer version runs more seeds:
 *   MODEL_CHECKS_FULL=1 npx mocha --no-config --timeout 0 dist/test/model/fit/recovery.test.js
 */
import { expect } from 'chai';
import { fitModel } from '../../../src/model/fit';
import { simulate, type SimFamily, type SimTruth } from './simulate';

const FULL = process.env.MODEL_CHECKS_FULL === '1';
const SEEDS = FULL ? [101, 202, 303, 404, 505] : [101];

const CASES: { family: SimFamily; truth: SimTruth; n: number }[] = [
  { family: 'poisson', truth: { b_Intercept: 1, b_x: 0.4, b_sexm: -0.3, sd_g__Intercept: 0.5 }, n: 300 },
  {
    family: 'negbinomial',
    truth: { b_Intercept: 1.5, b_x: 0.4, b_sexm: -0.3, sd_g__Intercept: 0.5, shape: 3 },
    n: 300,
  },
  {
    family: 'gaussian',
    truth: { b_Intercept: 2, b_x: 0.5, b_sexm: -1, sd_g__Intercept: 0.7, sigma: 1 },
    n: 300,
  },
  {
    family: 'lognormal',
    truth: { b_Intercept: 1, b_x: 0.3, b_sexm: 0.5, sd_g__Intercept: 0.4, sigma: 0.6 },
    n: 300,
  },
  { family: 'bernoulli', truth: { b_Intercept: 0.3, b_x: 0.8, b_sexm: -0.6, sd_g__Intercept: 0.6 }, n: 600 },
];
const N_GROUPS = 10;

describe(`parameter recovery on simulated multilevel data (${SEEDS.length} seed(s) per family)`, function () {
  this.timeout(FULL ? 0 : 240000);
  let intervals = 0;
  let misses = 0;

  for (const c of CASES) {
    for (const seed of SEEDS) {
      it(`${c.family}, seed ${seed}: estimates within 4 sd of the truth`, async () => {
        const sim = simulate(c.family, c.truth, c.n, N_GROUPS, seed);
        const fit = await fitModel({
          data: sim.columns,
          formula: 'y ~ x + sex + (1 | g)',
          family: c.family,
          chains: 2,
          iter: FULL ? 2000 : 700,
          seed,
          cores: 2,
        });
        const truth: Record<string, number> = { ...(c.truth as unknown as Record<string, number>) };
        sim.r.forEach((r, l) => {
          truth[`r_g[L${String(l).padStart(2, '0')},Intercept]`] = r;
        });
        const all = [...fit.parameters, ...fit.groupLevels];
        expect(all.map((p) => p.name)).to.include.members(Object.keys(truth));
        for (const p of all) {
          const t = truth[p.name];
          expect(
            Math.abs(p.mean - t),
            `${c.family} ${p.name}: mean ${p.mean.toFixed(3)} (sd ${p.sd.toFixed(3)}) vs truth ${t}`,
          ).to.be.lessThan(4 * p.sd);
          expect(p.rhat, `${p.name} rhat`).to.be.lessThan(1.1);
          intervals++;
          if (!(p['q2.5'] <= t && t <= p['q97.5'])) misses++;
        }
        expect(fit.sampler.divergences, 'divergent transitions').to.be.at.most(5);
      });
    }
  }

  it('95% intervals cover the truth at the nominal rate (misses within a 99% binomial band)', () => {
    expect(intervals).to.be.greaterThan(50);
    // P(Bin(n, 0.05) > limit) < 1%: normal approximation with continuity correction
    const limit = Math.ceil(intervals * 0.05 + 2.33 * Math.sqrt(intervals * 0.05 * 0.95) + 0.5);
    if (FULL) console.log(`    ${misses} of ${intervals} 95% intervals missed the truth (limit ${limit})`);
    expect(misses, `${misses} of ${intervals} intervals missed (limit ${limit})`).to.be.at.most(limit);
  });
});
