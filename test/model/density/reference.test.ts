import { expect } from 'chai';
import gammaln from '@stdlib/math-base-special-gammaln';
import { compileModel, prepareModel } from '../../../src/model/density';
import { FAMILY_NAMES, type FamilyName } from '../../../src/model/families/spec';
import { randomTheta, simulate, type SimData } from './helpers';

/**
 * An independent, deliberately naive row-by-row log density for
 *   y ~ x * sex + platform + (1 | name) + (1 | city)
 * with a hand-built dense design, brms's centering, the full densities (constants
 * included) and the default priors written out by hand. The engine may drop constants,
 * so differences between two parameter values must agree.
 */
function naiveLogDensity(
  family: FamilyName,
  d: SimData,
  theta: Float64Array,
  names: readonly string[],
  priorScale: number,
  priorLoc: number,
): number {
  const at = (n: string) => {
    const i = names.indexOf(n);
    if (i < 0) throw new Error(`no coordinate ${n}`);
    return theta[i];
  };
  const N = d.y.length;
  const cols = (i: number) => [
    d.x[i],
    d.sex[i] === 'male' ? 1 : 0,
    d.platform[i] === 'iphone' ? 1 : 0,
    d.platform[i] === 'web' ? 1 : 0,
    d.x[i] * (d.sex[i] === 'male' ? 1 : 0),
  ];
  const bNames = ['x', 'sexmale', 'platformiphone', 'platformweb', 'x:sexmale'];
  const b = bNames.map((n) => at(`b[${n}]`));
  const means = [0, 0, 0, 0, 0];
  for (let i = 0; i < N; i++) cols(i).forEach((v, k) => (means[k] += v / N));
  const nameLevels = [...new Set(d.name)].sort();
  const cityLevels = [...new Set(d.city)].sort((a, b) => a - b);
  const sdName = Math.exp(at('log_sd_name'));
  const sdCity = Math.exp(at('log_sd_city'));
  let lp = 0;
  for (let i = 0; i < N; i++) {
    const x = cols(i);
    let eta = at('Intercept');
    for (let k = 0; k < 5; k++) eta += (x[k] - means[k]) * b[k];
    eta += sdName * at(`z_name[${d.name[i]}]`) + sdCity * at(`z_city[${d.city[i]}]`);
    const y = d.y[i];
    const mu = Math.exp(eta);
    const logPois = y * eta - mu - gammaln(y + 1);
    const phi = family.endsWith('negbinomial') ? Math.exp(at('log_shape')) : NaN;
    const logNb =
      gammaln(y + phi) -
      gammaln(y + 1) -
      gammaln(phi) +
      y * (eta - Math.log(mu + phi)) +
      phi * (Math.log(phi) - Math.log(mu + phi));
    const q = family.startsWith('zero')
      ? 1 / (1 + Math.exp(-at('logit_zi')))
      : family.startsWith('hurdle')
        ? 1 / (1 + Math.exp(-at('logit_hu')))
        : NaN;
    switch (family) {
      case 'zero_inflated_poisson':
        lp += y === 0 ? Math.log(q + (1 - q) * Math.exp(logPois)) : Math.log(1 - q) + logPois;
        break;
      case 'zero_inflated_negbinomial':
        lp += y === 0 ? Math.log(q + (1 - q) * Math.exp(logNb)) : Math.log(1 - q) + logNb;
        break;
      case 'hurdle_poisson':
        lp += y === 0 ? Math.log(q) : Math.log(1 - q) + logPois - Math.log(1 - Math.exp(-mu));
        break;
      case 'hurdle_negbinomial':
        lp += y === 0 ? Math.log(q) : Math.log(1 - q) + logNb - Math.log(1 - Math.pow(phi / (mu + phi), phi));
        break;
      case 'poisson':
        lp += y * eta - Math.exp(eta) - gammaln(y + 1);
        break;
      case 'negbinomial': {
        const phi = Math.exp(at('log_shape'));
        const mu = Math.exp(eta);
        lp +=
          gammaln(y + phi) -
          gammaln(y + 1) -
          gammaln(phi) +
          y * (eta - Math.log(mu + phi)) +
          phi * (Math.log(phi) - Math.log(mu + phi));
        break;
      }
      case 'gaussian': {
        const s = Math.exp(at('log_sigma'));
        lp += -Math.log(s) - 0.5 * Math.log(2 * Math.PI) - ((y - eta) * (y - eta)) / (2 * s * s);
        break;
      }
      case 'lognormal': {
        const s = Math.exp(at('log_sigma'));
        const ly = Math.log(y);
        lp += -ly - Math.log(s) - 0.5 * Math.log(2 * Math.PI) - ((ly - eta) * (ly - eta)) / (2 * s * s);
        break;
      }
      case 'bernoulli': {
        const p = 1 / (1 + Math.exp(-eta));
        lp += y === 1 ? Math.log(p) : Math.log(1 - p);
        break;
      }
    }
  }
  const t3 = (v: number, loc: number, s: number) => -2 * Math.log(1 + ((v - loc) / s) ** 2 / 3);
  lp += t3(at('Intercept'), priorLoc, priorScale);
  for (const [g, levels] of [
    ['name', nameLevels],
    ['city', cityLevels],
  ] as const) {
    const v = at(`log_sd_${g}`);
    lp += t3(Math.exp(v), 0, priorScale) + v;
    for (const l of levels) lp -= 0.5 * at(`z_${g}[${l}]`) ** 2;
  }
  if (family.endsWith('negbinomial')) {
    const u = at('log_shape');
    const phi = Math.exp(u);
    lp += -(0.4 + 1) * Math.log(phi) - 0.3 / phi + u; // inv_gamma(0.4, 0.3) + Jacobian
  }
  for (const mix of ['zi', 'hu']) {
    const i = names.indexOf(`logit_${mix}`);
    if (i < 0) continue;
    const q = 1 / (1 + Math.exp(-theta[i]));
    lp += Math.log(q) + Math.log(1 - q); // beta(1, 1) + Jacobian of the logit
  }
  if (family === 'gaussian' || family === 'lognormal') {
    const u = at('log_sigma');
    lp += t3(Math.exp(u), 0, priorScale) + u;
  }
  return lp;
}

describe('density: the engine equals a naive row-by-row log density (up to a constant)', () => {
  for (const family of FAMILY_NAMES) {
    it(`${family}: differences between parameter values agree, compressed and not`, () => {
      const d = simulate(family, 1500, 21);
      const formula = 'y ~ x * sex + platform + (1 | name) + (1 | city)';
      const models = [false, true].map((compress) => prepareModel({ data: d, formula, family, compress }));
      expect(models[1].compression.cells).to.be.below(0.6 * models[0].compression.cells);
      const { location, scale } = models[0].priors.scaleRule;
      const compiled = models.map((pm) => compileModel(pm));
      const names = compiled[0].unconstrainedNames;
      expect(compiled[1].unconstrainedNames).to.deep.equal(names);
      const grad = new Float64Array(compiled[0].dim);
      const base = randomTheta(compiled[0].dim, 100);
      const refBase = naiveLogDensity(family, d, base, names, scale, location);
      const engBase = compiled.map((m) => m.logDensityGradient(base, grad));
      for (const seed of [101, 102, 103]) {
        const th = randomTheta(compiled[0].dim, seed);
        const ref = naiveLogDensity(family, d, th, names, scale, location) - refBase;
        for (let j = 0; j < 2; j++) {
          const eng = compiled[j].logDensityGradient(th, grad) - engBase[j];
          expect(Math.abs(eng - ref), `compress=${j === 1}: engine ${eng} vs naive ${ref}`).to.be.below(
            1e-8 * Math.max(1, Math.abs(ref)),
          );
        }
      }
    });
  }
});

describe('density: compressed likelihood equals row-by-row to 1e-9', () => {
  for (const family of FAMILY_NAMES) {
    it(`${family}: log density and every gradient coordinate`, () => {
      const d = simulate(family, 2000, 33);
      const formula = 'y ~ x * sex + platform + flag + (1 | name)';
      const rows = prepareModel({ data: d, formula, family, compress: false });
      const cells = prepareModel({ data: d, formula, family, compress: true });
      expect(rows.compression.used).to.equal(false);
      expect(cells.compression.used).to.equal(true);
      expect(cells.compression.ratio).to.be.above(3);
      const mr = compileModel(rows);
      const mc = compileModel(cells);
      const gr = new Float64Array(mr.dim);
      const gc = new Float64Array(mc.dim);
      for (const seed of [1, 2, 3, 4]) {
        const th = randomTheta(mr.dim, seed, 1.5);
        const lr = mr.logDensityGradient(th, gr);
        const lc = mc.logDensityGradient(th, gc);
        expect(Math.abs(lr - lc)).to.be.below(1e-9 * Math.max(1, Math.abs(lr)));
        for (let i = 0; i < mr.dim; i++) {
          expect(Math.abs(gr[i] - gc[i]), mr.unconstrainedNames[i]).to.be.below(
            1e-9 * Math.max(1, Math.abs(gr[i])),
          );
        }
      }
    });
  }

  it('auto mode compresses when cells are few and not when every row is distinct', () => {
    const grid = simulate('poisson', 1000, 3, 3);
    const cont = simulate('poisson', 1000, 3, 0);
    const f = 'y ~ x + sex + (1 | name)';
    const a = prepareModel({ data: grid, formula: f, family: 'poisson' });
    const b = prepareModel({ data: cont, formula: f, family: 'poisson' });
    expect(a.compression.used).to.equal(true);
    expect(a.compression.cells).to.equal(3 * 2 * 12);
    expect(a.compression.ratio).to.be.closeTo(1000 / 72, 1e-12);
    expect(b.compression.used).to.equal(false);
    expect(b.compression.cells).to.equal(1000);
  });
});

describe('density: no-intercept models are not centered (as brms)', () => {
  for (const family of ['poisson', 'gaussian'] as const) {
    it(`${family}: y ~ 0 + sex + x + (1 | name) equals a naive uncentered log density`, () => {
      const d = simulate(family, 400, 8, 0);
      const pm = prepareModel({ data: d, formula: 'y ~ 0 + sex + x + (1 | name)', family });
      const m = compileModel(pm);
      expect(m.outputNames.slice(0, 3)).to.deep.equal(['b_sexfemale', 'b_sexmale', 'b_x']);
      const names = m.unconstrainedNames;
      const scale = pm.priors.scaleRule.scale;
      const naive = (th: Float64Array) => {
        const at = (n: string) => th[names.indexOf(n)];
        const sd = Math.exp(at('log_sd_name'));
        let lp = 0;
        d.y.forEach((y, i) => {
          const eta =
            (d.sex[i] === 'male' ? at('b[sexmale]') : at('b[sexfemale]')) +
            d.x[i] * at('b[x]') +
            sd * at(`z_name[${d.name[i]}]`);
          if (family === 'poisson') lp += y * eta - Math.exp(eta);
          else {
            const s = Math.exp(at('log_sigma'));
            lp += -Math.log(s) - ((y - eta) * (y - eta)) / (2 * s * s);
          }
        });
        const t3 = (v: number) => -2 * Math.log(1 + (v / scale) ** 2 / 3);
        lp += t3(sd) + at('log_sd_name');
        if (family === 'gaussian') lp += t3(Math.exp(at('log_sigma'))) + at('log_sigma');
        for (const n of names) if (n.startsWith('z_')) lp -= 0.5 * at(n) ** 2;
        return lp;
      };
      const grad = new Float64Array(m.dim);
      const base = randomTheta(m.dim, 1);
      const d0 = m.logDensityGradient(base, grad) - naive(base);
      for (const seed of [2, 3, 4]) {
        const th = randomTheta(m.dim, seed);
        const diff = m.logDensityGradient(th, grad) - naive(th);
        expect(Math.abs(diff - d0)).to.be.below(1e-8 * Math.max(1, Math.abs(naive(th))));
      }
    });
  }
});
