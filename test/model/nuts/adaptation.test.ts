import { expect } from 'chai';
import {
  DualAveraging,
  WelfordVariance,
  WindowedVarianceAdaptation,
  metricUpdateIterations,
  resolveWindows,
} from '../../../src/model/nuts';
import { Rng } from '../../../src/util/rng';

describe('model/nuts adaptation', () => {
  it('updates the metric at the iterations Stan uses for 1000 warmup iterations', () => {
    expect(metricUpdateIterations(1000)).to.deep.equal([99, 149, 249, 449, 949]);
  });

  it('stretches the last slow window to the terminal buffer', () => {
    expect(metricUpdateIterations(200)).to.deep.equal([99, 149]);
    expect(metricUpdateIterations(150)).to.deep.equal([99]);
    // After 849 the next window (800) would end at 1649 and the one after it cannot fit: stretched to 1949.
    expect(metricUpdateIterations(2000)).to.deep.equal([99, 149, 249, 449, 849, 1949]);
  });

  it('uses 15% / 75% / 10% stages when warmup is short and skips the metric below 20', () => {
    expect(resolveWindows(100)).to.deep.equal({ initBuffer: 15, termBuffer: 10, baseWindow: 75 });
    expect(metricUpdateIterations(100)).to.deep.equal([89]);
    expect(resolveWindows(30)).to.deep.equal({ initBuffer: 4, termBuffer: 3, baseWindow: 23 });
    expect(metricUpdateIterations(30)).to.deep.equal([26]);
    expect(resolveWindows(19)).to.equal(null);
    expect(metricUpdateIterations(19)).to.deep.equal([]);
  });

  it('sets the regularised window variance (n/(n+5))·var + 1e-3·5/(n+5)', () => {
    const a = new WindowedVarianceAdaptation(2, 1000);
    const inv = new Float64Array([1, 1]);
    const rng = new Rng(3);
    const seen: number[][] = [];
    let updated = -1;
    for (let t = 0; t < 100; t++) {
      const q = new Float64Array([rng.normal() * 2, rng.normal() * 0.1]);
      if (t >= 75) seen.push([q[0], q[1]]);
      if (a.learn(inv, q)) updated = t;
    }
    expect(updated).to.equal(99);
    const n = seen.length;
    expect(n).to.equal(25);
    for (let j = 0; j < 2; j++) {
      const xs = seen.map((r) => r[j]);
      const m = xs.reduce((s, x) => s + x, 0) / n;
      const v = xs.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1);
      expect(inv[j]).to.be.closeTo((n / (n + 5)) * v + 1e-3 * (5 / (n + 5)), 1e-12);
    }
  });

  it('computes Welford variances equal to the two-pass ones', () => {
    const w = new WelfordVariance(1);
    const xs = [1e8 + 1, 1e8 + 4, 1e8 + 7, 1e8 + 13];
    for (const x of xs) w.add(new Float64Array([x]));
    const out = new Float64Array(1);
    w.variance(out);
    expect(out[0]).to.be.closeTo(26.25, 1e-6);
  });

  it('dual averaging drives the acceptance statistic to the target', () => {
    // A deterministic acceptance curve a(ε) = exp(−ε): the fixed point is ε* = −log(0.8).
    const da = new DualAveraging({ delta: 0.8, mu: Math.log(10) });
    let eps = 1;
    for (let t = 0; t < 3000; t++) eps = da.learn(Math.exp(-eps));
    expect(da.finalStepSize()).to.be.closeTo(-Math.log(0.8), 0.01);
    // Noisy acceptance around the same curve still converges (the average absorbs the noise).
    const rng = new Rng(5);
    const noisy = new DualAveraging({ delta: 0.8, mu: Math.log(10) });
    eps = 1;
    for (let t = 0; t < 5000; t++) {
      const a = Math.min(1, Math.max(0, Math.exp(-eps) + 0.1 * (rng.uniform() - 0.5)));
      eps = noisy.learn(a);
    }
    expect(noisy.finalStepSize()).to.be.closeTo(-Math.log(0.8), 0.02);
  });

  it('restart() forgets the averages', () => {
    const da = new DualAveraging({ delta: 0.8, mu: 0 });
    da.learn(0.1);
    da.learn(0.2);
    da.restart();
    const first = da.learn(0.5);
    const fresh = new DualAveraging({ delta: 0.8, mu: 0 }).learn(0.5);
    expect(first).to.equal(fresh);
  });
});
