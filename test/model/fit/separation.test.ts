import { expect } from 'chai';
import { fitModel, fitSummary } from '../../../src/model/fit';
import { prepareModel } from '../../../src/model/density';
import { ModelSpecError } from '../../../src/model/formula/errors';
import { separatingColumns } from '../../../src/model/design/separation';
import { Rng } from '../../../src/util/rng';

function normals(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n }, () => rng.normal());
}

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(ModelSpecError);
    return (e as Error).message;
  }
  throw new Error('expected the model to be refused');
}

describe('separation in Bernoulli models', function () {
  this.timeout(120000);
  const n = 200;
  const x = normals(n, 1);
  const noise = normals(n, 2);

  it('finds columns that separate the outcome alone, complete or quasi-complete, either direction', () => {
    // Cells = rows: one column, value x, each cell one row.
    const design = (v: Float64Array) => ({
      nRows: v.length,
      nTerms: 1,
      col: new Int32Array(v.length),
      val: Float64Array.from(v),
    });
    const ones1 = new Float64Array(n).fill(1);
    const up = Float64Array.from(x, (v) => (v > 0 ? 1 : 0));
    const down = Float64Array.from(x, (v) => (v < 0.5 ? 1 : 0));
    const mixed = Float64Array.from(x, (v, i) => (v + noise[i] > 0 ? 1 : 0));
    expect(separatingColumns(design(x), ones1, up, 1)).to.deep.equal([
      {
        column: 0,
        direction: 1,
        complete: true,
        range0: [Math.min(...x), Math.max(...x.filter((v) => v <= 0))],
        range1: [Math.min(...x.filter((v) => v > 0)), Math.max(...x)],
      },
    ]);
    expect(separatingColumns(design(x), ones1, down, 1)[0]).to.include({ direction: -1, complete: true });
    expect(separatingColumns(design(x), ones1, mixed, 1)).to.deep.equal([]);
    // A dummy whose 1-rows are all y = 1, the 0-rows mixed: quasi-complete.
    const dummy = Float64Array.from(x, (v) => (v > 1 ? 1 : 0));
    const yq = Float64Array.from(x, (v, i) => (v > 1 || noise[i] > 0 ? 1 : 0));
    expect(separatingColumns(design(dummy), ones1, yq, 1)[0]).to.include({ direction: 1, complete: false });
    // All rows one outcome: nothing to separate (the intercept's prior is proper).
    expect(separatingColumns(design(x), ones1, ones1, 1)).to.deep.equal([]);
  });

  it('refuses y = x > 0 under the flat prior on b, naming "complete separation", the predictor and the prior to use', () => {
    const y = Float64Array.from(x, (v) => (v > 0 ? 1 : 0));
    const z = Float64Array.from(noise);
    const msg = refusal(() =>
      prepareModel({ data: { y, x, z }, formula: 'y ~ x + z', family: 'bernoulli', priors: [] }),
    );
    expect(msg).to.match(
      /^complete separation: 'x' separates y \(every row with y = 1 has x ≥ [\d.]+, every row/,
    );
    expect(msg).to.match(/b_x → \+∞, so under brms's flat prior on b the posterior is improper/);
    expect(msg).to.contain('prior(normal(0, 2.5), class = b)');
    expect(msg).to.not.match(/'z'/);
    // A proper prior on that coefficient (or all of b) makes the posterior proper: accepted.
    for (const priors of [
      ['prior(normal(0, 2.5), class = b)'],
      ['prior(student_t(3, 0, 2.5), class = b, coef = x)'],
    ])
      expect(() =>
        prepareModel({ data: { y, x, z }, formula: 'y ~ x + z', family: 'bernoulli', priors }),
      ).to.not.throw();
    // Other families are not concerned.
    expect(() =>
      prepareModel({ data: { y, x }, formula: 'y ~ x', family: 'poisson', priors: [] }),
    ).to.not.throw();
  });

  it('refuses a factor level whose rows all have y = 1 (quasi-complete separation)', () => {
    const grp = Array.from(x, (v) => (v > 1 ? 'c' : v > 0 ? 'b' : 'a'));
    const y = Float64Array.from(x, (v, i) => (v > 1 || noise[i] > 0 ? 1 : 0));
    const msg = refusal(() =>
      prepareModel({ data: { y, grp }, formula: 'y ~ grp', family: 'bernoulli', priors: [] }),
    );
    expect(msg).to.match(
      /^quasi-complete separation: 'grpc' separates y \(every row with grpc > 0 has y = 1; only rows with grpc = 0 have both outcomes\)/,
    );
  });

  it('samples the separated model with a proper prior: finite b, no separation warning', async () => {
    const y = Float64Array.from(x, (v) => (v > 0 ? 1 : 0));
    const fit = await fitModel({
      data: { y, x },
      formula: 'y ~ x',
      family: 'bernoulli',
      priors: ['prior(normal(0, 2.5), class = b)'],
      chains: 2,
      iter: 600,
      cores: 1,
      seed: 3,
    });
    const b = fit.parameters.find((p) => p.name === 'b_x')!;
    expect(b.mean).to.be.within(2, 10);
    expect(fit.warnings.join(' ')).to.not.match(/separation/);
  });

  it('warns after sampling when a combination of predictors separates (no single column does)', async () => {
    const x1 = x;
    const x2 = noise;
    const y = Float64Array.from(x1, (v, i) => (v + x2[i] > 0 ? 1 : 0));
    const fit = await fitModel({
      data: { y, x1, x2 },
      formula: 'y ~ x1 + x2',
      family: 'bernoulli',
      chains: 2,
      iter: 300,
      cores: 1,
      seed: 4,
      maxTreedepth: 6,
    });
    const w = fit.warnings.find((s) => /separation/.test(s));
    expect(w, fit.warnings.join('\n')).to.match(
      /^b_x1 \(mean [\d.]+, 95% interval [\d.]+ to [\d.]+\), b_x2 /,
    );
    expect(w).to.contain('complete or quasi-complete separation by a combination of predictors');
    expect(w).to.contain('prior(normal(0, 2.5), class = b)');
    expect(fitSummary(fit)).to.contain(`Warning: ${w}`);
  });
});
