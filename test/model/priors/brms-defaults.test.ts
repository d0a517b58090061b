import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { prepareModel } from '../../../src/model/density';

/**
 * Against brms itself: fixtures/brms-defaults.json holds brms's epilepsy and MASS's
 * quine data with what brms 2.18's get_prior() and make_standata() give for several
 * formulas and families (script: fixtures/make-brms-defaults.R). Class "shape" is
 * skipped: brms 2.18's default is gamma(0.01, 0.01), brms ≥ 2.21's (the engine's)
 * inv_gamma(0.4, 0.3).
 */
interface Fixture {
  generatedBy: string;
  datasets: Record<string, Record<string, Array<number | string>>>;
  cases: Array<{
    data: string;
    formula: string;
    family: string;
    priors: Array<{ prior: string; class: string; coef: string; group: string }>;
    coefNames: string[];
    means: number[];
  }>;
}

// Compiled tests run from .build/<x>/test/...; the JSON stays in the source tree.
function fixturePath(): string {
  const rel = path.join('test', 'model', 'priors', 'fixtures', 'brms-defaults.json');
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const candidate = path.join(dir, rel);
    if (fs.existsSync(candidate) && fs.existsSync(path.join(dir, 'package.json'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(`fixture ${rel} not found above ${__dirname}`);
}

describe('priors and names: the same as brms on public data', () => {
  const fx = JSON.parse(fs.readFileSync(fixturePath(), 'utf8')) as Fixture;
  for (const c of fx.cases) {
    it(`${c.family}: ${c.formula} (${c.data})`, () => {
      const pm = prepareModel({ data: fx.datasets[c.data], formula: c.formula, family: c.family });
      expect(pm.termNames).to.deep.equal(c.coefNames);
      pm.means.forEach((m, k) => expect(m, c.coefNames[k]).to.be.closeTo(c.means[k], 1e-12));
      const brms = (cls: string, group = '') =>
        c.priors.find((p) => p.class === cls && p.coef === '' && p.group === group)?.prior;
      const expectedIntercept = brms('Intercept');
      if (expectedIntercept) expect(pm.priors.intercept?.text).to.equal(expectedIntercept);
      else expect(pm.priors.intercept).to.equal(null);
      pm.priors.b.forEach((p) => expect(p.text).to.equal('(flat)'));
      pm.groups.forEach((g, i) => expect(pm.priors.sd[i].text).to.equal(brms('sd')));
      if (c.family === 'gaussian' || c.family === 'lognormal')
        expect(pm.priors.aux?.text).to.equal(brms('sigma'));
      if (c.family === 'negbinomial') expect(pm.priors.aux?.text).to.equal('inv_gamma(0.4, 0.3)');
    });
  }

  it('epilepsy count: scale 2.5 and intercept location round(median(log y), 1) = 1.4', () => {
    const pm = prepareModel({
      data: fx.datasets.epilepsy,
      formula: 'count ~ zAge + zBase * Trt + (1 | patient)',
      family: 'poisson',
    });
    expect(pm.priors.scaleRule).to.deep.equal({ location: 1.4, scale: 2.5 });
    expect(pm.outputNames.slice(0, 6)).to.deep.equal([
      'b_Intercept',
      'b_zAge',
      'b_zBase',
      'b_Trt1',
      'b_zBase:Trt1',
      'sd_patient__Intercept',
    ]);
    expect(pm.outputNames[6]).to.equal('r_patient[1,Intercept]');
    expect(pm.outputNames).to.have.length(6 + 59);
  });
});
