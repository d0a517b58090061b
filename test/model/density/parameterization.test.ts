import { expect } from 'chai';
import { compileModel, prepareModel } from '../../../src/model/density';
import { FAMILY_NAMES } from '../../../src/model/families/spec';
import { gradientError, randomTheta, simulate } from './helpers';

describe('density: centered group effects (same posterior as brms non-centered)', () => {
  const formula = 'y ~ x * sex + (1 | name) + (1 | city)';
  for (const family of FAMILY_NAMES) {
    it(`${family}: log p_centered(r) = log p_noncentered(z = r/sd) − L·log sd, gradients exact`, () => {
      const d = simulate(family, 500, 17);
      const nc = prepareModel({ data: d, formula, family });
      const ce = prepareModel({ data: d, formula, family, groupParameterization: { name: 'centered' } });
      expect(ce.layout.centered).to.deep.equal([true, false]);
      const mn = compileModel(nc);
      const mc = compileModel(ce);
      expect(mc.unconstrainedNames.filter((n) => n.startsWith('r_name['))).to.have.length(12);
      expect(mc.outputNames).to.deep.equal(mn.outputNames);
      const g = new Float64Array(mn.dim);
      for (const seed of [1, 2, 3]) {
        const thC = randomTheta(mc.dim, seed);
        const v = thC[ce.layout.logSd];
        const sd = Math.exp(v);
        const thN = Float64Array.from(thC);
        const L = ce.groups[0].levels.length;
        for (let l = 0; l < L; l++) thN[ce.layout.z[0] + l] = thC[ce.layout.z[0] + l] / sd;
        const lc = mc.logDensityGradient(thC, g);
        const ln = mn.logDensityGradient(thN, g);
        expect(lc).to.be.closeTo(ln - L * v, 1e-9 * Math.max(1, Math.abs(ln)));
        const oc = new Float64Array(mc.outputNames.length);
        const on = new Float64Array(mn.outputNames.length);
        mc.constrain(thC, oc);
        mn.constrain(thN, on);
        oc.forEach((x, i) => expect(x).to.be.closeTo(on[i], 1e-12 * Math.max(1, Math.abs(on[i]))));
        const { maxRel, worst } = gradientError(mc, thC);
        expect(maxRel, mc.unconstrainedNames[worst]).to.be.below(1e-6);
      }
    });
  }

  it('all groups centered; bad options are clear errors', () => {
    const d = simulate('poisson', 200, 2);
    const pm = prepareModel({ data: d, formula, family: 'poisson', groupParameterization: 'centered' });
    expect(pm.layout.centered).to.deep.equal([true, true]);
    expect(gradientError(compileModel(pm), randomTheta(pm.layout.dim, 5)).maxRel).to.be.below(1e-6);
    expect(() =>
      prepareModel({ data: d, formula, family: 'poisson', groupParameterization: { nom: 'centered' } }),
    ).to.throw(/'nom', which is not a grouping factor/);
    expect(() =>
      prepareModel({ data: d, formula, family: 'poisson', groupParameterization: 'sideways' as never }),
    ).to.throw(/must be 'centered' or 'noncentered'/);
  });
});
