import { expect } from 'chai';
import {
  compileModel,
  conditionalGrid,
  expectedValue,
  linearPredictor,
  predictDraw,
  prepareModel,
} from '../../../src/model/density';
import { FAMILY_NAMES } from '../../../src/model/families/spec';
import { Rng } from '../../../src/util/rng';
import { randomTheta, simulate } from './helpers';

describe('density: linear predictor, expected value, posterior predictive', () => {
  const d = simulate('poisson', 500, 4);
  const formula = 'y ~ x * sex + platform + (1 | name)';

  it('η at the reported parameters matches a hand computation, compressed or not, and on new data', () => {
    for (const compress of [false, true]) {
      const pm = prepareModel({ data: d, formula, family: 'poisson', compress });
      const m = compileModel(pm);
      const out = new Float64Array(m.outputNames.length);
      m.constrain(randomTheta(m.dim, 9), out);
      const p = (n: string) => out[m.outputNames.indexOf(n)];
      const eta = linearPredictor(pm, out);
      const again = linearPredictor(pm, out, d);
      const pop = linearPredictor(pm, out, d, { groups: false });
      for (let i = 0; i < d.y.length; i++) {
        const male = d.sex[i] === 'male' ? 1 : 0;
        const popI =
          p('b_Intercept') +
          p('b_x') * d.x[i] +
          p('b_sexmale') * male +
          p('b_x:sexmale') * d.x[i] * male +
          (d.platform[i] === 'iphone' ? p('b_platformiphone') : 0) +
          (d.platform[i] === 'web' ? p('b_platformweb') : 0);
        const full = popI + p(`r_name[${d.name[i].replace(/ /g, '.')},Intercept]`);
        expect(eta[i]).to.be.closeTo(full, 1e-12);
        expect(again[i]).to.be.closeTo(full, 1e-12);
        expect(pop[i]).to.be.closeTo(popI, 1e-12);
      }
    }
  });

  it('b_Intercept is de-centered: Intercept − means·b', () => {
    const pm = prepareModel({ data: d, formula, family: 'poisson' });
    const m = compileModel(pm);
    const th = randomTheta(m.dim, 3);
    const out = new Float64Array(m.outputNames.length);
    m.constrain(th, out);
    let expected = th[pm.layout.intercept];
    pm.means.forEach((mk, k) => (expected -= mk * th[pm.layout.b + k]));
    expect(out[0]).to.be.closeTo(expected, 1e-14);
    expect(m.outputNames[0]).to.equal('b_Intercept');
    expect(out[pm.layout.out.sd]).to.be.closeTo(Math.exp(th[pm.layout.logSd]), 1e-14);
  });

  for (const family of FAMILY_NAMES) {
    it(`${family}: mean of posterior-predictive draws ≈ expected value`, () => {
      const data = simulate(family, 40, 6);
      const pm = prepareModel({ data, formula, family });
      const m = compileModel(pm);
      const out = new Float64Array(m.outputNames.length);
      m.constrain(randomTheta(m.dim, 12, 0.5), out);
      const mu = expectedValue(pm, out);
      const rng = new Rng(77);
      const draws = 4000;
      const sum = new Float64Array(mu.length);
      const sq = new Float64Array(mu.length);
      for (let s = 0; s < draws; s++) {
        const yrep = predictDraw(pm, out, rng);
        for (let i = 0; i < mu.length; i++) {
          sum[i] += yrep[i];
          sq[i] += yrep[i] * yrep[i];
        }
      }
      for (let i = 0; i < mu.length; i++) {
        const mean = sum[i] / draws;
        const sd = Math.sqrt(Math.max(sq[i] / draws - mean * mean, 1e-12));
        expect(Math.abs(mean - mu[i]), `row ${i}`).to.be.below(5 * (sd / Math.sqrt(draws)) + 1e-9);
      }
    });
  }

  it('conditional grid: the predictor over its range, others at mean / reference level', () => {
    const pm = prepareModel({ data: d, formula, family: 'poisson' });
    const gx = conditionalGrid(pm, 'x', 5);
    expect(gx.x).to.deep.equal([-1, -0.5, 0, 0.5, 1]);
    expect(gx.sex).to.deep.equal(Array(5).fill('female'));
    expect(gx.platform).to.deep.equal(Array(5).fill('android'));
    const gs = conditionalGrid(pm, 'platform');
    expect(gs.platform).to.deep.equal(['android', 'iphone', 'web']);
    const meanX = d.x.reduce((a, b) => a + b, 0) / d.x.length;
    expect(gs.x[0]).to.be.closeTo(meanX, 1e-12);
    const m = compileModel(pm);
    const out = new Float64Array(m.outputNames.length);
    m.constrain(randomTheta(m.dim, 1), out);
    const mu = expectedValue(pm, out, gs, { groups: false });
    const p = (n: string) => out[m.outputNames.indexOf(n)];
    expect(mu[1] / mu[0]).to.be.closeTo(Math.exp(p('b_platformiphone')), 1e-12);
    expect(() => conditionalGrid(pm, 'nope')).to.throw(/'nope' is not a population-level predictor/);
  });

  it('new data: levels by name; unknown levels are clear errors unless allowed', () => {
    const pm = prepareModel({ data: d, formula, family: 'poisson' });
    const nd = { x: [0], sex: ['male'], platform: ['tablet'], name: ['name A'] };
    expect(() => linearPredictor(pm, new Float64Array(pm.layout.nOutputs), nd)).to.throw(
      /'platform' has level 'tablet'/,
    );
    const nd2 = { x: [0], sex: ['male'], platform: ['web'], name: ['Zed'] };
    expect(() => linearPredictor(pm, new Float64Array(pm.layout.nOutputs), nd2)).to.throw(
      /'name' has level 'Zed'.*allowNewLevels/,
    );
    const params = new Float64Array(pm.layout.nOutputs).fill(0.1);
    const eta = linearPredictor(pm, params, nd2, { allowNewLevels: true });
    expect(eta[0]).to.be.closeTo(0.1 * 3, 1e-12); // b_Intercept + b_sexmale + b_platformweb; x = 0 and r = 0
    expect(() => linearPredictor(pm, new Float64Array(3))).to.throw(/expected \d+ parameters/);
  });
});
