import { expect } from 'chai';
import {
  cholesky,
  covarianceFactor,
  laplaceApproximation,
  laplaceStarts,
  lbfgsMaximize,
  negativeHessian,
  toModelCoordinates,
  WhitenedModel,
} from '../../../src/model/init';
import { denseFactorOf } from '../../../src/model/init/whiten';
import { compileModel, prepareModel } from '../../../src/model/density';
import { gaussianTarget } from '../../../src/model/nuts/test-targets';
import { sampleChain } from '../../../src/model/nuts/chain';
import { fitModel } from '../../../src/model/fit';
import type { CompiledModel } from '../../../src/model/types';
import { simulate } from '../fit/simulate';

// A correlated 4-D Gaussian with scales from 0.01 to 10: a known mode and precision.
const MEAN = [3, -1, 0.5, 20];
const SD = [0.01, 1, 10, 0.5];
const RHO = [
  [1, 0.9, 0.2, 0],
  [0.9, 1, 0.3, -0.2],
  [0.2, 0.3, 1, 0.1],
  [0, -0.2, 0.1, 1],
];
const COV = RHO.map((r, i) => r.map((c, j) => c * SD[i] * SD[j]));

function matmulT(C: Float64Array, n: number): number[][] {
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let k = 0; k < n; k++) s += C[i * n + k] * C[j * n + k];
      return s;
    }),
  );
}

describe('init: the Laplace approximation behind warm starts', () => {
  const target = gaussianTarget({ mean: MEAN, cov: COV });

  it('L-BFGS finds the mode of a badly scaled, correlated Gaussian from the origin', () => {
    const r = lbfgsMaximize(target, [0, 0, 0, 0], { tolLogp: 1e-12 });
    for (let i = 0; i < 4; i++) expect(r.x[i], `x[${i}]`).to.be.closeTo(MEAN[i], 1e-4 * SD[i] + 1e-9);
    expect(r.stop).to.equal('converged');
    expect(r.logp).to.be.closeTo(0, 1e-8);
  });

  it('the finite-difference Hessian, its Cholesky factor and the covariance factor reproduce the covariance', () => {
    const la = laplaceApproximation(target, [0, 0, 0, 0])!;
    expect(la).to.not.equal(null);
    for (let i = 0; i < 4; i++)
      expect(la.variances[i], `var[${i}]`).to.be.closeTo(COV[i][i], 1e-6 * COV[i][i]);
    const C = covarianceFactor(la.precisionCholesky, 4);
    const back = matmulT(C, 4);
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++)
        expect(back[i][j], `cov[${i}][${j}]`).to.be.closeTo(COV[i][j], 1e-6 * SD[i] * SD[j]);
    // Upper triangular, as WhitenedModel's loops assume.
    for (let i = 1; i < 4; i++) for (let j = 0; j < i; j++) expect(C[i * 4 + j]).to.equal(0);
    const H = negativeHessian(target, la.mode);
    expect(cholesky(H, 4)).to.not.equal(null);
  });

  it('returns null when the Hessian at the optimum is singular (a flat direction): no proper mode', () => {
    const flat: CompiledModel = {
      dim: 2,
      unconstrainedNames: ['a', 'b'],
      outputNames: ['a', 'b'],
      logDensityGradient: (x, g) => {
        g[0] = -x[0];
        g[1] = 0;
        return -0.5 * x[0] * x[0];
      },
      constrain: (x, out) => out.set(x),
    };
    expect(laplaceApproximation(flat, [1, 1])).to.equal(null);
    const r = laplaceStarts(flat, 2, 1);
    expect(r.ok).to.equal(false);
    expect(!r.ok && r.reason).to.match(/no positive-definite Hessian/);
    const nowhere: CompiledModel = {
      ...flat,
      logDensityGradient: (_x, g) => {
        g.fill(0);
        return -Infinity;
      },
    };
    const r2 = laplaceStarts(nowhere, 2, 1);
    expect(!r2.ok && r2.reason).to.match(
      /the mode search failed \(lbfgsMaximize: the log density is not finite at the starting point\)/,
    );
  });

  it('WhitenedModel: gradient equals finite differences, constrain goes through shift + C u, lp is unchanged', () => {
    const la = laplaceApproximation(target, [0, 0, 0, 0])!;
    const p = { shift: la.mode, factor: covarianceFactor(la.precisionCholesky, 4) };
    const w = new WhitenedModel(target, p);
    const u = Float64Array.from([0.3, -1.2, 2, 0.7]);
    const g = new Float64Array(4);
    const lp = w.logDensityGradient(u, g);
    const q = new Float64Array(4);
    toModelCoordinates(p, u, q);
    expect(lp).to.be.closeTo(target.logDensityGradient(q, new Float64Array(4)), 1e-9);
    // In whitened coordinates a Gaussian is standard: log p = −|u|²/2 (up to the mode's value).
    expect(lp - la.logpAtMode).to.be.closeTo(-0.5 * u.reduce((s, x) => s + x * x, 0), 1e-5);
    for (let i = 0; i < 4; i++) {
      const h = 1e-6;
      const up = Float64Array.from(u);
      up[i] += h;
      const dn = Float64Array.from(u);
      dn[i] -= h;
      const fd =
        (w.logDensityGradient(up, new Float64Array(4)) - w.logDensityGradient(dn, new Float64Array(4))) /
        (2 * h);
      expect(g[i], `grad[${i}]`).to.be.closeTo(fd, 1e-5 * Math.max(1, Math.abs(fd)));
    }
    const out = new Float64Array(4);
    w.constrain(u, out);
    expect(Array.from(out)).to.deep.equal(Array.from(q));
    expect(
      () => new WhitenedModel(target, { shift: new Float64Array(3), factor: new Float64Array(9) }),
    ).to.throw(/dimension 3, the model has 4/);
  });

  it('the sparse factor: the same whitening as its dense form, exact zeros of H kept out, gradients right', () => {
    const pm = prepareModel({
      data: simulate(
        'negbinomial',
        { b_Intercept: 2, b_x: 0.4, b_sexm: -0.3, sd_g__Intercept: 0.5, shape: 4 },
        2000,
        40,
        3,
      ).columns,
      formula: 'y ~ x + sex + (1 | g)',
      family: 'negbinomial',
      groupParameterization: 'centered',
    });
    const model = compileModel(pm);
    const la = laplaceApproximation(model, new Float64Array(model.dim))!;
    const f = la.sparseFactor!;
    const n = model.dim;
    // One grouping factor: an arrowhead, no fill-in. 40 levels first, then the 5 others.
    expect(Array.from(f.perm.slice(-5)).sort((a, b) => a - b)).to.deep.equal([0, 1, 2, 3, 4]);
    expect(f.cols.length).to.be.at.most(40 * 5 + (5 * 4) / 2);
    // C Cᵀ = H⁻¹, i.e. Cᵀ H C = I.
    const H = negativeHessian(model, la.mode);
    const C = denseFactorOf(f);
    for (const [i, j] of [
      [0, 0],
      [3, 7],
      [44, 44],
      [44, 2],
    ]) {
      let s = 0;
      for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) s += C[a * n + i] * H[a * n + b] * C[b * n + j];
      expect(s, `(CᵀHC)[${i}][${j}]`).to.be.closeTo(i === j ? 1 : 0, 1e-8);
    }
    const sparse = new WhitenedModel(model, { shift: la.mode, sparse: f });
    const u = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1));
    const gs = new Float64Array(n);
    // The dense C is not upper triangular here: apply it in full.
    const q = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let v = la.mode[i];
      for (let j = 0; j < n; j++) v += C[i * n + j] * u[j];
      q[i] = v;
    }
    const lq = model.logDensityGradient(q, new Float64Array(n));
    expect(sparse.logDensityGradient(u, gs)).to.be.closeTo(lq, 1e-9 * Math.abs(lq));
    const gq = new Float64Array(n);
    model.logDensityGradient(q, gq);
    for (let j = 0; j < n; j++) {
      let v = 0;
      for (let i = 0; i < n; i++) v += C[i * n + j] * gq[i];
      expect(gs[j], `grad[${j}]`).to.be.closeTo(v, 1e-9 * Math.max(1, Math.abs(v)));
    }
  });

  it('NUTS in whitened coordinates samples the same Gaussian with far fewer leapfrog steps', () => {
    const found = laplaceStarts(target, 1, 5);
    if (!found.ok) throw new Error(found.reason);
    expect(found.logWeightSd).to.be.below(1e-3); // exactly normal
    const settings = { iter: 1500, warmup: 500, seed: 11 };
    const plain = sampleChain(target, settings, 1);
    const white = sampleChain(
      new WhitenedModel(target, found.preconditioner),
      settings,
      1,
      undefined,
      found.starts[0],
    );
    const meanSteps = (c: typeof plain) =>
      c.stats.nLeapfrog.reduce((s, x) => s + x, 0) / c.stats.nLeapfrog.length;
    expect(meanSteps(white)).to.be.lessThan(0.5 * meanSteps(plain));
    // Draws are reported in model coordinates: means within 5 Monte Carlo sd of the truth.
    const n = white.stats.lp.length;
    for (let j = 0; j < 4; j++) {
      let m = 0;
      for (let k = 0; k < n; k++) m += white.draws[k * 4 + j] / n;
      expect(Math.abs(m - MEAN[j]), `mean of x[${j}] = ${m}`).to.be.lessThan((5 * SD[j]) / Math.sqrt(n / 4));
    }
  });

  it('the same seed gives the same starts; different chains get different, overdispersed starts', () => {
    const a = laplaceStarts(target, 3, 7);
    const b = laplaceStarts(target, 3, 7);
    if (!a.ok || !b.ok) throw new Error('expected Laplace starts for a Gaussian');
    expect(Array.from(a.starts[2].init!)).to.deep.equal(Array.from(b.starts[2].init!));
    expect(Array.from(a.starts[0].init!)).to.not.deep.equal(Array.from(a.starts[1].init!));
    const norms = a.starts.map((s) => Math.sqrt(Array.from(s.init!).reduce((t, x) => t + x * x, 0)));
    // u ~ N(0, 4 I) in 4 dimensions: |u| around 4, rarely below 1.
    for (const r of norms) expect(r).to.be.within(0.5, 12);
  });
});

describe("fitModel init: 'laplace' samples the same posterior as Stan's random inits", function () {
  this.timeout(300000);
  const sim = simulate(
    'negbinomial',
    { b_Intercept: 2, b_x: 0.4, b_sexm: -0.3, sd_g__Intercept: 0.5, shape: 4 },
    1500,
    20,
    3,
  );
  const common = {
    data: sim.columns,
    formula: 'y ~ x + sex + (1 | g)',
    family: 'negbinomial',
    chains: 2,
    iter: 1000,
    seed: 4,
    cores: 2,
  };
  it('centered group effects: means agree within 0.25 posterior sd, sds within 20%, R-hat < 1.05, fewer gradients', async () => {
    const random = await fitModel({ ...common, init: 'random', groupParameterization: 'centered' });
    const laplace = await fitModel({ ...common, init: 'laplace', groupParameterization: 'centered' });
    expect(laplace.init.used).to.equal('laplace');
    expect(laplace.init.logWeightSd).to.be.below(5);
    expect(random.init).to.deep.include({ requested: 'random', used: 'random' });
    for (const p of laplace.parameters) {
      const q = random.parameters.find((r) => r.name === p.name)!;
      expect(Math.abs(p.mean - q.mean), `${p.name}: ${p.mean} vs ${q.mean}`).to.be.lessThan(0.25 * q.sd);
      expect(p.sd / q.sd, `${p.name} sd`).to.be.within(0.8, 1.25);
      expect(p.rhat).to.be.lessThan(1.05);
    }
    expect(laplace.groupLevels.map((g) => g.name)).to.deep.equal(random.groupLevels.map((g) => g.name));
    const grads = (f: typeof random) => f.chains.reduce((s, c) => s + c.gradientEvaluations, 0);
    expect(grads(laplace)).to.be.lessThan(grads(random));
  });
  it('non-centered group effects (a funnel: the mode is no guide) fall back to random inits and say so', async () => {
    const fit = await fitModel({
      ...common,
      iter: 100,
      init: 'laplace',
      groupParameterization: 'noncentered',
    });
    expect(fit.init).to.deep.include({ requested: 'laplace', used: 'random' });
    expect(fit.init.note).to.match(/far from normal around its mode \(sd of log importance weights \d+/);
    expect(fit.init.note).to.contain("Stan's random inits were used instead");
    // Not one of brms's convergence warnings: the notebook and the CLI print it with the start.
    expect(fit.warnings.join('\n')).to.not.contain('laplace');
  });
  it('rejects an unknown init with a message naming the choices', async () => {
    let err: Error | undefined;
    try {
      await fitModel({ data: sim.columns, formula: 'y ~ x', family: 'negbinomial', init: 'mode' as never });
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).to.match(/init must be 'random' or 'laplace', got "mode"/);
  });
});
