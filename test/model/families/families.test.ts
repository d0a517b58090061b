import { expect } from 'chai';
import gammaln from '@stdlib/math-base-special-gammaln';
import digamma from '@stdlib/math-base-special-digamma';
import { familySpec, KERNELS, type CellStats } from '../../../src/model/families';
import { histogramTerms } from '../../../src/model/families/kernels';

function stats(y: number[], n: number[], ss: number[] = []): CellStats {
  return {
    nCells: y.length,
    n: Float64Array.from(n),
    sumY: Float64Array.from(y),
    ssY: Float64Array.from(ss),
    totalN: n.reduce((a, b) => a + b, 0),
    histValues: new Float64Array(0),
    histCounts: new Float64Array(0),
  };
}

describe('families: brms families and their kernels', () => {
  it('accepts brms spellings and default links only', () => {
    expect(familySpec('negative_binomial').name).to.equal('negbinomial');
    expect(familySpec('poisson()').link).to.equal('log');
    expect(familySpec('bernoulli(link = "logit")').name).to.equal('bernoulli');
    expect(familySpec('Gaussian').aux).to.equal('sigma');
    expect(() => familySpec('poisson(link = "identity")')).to.throw(/only brms's default link 'log'/);
    expect(() => familySpec('student')).to.throw(/family 'student' is not supported/);
  });

  it('NB2 per cell equals the row-wise neg_binomial_2_log density of docs/model-engine.md', () => {
    // One row per cell: the kernel must equal Σ [lgamma(y+φ) − lgamma(φ) + y(η − log(μ+φ)) + φ(log φ − log(μ+φ))].
    const ys = [0, 1, 3, 7, 40, 41, 500];
    const eta = Float64Array.from([-1, 0.2, 1.1, 2, 3.5, 3.7, 6]);
    const phi = 1.7;
    const s = stats(
      ys,
      ys.map(() => 1),
    );
    const distinct = [...new Set(ys.filter((v) => v > 0))].sort((a, b) => a - b);
    s.histValues = Float64Array.from(distinct);
    s.histCounts = Float64Array.from(distinct.map((v) => ys.filter((w) => w === v).length));
    const g = new Float64Array(ys.length);
    const out = new Float64Array(1);
    const ll = KERNELS.negbinomial(eta, eta.map(Math.exp), g, s, Math.log(phi), out);
    let ref = 0;
    let dPhi = 0;
    ys.forEach((y, i) => {
      const mu = Math.exp(eta[i]);
      ref +=
        gammaln(y + phi) -
        gammaln(phi) +
        y * (eta[i] - Math.log(mu + phi)) +
        phi * (Math.log(phi) - Math.log(mu + phi));
      expect(g[i]).to.be.closeTo(y - ((y + phi) * mu) / (mu + phi), 1e-10);
      dPhi += (mu - y) / (mu + phi) - Math.log1p(mu / phi) + digamma(y + phi) - digamma(phi);
    });
    expect(ll).to.be.closeTo(ref, 1e-9 * Math.abs(ref));
    expect(out[0]).to.be.closeTo(phi * dPhi, 1e-9 * Math.abs(phi * dPhi));
  });

  it('histogram recurrences equal direct lgamma/digamma sums (small gaps, large gaps, big y)', () => {
    const values = Float64Array.from([1, 2, 3, 5, 9, 25, 26, 100, 116, 117, 5000, 5016, 1e6]);
    const counts = Float64Array.from(values, (_, i) => 1 + (i % 4));
    for (const phi of [0.05, 1.3, 80]) {
      const { hl, hd } = histogramTerms(values, counts, phi);
      let rl = 0;
      let rd = 0;
      values.forEach((y, i) => {
        rl += counts[i] * (gammaln(y + phi) - gammaln(phi));
        rd += counts[i] * (digamma(y + phi) - digamma(phi));
      });
      expect(hl).to.be.closeTo(rl, 1e-12 * Math.abs(rl));
      expect(hd).to.be.closeTo(rd, 1e-12 * Math.abs(rd));
    }
  });

  it('gaussian cells: within-cell sum of squares makes merged rows exact', () => {
    // rows y = 1, 2, 6 at one η equal one cell with n = 3, Σy = 9, SS = 14
    const eta = Float64Array.from([2.5, 2.5, 2.5]);
    const rows = stats([1, 2, 6], [1, 1, 1], [0, 0, 0]);
    const cell = stats([9], [3], [14]);
    const u = Math.log(1.3);
    const o1 = new Float64Array(1);
    const o2 = new Float64Array(1);
    const g1 = new Float64Array(3);
    const g2 = new Float64Array(1);
    const a = KERNELS.gaussian(eta, new Float64Array(0), g1, rows, u, o1);
    const b = KERNELS.gaussian(Float64Array.from([2.5]), new Float64Array(0), g2, cell, u, o2);
    expect(b).to.be.closeTo(a, 1e-12);
    expect(g2[0]).to.be.closeTo(g1[0] + g1[1] + g1[2], 1e-12);
    expect(o2[0]).to.be.closeTo(o1[0], 1e-12);
  });

  it('bernoulli and poisson stay finite at extreme η', () => {
    const s = stats([1, 0], [1, 1]);
    const g = new Float64Array(2);
    const out = new Float64Array(1);
    const e1 = Float64Array.from([800, -800]);
    const ll = KERNELS.bernoulli(e1, e1.map(Math.exp), g, s, 0, out);
    expect(ll).to.be.closeTo(0, 1e-12);
    expect(Array.from(g)).to.deep.equal([0, 0]);
    const e2 = Float64Array.from([-800, 800]);
    expect(KERNELS.bernoulli(e2, e2.map(Math.exp), g, s, 0, out)).to.equal(-1600);
    // NB2 and poisson at huge η: finite log densities where e^η overflows
    const nb = KERNELS.negbinomial(
      Float64Array.from([900]),
      Float64Array.from([Infinity]),
      new Float64Array(1),
      stats([3], [1]),
      0,
      out,
    );
    expect(Number.isFinite(nb)).to.equal(true);
  });
});
