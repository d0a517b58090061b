import { expect } from 'chai';
import { compileModel, prepareModel } from '../../../src/model/density';
import type { FamilyName } from '../../../src/model/families/spec';
import { Rng } from '../../../src/util/rng';
import { gradientError, randomTheta, simulate } from './helpers';

/** The helpers' data with a second numeric predictor w (a grid, so cells merge). */
function withW(family: FamilyName, n: number, seed: number, xLevels = 3) {
  const d = simulate(family, n, seed, xLevels);
  const rng = new Rng(seed + 1000);
  return { ...d, w: d.y.map(() => rng.int(3) - 1) };
}

describe('density: group-level slopes, gradients against central finite differences', () => {
  const formulas = [
    'y ~ x + (1 + x | name)',
    'y ~ x + (x || name)',
    'y ~ x * sex + (1 + x + sex | name) + (1 | city)',
    'y ~ x + (1 | name) + (0 + x | name)',
    'y ~ x + (0 + x + sex | name)',
    'y ~ x + w + (1 + x + w | name) + (1 + w | city)',
  ];
  for (const family of ['poisson', 'gaussian', 'negbinomial', 'zero_inflated_negbinomial'] as const) {
    for (const formula of formulas) {
      for (const param of ['noncentered', 'centered'] as const) {
        it(`${family}: ${formula} (${param})`, () => {
          const d = withW(family, 300, 17);
          for (const compress of [false, true]) {
            const pm = prepareModel({ data: d, formula, family, groupParameterization: param, compress });
            const m = compileModel(pm);
            for (const seed of [1, 2]) {
              const { maxRel, worst } = gradientError(m, randomTheta(m.dim, seed));
              expect(maxRel, `compress=${compress}: ${m.unconstrainedNames[worst]}`).to.be.below(1e-6);
            }
          }
        });
      }
    }
  }

  it('with user priors on sd by coefficient and on the correlation (lkj and class L)', () => {
    const d = withW('poisson', 300, 3);
    for (const priors of [
      ['prior(lkj(2), class = cor)', 'prior(normal(0, 0.5), class = sd, group = name, coef = x)'],
      ['prior(lkj_corr_cholesky(0.7), class = L, group = name)', 'prior(exponential(2), class = sd)'],
    ]) {
      const pm = prepareModel({
        data: d,
        formula: 'y ~ x + w + (1 + x + w | name)',
        family: 'poisson',
        priors,
      });
      const m = compileModel(pm);
      const { maxRel, worst } = gradientError(m, randomTheta(m.dim, 5));
      expect(maxRel, m.unconstrainedNames[worst]).to.be.below(1e-6);
    }
  });
});

describe("density: group-level slopes in brms's names and parameterisation", () => {
  it('names: sd_g__coef, cor_g__a__b, r_g[level,coef] coefficient-major; the summary order b, sd, cor, aux, r', () => {
    const d = withW('gaussian', 200, 2);
    const pm = prepareModel({
      data: d,
      formula: 'y ~ x + (1 + x + w | city) + (1 | name)',
      family: 'gaussian',
    });
    expect(pm.outputNames.slice(0, 10)).to.deep.equal([
      'b_Intercept',
      'b_x',
      'sd_city__Intercept',
      'sd_city__x',
      'sd_city__w',
      'sd_name__Intercept',
      'cor_city__Intercept__x',
      'cor_city__Intercept__w',
      'cor_city__x__w',
      'sigma',
    ]);
    expect(pm.outputNames.slice(10, 14)).to.deep.equal([
      'r_city[1,Intercept]',
      'r_city[2,Intercept]',
      'r_city[3,Intercept]',
      'r_city[4,Intercept]',
    ]);
    expect(pm.outputNames[14]).to.equal('r_city[1,x]');
    expect(pm.outputNames[18]).to.equal('r_city[1,w]');
    expect(pm.terms.map((t) => [t.groupName, t.coefs, t.correlated])).to.deep.equal([
      ['city', ['Intercept', 'x', 'w'], true],
      ['name', ['Intercept'], false],
    ]);
    // brms's default priors: half student-t per sd, lkj(1) on the correlation matrix.
    expect(pm.priors.sd.map((p) => p.text)).to.deep.equal(
      Array(4).fill(`student_t(3, 0, ${pm.priors.scaleRule.scale})`),
    );
    expect(pm.priors.cor.map((p) => p?.text ?? null)).to.deep.equal(['lkj(1)', null]);
    const factor = prepareModel({ data: d, formula: 'y ~ x + (sex || name)', family: 'gaussian' });
    expect(factor.outputNames.filter((n) => n.startsWith('sd_') || n.startsWith('cor_'))).to.deep.equal([
      'sd_name__Intercept',
      'sd_name__sexmale',
    ]);
    const none = prepareModel({ data: d, formula: 'y ~ x + (0 + sex | name)', family: 'gaussian' });
    expect(none.terms[0].coefs).to.deep.equal(['sexfemale', 'sexmale']);
  });

  it('constrain: r = diag(sd) L z, cor = (L Lᵀ) off the diagonal; the centered form reports θ as r', () => {
    const d = withW('poisson', 200, 4);
    const formula = 'y ~ x + (1 + x + w | name)';
    const nc = prepareModel({ data: d, formula, family: 'poisson' });
    const m = compileModel(nc);
    const th = randomTheta(m.dim, 9, 0.8);
    const out = new Float64Array(nc.layout.nOutputs);
    m.constrain(th, out);
    const b = nc.layout.blocks[0];
    const sd = [0, 1, 2].map((k) => Math.exp(th[b.logSd + k]));
    const [z1, z2, z3] = [0, 1, 2].map((k) => Math.tanh(th[b.cpc + k]));
    // Stan's construction written out for M = 3: CPCs row by row.
    const L = [
      [1, 0, 0],
      [z1, Math.sqrt(1 - z1 * z1), 0],
      [z2, z3 * Math.sqrt(1 - z2 * z2), Math.sqrt(1 - z2 * z2 - z3 * z3 * (1 - z2 * z2))],
    ];
    const cor = (i: number, j: number) => L[i].reduce((s, v, k) => s + v * L[j][k], 0);
    expect(out[b.outCor]).to.be.closeTo(cor(0, 1), 1e-14);
    expect(out[b.outCor + 1]).to.be.closeTo(cor(0, 2), 1e-14);
    expect(out[b.outCor + 2]).to.be.closeTo(cor(1, 2), 1e-14);
    const J = b.levels;
    for (let l = 0; l < J; l++) {
      const zl = [0, 1, 2].map((k) => th[b.z + l * 3 + k]);
      for (let m2 = 0; m2 < 3; m2++) {
        const r = sd[m2] * L[m2].reduce((s, v, k) => s + v * zl[k], 0);
        expect(out[b.outR + m2 * J + l]).to.be.closeTo(r, 1e-12);
      }
    }
    const c = prepareModel({ data: d, formula, family: 'poisson', groupParameterization: 'centered' });
    const mc = compileModel(c);
    mc.constrain(th, out);
    expect(out[c.layout.blocks[0].outR + J + 2]).to.equal(th[c.layout.blocks[0].z + 2 * 3 + 1]);
  });

  it('centered and non-centered are the same posterior: log p_c(r) = log p_nc(z) − J Σ log(sd_m L_mm) at r = A z', () => {
    const d = withW('negbinomial', 300, 6);
    const formula = 'y ~ x + (1 + x + w | name)';
    const nc = prepareModel({ data: d, formula, family: 'negbinomial' });
    const ce = prepareModel({ data: d, formula, family: 'negbinomial', groupParameterization: 'centered' });
    const mn = compileModel(nc);
    const mc = compileModel(ce);
    const g = new Float64Array(mn.dim);
    const out = new Float64Array(nc.layout.nOutputs);
    const b = nc.layout.blocks[0];
    const gaps: number[] = [];
    for (const seed of [1, 2, 3]) {
      const th = randomTheta(mn.dim, seed, 0.7);
      mn.constrain(th, out);
      const thc = Float64Array.from(th);
      for (let l = 0; l < b.levels; l++)
        for (let k = 0; k < 3; k++) thc[b.z + l * 3 + k] = out[b.outR + k * b.levels + l];
      const sd = [0, 1, 2].map((k) => Math.exp(th[b.logSd + k]));
      const [z1, z2, z3] = [0, 1, 2].map((k) => Math.tanh(th[b.cpc + k]));
      const diag = [1, Math.sqrt(1 - z1 * z1), Math.sqrt(1 - z2 * z2 - z3 * z3 * (1 - z2 * z2))];
      const logDetA = sd.reduce((s, v, k) => s + Math.log(v * diag[k]), 0);
      gaps.push(mc.logDensityGradient(thc, g) - (mn.logDensityGradient(th, g) - b.levels * logDetA));
    }
    // Both drop the same constants, so the gap is the same number at every point.
    for (const x of gaps) expect(x - gaps[0]).to.be.closeTo(0, 1e-8);
  });

  it("the LKJ prior and Stan's CPC transform: the density of the correlations equals det(Ω)^(η−1) times the Jacobian", () => {
    // Prior only: a model where the data say nothing about the correlations would still mix
    // them with the likelihood, so compare differences in y (the CPCs) with everything else
    // fixed: Δ log p must equal Δ[(η − 1) log det Ω + log |det ∂ω/∂y|] + Δ[group-level density].
    const d = withW('gaussian', 120, 8);
    const eta = 1.7;
    const pm = prepareModel({
      data: d,
      formula: 'y ~ x + (1 + x + w | name)',
      family: 'gaussian',
      priors: [`prior(lkj(${eta}), class = cor)`],
    });
    const m = compileModel(pm);
    const b = pm.layout.blocks[0];
    const omega = (y: number[]): number[] => {
      const [z1, z2, z3] = y.map(Math.tanh);
      const L = [
        [1, 0, 0],
        [z1, Math.sqrt(1 - z1 * z1), 0],
        [z2, z3 * Math.sqrt(1 - z2 * z2), Math.sqrt(1 - z2 * z2 - z3 * z3 * (1 - z2 * z2))],
      ];
      const c = (i: number, j: number) => L[i].reduce((s, v, k) => s + v * L[j][k], 0);
      return [c(0, 1), c(0, 2), c(1, 2)];
    };
    const logDetOmega = (w: number[]) => {
      const [a, bb, c] = w;
      return Math.log(1 + 2 * a * bb * c - a * a - bb * bb - c * c);
    };
    const logJac = (y: number[]) => {
      const h = 1e-6;
      const Jm = [0, 1, 2].map((k) => {
        const yp = [...y];
        const ym = [...y];
        yp[k] += h;
        ym[k] -= h;
        const wp = omega(yp);
        const wm = omega(ym);
        return wp.map((v, i) => (v - wm[i]) / (2 * h));
      });
      const det =
        Jm[0][0] * (Jm[1][1] * Jm[2][2] - Jm[1][2] * Jm[2][1]) -
        Jm[1][0] * (Jm[0][1] * Jm[2][2] - Jm[0][2] * Jm[2][1]) +
        Jm[2][0] * (Jm[0][1] * Jm[1][2] - Jm[0][2] * Jm[1][1]);
      return Math.log(Math.abs(det));
    };
    // The non-centered group-level density does not depend on L, but the likelihood does:
    // put every z at 0 so r = 0 whatever L, and only the prior and Jacobian remain.
    const base = randomTheta(m.dim, 3, 0.6);
    for (let j = b.z; j < b.z + b.levels * 3; j++) base[j] = 0;
    const g = new Float64Array(m.dim);
    const at = (y: number[]) => {
      const th = Float64Array.from(base);
      y.forEach((v, k) => (th[b.cpc + k] = v));
      return m.logDensityGradient(th, g);
    };
    const ref = (y: number[]) => (eta - 1) * logDetOmega(omega(y)) + logJac(y);
    const y0 = [0.1, -0.2, 0.3];
    for (const y of [
      [0.5, 0.4, -0.6],
      [-1.1, 0.2, 0.9],
      [0.05, -1.3, -0.4],
    ]) {
      expect(at(y) - at(y0)).to.be.closeTo(ref(y) - ref(y0), 1e-6);
    }
  });
});

describe('density: the slope likelihood equals a naive row-by-row one', () => {
  it('gaussian y ~ x + (1 + x | name): moving Intercept, b and z changes log p as the written-out density says', () => {
    const d = withW('gaussian', 250, 12, 0);
    const pm = prepareModel({
      data: d,
      formula: 'y ~ x + (1 + x | name)',
      family: 'gaussian',
      compress: true,
    });
    const m = compileModel(pm);
    const names = m.unconstrainedNames;
    const levels = pm.groups[0].levels;
    const xbar = d.x.reduce((a, b) => a + b, 0) / d.x.length;
    const { location, scale } = pm.priors.scaleRule;
    const base = randomTheta(m.dim, 4, 0.5);
    const out = new Float64Array(pm.layout.nOutputs);
    const naive = (th: Float64Array): number => {
      m.constrain(th, out);
      const at = (n: string) => th[names.indexOf(n)];
      const sigma = Math.exp(at('log_sigma'));
      const rOut = (level: string, coef: string) =>
        out[pm.outputNames.indexOf(`r_name[${pm.groups[0].outputLevels[levels.indexOf(level)]},${coef}]`)];
      let lp = 0;
      d.y.forEach((y, i) => {
        const eta =
          at('Intercept') +
          (d.x[i] - xbar) * at('b[x]') +
          rOut(d.name[i], 'Intercept') +
          rOut(d.name[i], 'x') * d.x[i];
        lp += -((y - eta) ** 2) / (2 * sigma * sigma);
      });
      lp += -2 * Math.log(1 + ((at('Intercept') - location) / scale) ** 2 / 3);
      for (const n of names) if (n.startsWith('z_')) lp -= 0.5 * at(n) ** 2;
      return lp;
    };
    const g = new Float64Array(m.dim);
    const e0 = m.logDensityGradient(base, g);
    const n0 = naive(base);
    const rng = new Rng(8);
    for (let k = 0; k < 3; k++) {
      const th = Float64Array.from(base);
      th[names.indexOf('Intercept')] += rng.normal() * 0.3;
      th[names.indexOf('b[x]')] += rng.normal() * 0.3;
      for (let j = 0; j < names.length; j++) if (names[j].startsWith('z_')) th[j] += 0.3 * rng.normal();
      expect(m.logDensityGradient(th, g) - e0).to.be.closeTo(naive(th) - n0, 1e-8 * Math.abs(n0));
    }
  });
});

describe('density: the fused single-pass loop equals the general path', () => {
  for (const family of ['poisson', 'negbinomial', 'bernoulli'] as const) {
    it(`${family}: y ~ x * sex + platform + (1 | name), compressed and not`, () => {
      const d = simulate(family, 800, 31);
      for (const compress of [false, true]) {
        const pm = prepareModel({
          data: d,
          formula: 'y ~ x * sex + platform + (1 | name)',
          family,
          compress,
        });
        const fast = compileModel(pm);
        const slow = compileModel(pm, { fused: false });
        const gf = new Float64Array(fast.dim);
        const gs = new Float64Array(fast.dim);
        for (const seed of [1, 2, 3]) {
          const th = randomTheta(fast.dim, seed, 1.5);
          const lf = fast.logDensityGradient(th, gf);
          const ls = slow.logDensityGradient(th, gs);
          expect(Math.abs(lf - ls)).to.be.below(1e-12 * Math.max(1, Math.abs(ls)));
          for (let i = 0; i < fast.dim; i++)
            expect(Math.abs(gf[i] - gs[i]), fast.unconstrainedNames[i]).to.be.below(
              1e-12 * Math.max(1, Math.abs(gs[i])),
            );
        }
      }
    });
  }
});

describe("density: brms's 0 + Intercept", () => {
  it('an uncentred intercept column named Intercept, class b priors, factors coded next to it as with an intercept', () => {
    const d = simulate('poisson', 300, 14, 0);
    const pm = prepareModel({
      data: d,
      formula: 'y ~ 0 + Intercept + x + sex + (1 | name)',
      family: 'poisson',
      priors: ['prior(normal(1, 0.5), class = b, coef = Intercept)'],
    });
    expect(pm.intercept).to.equal(false);
    expect(pm.interceptTerm).to.equal(true);
    expect(pm.outputNames.slice(0, 4)).to.deep.equal([
      'b_Intercept',
      'b_x',
      'b_sexmale',
      'sd_name__Intercept',
    ]);
    expect(pm.priors.intercept).to.equal(null);
    expect(pm.priors.b.map((p) => p.text)).to.deep.equal(['normal(1, 0.5)', '(flat)', '(flat)']);
    const m = compileModel(pm);
    expect(gradientError(m, randomTheta(m.dim, 3)).maxRel).to.be.below(1e-6);
    // Not centred: η = b_Intercept + b_x x + b_sexmale [male] + r, the prior on b_Intercept itself.
    const names = m.unconstrainedNames;
    const naive = (th: Float64Array) => {
      const at = (n: string) => th[names.indexOf(n)];
      const sd = Math.exp(at('log_sd_name'));
      let lp = 0;
      d.y.forEach((y, i) => {
        const eta =
          at('b[Intercept]') +
          d.x[i] * at('b[x]') +
          (d.sex[i] === 'male' ? at('b[sexmale]') : 0) +
          sd * at(`z_name[${d.name[i]}]`);
        lp += y * eta - Math.exp(eta);
      });
      return lp - 0.5 * ((at('b[Intercept]') - 1) / 0.5) ** 2;
    };
    const g = new Float64Array(m.dim);
    const base = randomTheta(m.dim, 1);
    const d0 = m.logDensityGradient(base, g) - naive(base);
    for (const seed of [2, 3]) {
      const th = randomTheta(m.dim, seed);
      for (const n of ['log_sd_name', ...names.filter((x) => x.startsWith('z_'))])
        th[names.indexOf(n)] = base[names.indexOf(n)];
      expect(m.logDensityGradient(th, g) - naive(th) - d0).to.be.closeTo(0, 1e-8 * Math.abs(naive(th)));
    }
  });
});
