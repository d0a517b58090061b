/**
 * Simulation-based calibration (Talts et al. 2018, arXiv:1804.06788) of the zero-inflated and
 * hurdle families and of correlated varying slopes: parameters drawn from the prior, data
 * simulated, the model fitted, the truth ranked among the posterior draws. Calibrated ⇔
 * uniform ranks and nominal interval coverage.
 *
 * CI: 16 replications per model, one short chain each (seconds). Full version:
 *   MODEL_CHECKS_FULL=1 npx mocha --no-config --timeout 0 dist/test/model/fit/sbc-models.test.js
 */
import { expect } from 'chai';
import { compileModel, positiveCount, prepareModel } from '../../../src/model/density';
import { runChainsSequential } from '../../../src/model/sampler';
import { quantiles } from '../../../src/model/diagnostics';
import { Rng } from '../../../src/util/rng';

const FULL = process.env.MODEL_CHECKS_FULL === '1';
const REPS = FULL ? 400 : 16;
const ITER = FULL ? 3000 : 800;
const WARMUP = FULL ? 1000 : 300;
const THIN = FULL ? 10 : 5;
const N = 60;
const GROUPS = 6;

interface Case {
  name: string;
  formula: string;
  family: string;
  priors: string[];
  tracked: string[];
  simulate(rng: Rng): { data: Record<string, ArrayLike<number | string>>; truth: Record<string, number> };
}

const beta = (rng: Rng, a: number, b: number): number => {
  const x = rng.gamma(a);
  return x / (x + rng.gamma(b));
};

/** Shared design: x ~ N(0, 1), groups G0…G5 in turn; the centred intercept as brms defines it. */
function design(rng: Rng): { x: Float64Array; g: string[]; xbar: number } {
  const x = Float64Array.from({ length: N }, () => rng.normal());
  const g = Array.from({ length: N }, (_, i) => `G${i % GROUPS}`);
  return { x, g, xbar: x.reduce((a, b) => a + b, 0) / N };
}

const COUNT_PRIORS = [
  'prior(normal(1, 0.5), class = Intercept)',
  'prior(normal(0, 0.5), class = b)',
  'prior(exponential(2), class = sd)',
];

function countCase(
  family: 'zero_inflated_poisson' | 'zero_inflated_negbinomial' | 'hurdle_poisson' | 'hurdle_negbinomial',
): Case {
  const nb = family.endsWith('negbinomial');
  const mixName = family.startsWith('zero') ? 'zi' : 'hu';
  return {
    name: family,
    formula: 'y ~ x + (1 | g)',
    family,
    priors: [
      ...COUNT_PRIORS,
      `prior(beta(2, 4), class = ${mixName})`,
      ...(nb ? ['prior(gamma(6, 2), class = shape)'] : []),
    ],
    tracked: ['b_Intercept', 'b_x', 'sd_g__Intercept', mixName, ...(nb ? ['shape'] : [])],
    simulate(rng) {
      const { x, g, xbar } = design(rng);
      const ic = 1 + 0.5 * rng.normal();
      const b = 0.5 * rng.normal();
      const sd = -Math.log(rng.uniformOpen()) / 2;
      const r = Array.from({ length: GROUPS }, () => sd * rng.normal());
      const q = beta(rng, 2, 4);
      const phi = nb ? rng.gamma(6) / 2 : Infinity;
      const y = Float64Array.from({ length: N }, (_, i) => {
        const mu = Math.exp(ic + b * (x[i] - xbar) + r[i % GROUPS]);
        const zero = rng.uniform() < q;
        if (family.startsWith('zero')) return zero ? 0 : nb ? rng.negBinomial(mu, phi) : rng.poisson(mu);
        return zero ? 0 : positiveCount(rng, mu, phi);
      });
      const truth: Record<string, number> = {
        b_Intercept: ic - b * xbar,
        b_x: b,
        sd_g__Intercept: sd,
        [mixName]: q,
      };
      if (nb) truth.shape = phi;
      return { data: { y, x, g }, truth };
    },
  };
}

const slopes: Case = {
  name: 'gaussian, correlated slopes (1 + x | g)',
  formula: 'y ~ x + (1 + x | g)',
  family: 'gaussian',
  priors: [
    'prior(normal(0, 1), class = Intercept)',
    'prior(normal(0, 1), class = b)',
    'prior(exponential(2), class = sd)',
    'prior(lkj(2), class = cor)',
    'prior(exponential(2), class = sigma)',
  ],
  tracked: ['b_Intercept', 'b_x', 'sd_g__Intercept', 'sd_g__x', 'cor_g__Intercept__x', 'sigma', 'r_g[G0,x]'],
  simulate(rng) {
    const { x, g, xbar } = design(rng);
    const ic = rng.normal();
    const b = rng.normal();
    const sd0 = -Math.log(rng.uniformOpen()) / 2;
    const sd1 = -Math.log(rng.uniformOpen()) / 2;
    // LKJ(2) on a 2 × 2 correlation matrix: (ρ + 1)/2 ~ Beta(2, 2).
    const rho = 2 * beta(rng, 2, 2) - 1;
    const sigma = -Math.log(rng.uniformOpen()) / 2;
    const r = Array.from({ length: GROUPS }, () => {
      const z0 = rng.normal();
      const z1 = rng.normal();
      return [sd0 * z0, sd1 * (rho * z0 + Math.sqrt(1 - rho * rho) * z1)];
    });
    const y = Float64Array.from(
      { length: N },
      (_, i) => ic + b * (x[i] - xbar) + r[i % GROUPS][0] + r[i % GROUPS][1] * x[i] + sigma * rng.normal(),
    );
    return {
      data: { y, x, g },
      truth: {
        b_Intercept: ic - b * xbar,
        b_x: b,
        sd_g__Intercept: sd0,
        sd_g__x: sd1,
        cor_g__Intercept__x: rho,
        sigma,
        'r_g[G0,x]': r[0][1],
      },
    };
  },
};

const CASES: Case[] = [
  countCase('zero_inflated_poisson'),
  countCase('zero_inflated_negbinomial'),
  countCase('hurdle_poisson'),
  countCase('hurdle_negbinomial'),
  slopes,
];

describe(`simulation-based calibration of the new families and correlated slopes (${REPS} replications each)`, function () {
  this.timeout(FULL ? 0 : 240000);
  for (const c of CASES) {
    it(`${c.name}: uniform ranks, nominal 95% coverage`, () => {
      const ranks: Record<string, number[]> = Object.fromEntries(c.tracked.map((n) => [n, []]));
      let covered = 0;
      let total = 0;
      let nDraws = 0;
      for (let rep = 0; rep < REPS; rep++) {
        const rng = Rng.forKey(4242, rep * 7 + CASES.indexOf(c));
        const { data, truth } = c.simulate(rng);
        const prepared = prepareModel({
          data,
          formula: c.formula,
          family: c.family,
          priors: c.priors,
          shared: false,
        });
        const [chain] = runChainsSequential(
          compileModel(prepared),
          { iter: ITER, warmup: WARMUP, seed: 5000 + rep, adaptDelta: 0.95 },
          { chains: 1 },
        );
        const P = prepared.outputNames.length;
        for (const name of c.tracked) {
          const j = prepared.outputNames.indexOf(name);
          expect(j, `${name} is reported`).to.be.at.least(0);
          const draws: number[] = [];
          for (let i = 0; i < chain.nDraws; i += THIN) draws.push(chain.draws[i * P + j]);
          nDraws = draws.length;
          ranks[name].push(draws.filter((d) => d < truth[name]).length);
          const [lo, hi] = quantiles(draws, [0.025, 0.975]);
          total++;
          if (lo <= truth[name] && truth[name] <= hi) covered++;
        }
      }
      // Ranks: chi-square over 4 bins per parameter, against the 99.9% point of chi-square(3).
      for (const name of c.tracked) {
        const bins = [0, 0, 0, 0];
        for (const r of ranks[name]) bins[Math.min(3, Math.floor((4 * r) / (nDraws + 1)))]++;
        const e = REPS / 4;
        const chi2 = bins.reduce((a, o) => a + (o - e) ** 2 / e, 0);
        if (FULL) console.log(`    ${c.name} ${name}: rank bins ${bins.join(', ')}, chi2 ${chi2.toFixed(2)}`);
        expect(chi2, `${name}: rank bins ${bins.join(', ')}`).to.be.lessThan(16.27);
      }
      // Coverage of the type-7 interval with n exchangeable draws: (n − 1)·0.95/(n + 1), 99.9% band.
      const p0 = ((nDraws - 1) * 0.95) / (nDraws + 1);
      const sdev = Math.sqrt(total * p0 * (1 - p0));
      if (FULL)
        console.log(
          `    ${c.name}: coverage ${covered}/${total} (${((100 * covered) / total).toFixed(2)}%), expected ${(100 * p0).toFixed(2)}%`,
        );
      expect(covered, `${covered} of ${total} intervals covered`).to.be.within(
        Math.floor(total * p0 - 3.3 * sdev),
        Math.ceil(total * p0 + 3.3 * sdev),
      );
    });
  }
});
