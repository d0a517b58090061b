import { expect } from 'chai';
import { sampleChain } from '../../../src/model/nuts';
import { runChainsSequential } from '../../../src/model/sampler';
import {
  funnelTarget,
  gaussianTarget,
  impossibleTarget,
  poissonGammaTarget,
  standardNormalTarget,
} from '../../../src/model/nuts/test-targets';
import type { ChainResult } from '../../../src/model/types';
import { column, concat, ess, mcse, mean, variance } from './helpers';

/** Sample covariance of two pooled columns. */
function covariance(x: Float64Array, y: Float64Array): number {
  const mx = mean(x),
    my = mean(y);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - mx) * (y[i] - my);
  return s / (x.length - 1);
}

/** Checks mean and variance of every coordinate against the truth within 4 MCSE. */
function checkMoments(results: ChainResult[], trueMean: number[], trueVar: number[]): void {
  const nOut = trueMean.length;
  for (let j = 0; j < nOut; j++) {
    const chains = column(results, j, nOut);
    const pooled = concat(chains);
    expect(ess(chains), `ESS of coordinate ${j}`).to.be.greaterThan(400);
    expect(mean(pooled), `mean of coordinate ${j}`).to.be.closeTo(trueMean[j], 4 * mcse(chains));
    // MCSE of the variance: the MCSE of the mean of (x − μ)².
    const sq = chains.map((c) => c.map((x) => (x - trueMean[j]) ** 2));
    expect(variance(pooled), `variance of coordinate ${j}`).to.be.closeTo(trueVar[j], 4 * mcse(sq));
  }
}

describe('model/nuts sampleChain', function () {
  this.timeout(60000);

  it('samples a strongly correlated 2-D Gaussian within Monte-Carlo error', () => {
    const rho = 0.9,
      s1 = 1,
      s2 = 3;
    const cov = [
      [s1 * s1, rho * s1 * s2],
      [rho * s1 * s2, s2 * s2],
    ];
    const res = runChainsSequential(gaussianTarget({ mean: [1, -2], cov }), { seed: 11 }, { chains: 4 });
    checkMoments(res, [1, -2], [1, 9]);
    const x = concat(column(res, 0, 2)),
      y = concat(column(res, 1, 2));
    const corr = covariance(x, y) / Math.sqrt(variance(x) * variance(y));
    // se(r) ≈ (1 − ρ²)/√ESS of the product.
    const prod = column(res, 0, 2).map((c, k) => c.map((v, i) => (v - 1) * (column(res, 1, 2)[k][i] + 2)));
    expect(corr).to.be.closeTo(rho, (4 * (1 - rho * rho)) / Math.sqrt(ess(prod)));
    for (const r of res) expect(r.stats.divergent.reduce((a, b) => a + b, 0)).to.equal(0);
  });

  it('samples a 10-D Gaussian with unequal scales; adapts the metric to the variances and the acceptance to 0.8', () => {
    const d = 10;
    const scales = Array.from({ length: d }, (_, i) => Math.exp(-1.5 + (3 * i) / (d - 1)));
    const cov = scales.map((si, i) => scales.map((sj, j) => si * sj * 0.5 ** Math.abs(i - j)));
    const truthMean = Array.from({ length: d }, (_, i) => i - 4.5);
    const res = runChainsSequential(gaussianTarget({ mean: truthMean, cov }), { seed: 5 }, { chains: 4 });
    checkMoments(
      res,
      truthMean,
      scales.map((s) => s * s),
    );
    for (const r of res) {
      // The adapted inverse metric estimates the marginal variances (ratios span 20× here).
      for (let i = 0; i < d; i++) expect(r.invMetric[i] / scales[i] ** 2).to.be.within(0.6, 1.6);
      const acc = mean(r.stats.acceptStat);
      expect(acc).to.be.within(0.7, 0.97);
      expect(r.stats.stepsize.every((e) => e === r.stepSize)).to.equal(true);
    }
  });

  it("reports divergences on Neal's funnel", () => {
    const res = runChainsSequential(funnelTarget({ dim: 2 }), { seed: 3, iter: 1000 }, { chains: 2 });
    const divergences = res.reduce((s, r) => s + r.stats.divergent.reduce((a, b) => a + b, 0), 0);
    expect(divergences).to.be.greaterThan(0);
    expect(res.every((r) => r.warmupDivergences > 0)).to.equal(true);
    // A divergent transition still returns a finite state.
    for (const r of res) expect(r.draws.every(Number.isFinite)).to.equal(true);
  });

  it('recovers the conjugate gamma–Poisson posterior of a rate sampled on the log scale', () => {
    const y = [3, 5, 2, 4, 6, 1, 0, 3];
    const a = 2,
      b = 0.5;
    const shape = a + y.reduce((s, v) => s + v, 0),
      rate = b + y.length;
    // Long cheap chains: a wrong proposal rule shows as a few-% bias in the variance here.
    const res = runChainsSequential(
      poissonGammaTarget({ a, b, y }),
      { seed: 21, iter: 6000, warmup: 1000 },
      { chains: 4 },
    );
    checkMoments(res, [shape / rate], [shape / rate ** 2]);
    // Without the Jacobian the mean would be (shape − 1)/rate: make sure we are far from that.
    const m = mean(concat(column(res, 0, 1)));
    expect(Math.abs(m - (shape - 1) / rate)).to.be.greaterThan(4 * mcse(column(res, 0, 1)));
  });

  it('samples a 1-D standard normal tightly (variance within 3 MCSE over 20 000 draws)', () => {
    const res = runChainsSequential(
      standardNormalTarget({ dim: 1 }),
      { seed: 8, iter: 6000, warmup: 1000 },
      { chains: 4 },
    );
    const chains = column(res, 0, 1);
    expect(mean(concat(chains))).to.be.closeTo(0, 3 * mcse(chains));
    expect(variance(concat(chains))).to.be.closeTo(1, 3 * mcse(chains.map((c) => c.map((x) => x * x))));
  });

  it('is deterministic for a seed and differs across seeds and chains', () => {
    const model = gaussianTarget({
      mean: [0, 0, 0],
      cov: [
        [1, 0.3, 0],
        [0.3, 1, 0],
        [0, 0, 4],
      ],
    });
    const a = sampleChain(model, { seed: 9, iter: 300 }, 1);
    const b = sampleChain(model, { seed: 9, iter: 300 }, 1);
    const c = sampleChain(model, { seed: 10, iter: 300 }, 1);
    const d = sampleChain(model, { seed: 9, iter: 300 }, 2);
    expect(Array.from(a.draws)).to.deep.equal(Array.from(b.draws));
    expect(Array.from(a.stats.energy)).to.deep.equal(Array.from(b.stats.energy));
    expect(a.stepSize).to.equal(b.stepSize);
    expect(a.draws[0]).to.not.equal(c.draws[0]);
    expect(a.draws[0]).to.not.equal(d.draws[0]);
  });

  it('fills the saved draws, sampler statistics and counters consistently', () => {
    const res = sampleChain(
      standardNormalTarget({ dim: 4 }),
      { seed: 2, iter: 500, warmup: 200, thin: 3 },
      1,
    );
    expect(res.nDraws).to.equal(100);
    expect(res.draws.length).to.equal(400);
    expect(res.stats.lp.length).to.equal(100);
    for (let i = 0; i < res.nDraws; i++) {
      let ss = 0;
      for (let j = 0; j < 4; j++) ss += res.draws[i * 4 + j] ** 2;
      expect(res.stats.lp[i]).to.be.closeTo(-0.5 * ss, 1e-12); // lp__ is the log density at the draw
      expect(res.stats.energy[i]).to.be.at.least(-res.stats.lp[i]); // H = V + T with T ≥ 0
      // A tree of depth d has 2^d − 1 steps, plus at most 2^d in the rejected last subtree.
      expect(res.stats.nLeapfrog[i]).to.be.within(
        2 ** res.stats.treedepth[i] - 1,
        2 ** (res.stats.treedepth[i] + 1) - 1,
      );
      expect(res.stats.acceptStat[i]).to.be.within(0, 1);
    }
    const saved = res.stats.nLeapfrog.reduce((a, b) => a + b, 0);
    expect(res.gradientEvaluations).to.be.greaterThan(saved);
    expect(res.timings.warmupSeconds).to.be.greaterThan(0);
    expect(res.timings.samplingSeconds).to.be.greaterThan(0);
  });

  it('handles short and zero warmup: no metric adaptation below 20 iterations, the initial step size without warmup', () => {
    const model = gaussianTarget({
      mean: [0, 0],
      cov: [
        [4, 0],
        [0, 0.25],
      ],
    });
    const short = sampleChain(model, { seed: 6, iter: 40, warmup: 10 }, 1);
    expect(Array.from(short.invMetric)).to.deep.equal([1, 1]);
    expect(short.nDraws).to.equal(30);
    const adapted = sampleChain(model, { seed: 6, iter: 200, warmup: 100 }, 1); // one window, ends at 89
    expect(adapted.invMetric[0] / adapted.invMetric[1]).to.be.greaterThan(4); // true ratio 16
    const none = sampleChain(model, { seed: 6, iter: 50, warmup: 0 }, 1);
    expect(none.nDraws).to.equal(50);
    expect(Math.log2(none.stepSize) % 1).to.equal(0); // Stan's init_stepsize doubles/halves from 1
    expect(none.timings.warmupSeconds).to.equal(0);
  });

  it('starts from a given position, metric and step size (no adaptation with warmup 0)', () => {
    const model = gaussianTarget({
      mean: [5, -5],
      cov: [
        [1, 0],
        [0, 1],
      ],
    });
    const res = sampleChain(model, { seed: 2, iter: 20, warmup: 0 }, 1, undefined, {
      init: [5, -5],
      invMetric: [0.5, 2],
      stepSize: 0.25,
    });
    expect(res.stepSize).to.equal(0.25);
    expect(Array.from(res.invMetric)).to.deep.equal([0.5, 2]);
    expect(Array.from(res.stats.stepsize).every((e) => e === 0.25)).to.equal(true);
    // Started at the mode (random inits in (−2, 2) could not reach it in one step).
    expect(Math.abs(res.draws[0] - 5)).to.be.lessThan(3);
    expect(() => sampleChain(model, { iter: 10, warmup: 0 }, 1, undefined, { init: [1] })).to.throw(
      /start.init must have length 2/,
    );
    expect(() => sampleChain(model, { iter: 10, warmup: 0 }, 1, undefined, { invMetric: [1, 0] })).to.throw(
      /invMetric\[1\] must be a finite positive/,
    );
    expect(() => sampleChain(impossibleTarget(), { iter: 10 }, 1, undefined, { init: [0, 0] })).to.throw(
      /not finite at start.init/,
    );
  });

  it('saturates at the configured maximum tree depth', () => {
    const cov = [
      [1, 0.999],
      [0.999, 1],
    ];
    const res = sampleChain(
      gaussianTarget({ mean: [0, 0], cov }),
      { seed: 4, iter: 400, maxTreedepth: 3 },
      1,
    );
    expect(Math.max(...res.stats.treedepth)).to.equal(3);
    expect(Math.max(...res.stats.nLeapfrog)).to.be.at.most(7); // 2^3 − 1 steps at most
  });

  it('sends throttled progress ending at the last iteration', () => {
    const seen: number[] = [];
    sampleChain(standardNormalTarget({ dim: 2 }), { seed: 1, iter: 1000 }, 3, (p) => {
      expect(p.chain).to.equal(3);
      seen.push(p.iteration);
    });
    expect(seen[0]).to.equal(1);
    expect(seen[seen.length - 1]).to.equal(1000);
    expect(seen).to.include(500); // end of warmup
    expect(seen.length).to.be.within(50, 60);
  });

  it('fails with a clear message when no init has a finite log density', () => {
    expect(() => sampleChain(impossibleTarget(), { seed: 1, iter: 10 }, 1)).to.throw(
      /Initialization between \(-2, 2\) failed after 100 attempts/,
    );
  });

  it('rejects bad settings naming the setting', () => {
    const m = standardNormalTarget({ dim: 1 });
    expect(() => sampleChain(m, { iter: 100, warmup: 100 }, 1)).to.throw(
      /warmup \(100\) must be smaller than iter/,
    );
    expect(() => sampleChain(m, { adaptDelta: 1.2 }, 1)).to.throw(/adaptDelta/);
    expect(() => sampleChain(m, { thin: 0 }, 1)).to.throw(/thin/);
  });
});
