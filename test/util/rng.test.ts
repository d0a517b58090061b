import { expect } from 'chai';
import { Rng, hash32 } from '../../src/util/rng';

function moments(draw: () => number, n: number): { mean: number; variance: number } {
  let mean = 0;
  let m2 = 0;
  for (let i = 1; i <= n; i++) {
    const x = draw();
    const d = x - mean;
    mean += d / i;
    m2 += d * (x - mean);
  }
  return { mean, variance: m2 / (n - 1) };
}

describe('util/rng', () => {
  it('is deterministic per seed and differs across seeds and keys', () => {
    const a = new Rng(42),
      b = new Rng(42),
      c = new Rng(43);
    const xs = [a.nextU32(), a.nextU32(), a.nextU32()];
    expect([b.nextU32(), b.nextU32(), b.nextU32()]).to.deep.equal(xs);
    expect(c.nextU32()).to.not.equal(xs[0]);
    expect(Rng.forKey(1, 5).uniform()).to.equal(Rng.forKey(1, 5).uniform());
    expect(Rng.forKey(1, 5).uniform()).to.not.equal(Rng.forKey(1, 6).uniform());
    expect(hash32(1, 2 ** 33)).to.not.equal(hash32(1, 0));
  });

  it('draws uniforms in [0,1) with the right moments', () => {
    const r = new Rng(1);
    const { mean, variance } = moments(() => r.uniform(), 200_000);
    expect(mean).to.be.closeTo(0.5, 0.005);
    expect(variance).to.be.closeTo(1 / 12, 0.002);
  });

  it('draws normals, gammas, Poissons and NB2 with the right moments', () => {
    const r = new Rng(7);
    const n = 200_000;
    const z = moments(() => r.normal(), n);
    expect(z.mean).to.be.closeTo(0, 0.01);
    expect(z.variance).to.be.closeTo(1, 0.02);
    for (const shape of [0.3, 1, 4.5]) {
      const g = moments(() => r.gamma(shape), n);
      expect(g.mean).to.be.closeTo(shape, 0.03 * Math.max(1, shape));
      expect(g.variance).to.be.closeTo(shape, 0.06 * Math.max(1, shape));
    }
    for (const lambda of [0.5, 3, 25, 400]) {
      const p = moments(() => r.poisson(lambda), n);
      expect(p.mean).to.be.closeTo(lambda, 0.02 * Math.max(1, lambda));
      expect(p.variance).to.be.closeTo(lambda, 0.04 * Math.max(1, lambda));
    }
    const mu = 80,
      phi = 1.5;
    const nb = moments(() => r.negBinomial(mu, phi), n);
    expect(nb.mean).to.be.closeTo(mu, 1.5);
    expect(nb.variance / (mu + (mu * mu) / phi)).to.be.closeTo(1, 0.05);
  });

  it('rejects invalid parameters with a clear message', () => {
    expect(() => new Rng(NaN)).to.throw(/seed must be a finite number/);
    expect(() => new Rng(1).gamma(0)).to.throw(/shape must be > 0/);
    expect(() => new Rng(1).poisson(-1)).to.throw(/lambda must be >= 0/);
  });
});
