import { expect } from 'chai';
import { convergenceWarnings, ebfmi, samplerDiagnostics } from '../../../src/model/diagnostics';
import type { ChainResult } from '../../../src/model/types';
import { Rng } from '../../../src/util/rng';

function chain(k: number, energy: Float64Array, divergent: number[], treedepth: number[]): ChainResult {
  const n = energy.length;
  const div = new Uint8Array(n);
  divergent.forEach((i) => (div[i] = 1));
  const td = new Int32Array(n).fill(3);
  treedepth.forEach((i) => (td[i] = 10));
  return {
    chain: k,
    draws: new Float64Array(n),
    nDraws: n,
    stats: {
      lp: new Float64Array(n),
      acceptStat: new Float64Array(n).fill(0.8),
      stepsize: new Float64Array(n).fill(0.3),
      treedepth: td,
      nLeapfrog: new Int32Array(n),
      divergent: div,
      energy,
    },
    stepSize: 0.3,
    invMetric: new Float64Array(1),
    warmupDivergences: 2,
    gradientEvaluations: 0,
    timings: { warmupSeconds: 0, samplingSeconds: 0 },
  };
}

describe('sampler diagnostics', () => {
  it('E-BFMI is Σ(ΔE)²/Σ(E−Ē)²: ≈2 for independent energies, small for a random walk', () => {
    const rng = new Rng(3);
    const iid = Float64Array.from({ length: 4000 }, () => rng.normal());
    expect(ebfmi(iid)).to.be.closeTo(2, 0.1);
    const walk = new Float64Array(4000);
    for (let i = 1; i < walk.length; i++) walk[i] = walk[i - 1] + rng.normal();
    expect(ebfmi(walk)).to.be.lessThan(0.05);
    // mean 4/3: Σ(ΔE)² = 2, Σ(E−Ē)² = 6/9
    expect(ebfmi([1, 2, 1])).to.be.closeTo(2 / (6 / 9), 1e-12);
  });
  it('counts divergences and tree-depth hits per chain and words the warnings as brms/rstan', () => {
    const rng = new Rng(4);
    const ok = Float64Array.from({ length: 100 }, () => rng.normal());
    const walk = new Float64Array(100);
    for (let i = 1; i < walk.length; i++) walk[i] = walk[i - 1] + rng.normal();
    const d = samplerDiagnostics([chain(1, ok, [3, 9], [1]), chain(2, walk, [], [5, 6])], 10);
    expect(d.divergences).to.equal(2);
    expect(d.divergencesPerChain).to.deep.equal([2, 0]);
    expect(d.warmupDivergences).to.equal(4);
    expect(d.maxTreedepthHits).to.equal(3);
    const w = convergenceWarnings({
      sampler: d,
      adaptDelta: 0.8,
      maxTreedepth: 10,
      chains: 2,
      rhat: [1.001, 1.2],
      essBulk: [150],
      essTail: [500],
    });
    expect(w).to.include(
      'There were 2 divergent transitions after warmup. Increasing adapt_delta above 0.8 may help. See http://mc-stan.org/misc/warnings.html#divergent-transitions-after-warmup',
    );
    expect(w.join('\n')).to.match(/some Rhats are > 1\.05/);
    expect(w.join('\n')).to.match(
      /There were 3 transitions after warmup that exceeded the maximum treedepth/,
    );
    expect(w.join('\n')).to.match(
      /There were 1 chains where the estimated Bayesian Fraction of Missing Information was low/,
    );
    expect(w.join('\n')).to.match(/Bulk Effective Samples Size/);
    expect(w.join('\n')).not.to.match(/Tail Effective/);
  });
  it('no warnings for a clean run', () => {
    const rng = new Rng(5);
    const e = Float64Array.from({ length: 100 }, () => rng.normal());
    const d = samplerDiagnostics([chain(1, e, [], [])], 10);
    expect(
      convergenceWarnings({
        sampler: d,
        adaptDelta: 0.8,
        maxTreedepth: 10,
        chains: 1,
        rhat: [1.0],
        essBulk: [900],
        essTail: [800],
      }),
    ).to.deep.equal([]);
  });
});
