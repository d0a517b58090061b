import { expect } from 'chai';
import { compileModel, prepareModel } from '../../../src/model/density';
import { FAMILY_NAMES } from '../../../src/model/families/spec';
import { gradientError, randomTheta, simulate } from './helpers';

describe('density: gradients against central finite differences', () => {
  for (const family of FAMILY_NAMES) {
    for (const compress of [false, true] as const) {
      it(`${family}, x * sex + platform + (1 | name) + (1 | city), compress=${compress}`, () => {
        const d = simulate(family, 400, 11);
        const pm = prepareModel({
          data: d,
          formula: 'y ~ x * sex + platform + (1 | name) + (1 | city)',
          family,
          compress,
        });
        expect(pm.compression.used).to.equal(compress);
        const m = compileModel(pm);
        for (const seed of [1, 2, 3]) {
          const { maxRel, worst } = gradientError(m, randomTheta(m.dim, seed));
          expect(maxRel, `worst coordinate ${m.unconstrainedNames[worst]}`).to.be.below(1e-6);
        }
      });
    }
  }

  it('every prior distribution, on b, Intercept, sd and the auxiliary parameter', () => {
    const d = simulate('negbinomial', 300, 5, 0);
    const priorSets = [
      [
        'prior(normal(0, 1), class = b)',
        'prior(cauchy(0, 2), class = sd)',
        'prior(gamma(2, 0.5), class = shape)',
      ],
      [
        'set_prior("student_t(4, 0.5, 2)", class = "b", coef = "x")',
        'prior(double_exponential(0, 1), class = b)',
        'prior(exponential(1), class = sd)',
        'prior(lognormal(0, 1), class = shape)',
      ],
      [
        'prior(logistic(1, 2), class = Intercept)',
        'prior(inv_gamma(2, 1), class = sd, group = name)',
        'prior(normal(0, 3), class = shape)',
      ],
    ];
    for (const priors of priorSets) {
      const m = compileModel(
        prepareModel({ data: d, formula: 'y ~ x + sex + (1 | name)', family: 'negbinomial', priors }),
      );
      for (const seed of [7, 8]) {
        const { maxRel, worst } = gradientError(m, randomTheta(m.dim, seed));
        expect(maxRel, `${priors.join(' + ')}: ${m.unconstrainedNames[worst]}`).to.be.below(1e-6);
      }
    }
  });

  it('no intercept and numeric×factor interaction without main effect', () => {
    const d = simulate('gaussian', 300, 9);
    const m = compileModel(
      prepareModel({ data: d, formula: 'y ~ 0 + sex + x:platform + (1 | name)', family: 'gaussian' }),
    );
    expect(m.outputNames.slice(0, 5)).to.deep.equal([
      'b_sexfemale',
      'b_sexmale',
      'b_x:platformandroid',
      'b_x:platformiphone',
      'b_x:platformweb',
    ]);
    const { maxRel } = gradientError(m, randomTheta(m.dim, 4));
    expect(maxRel).to.be.below(1e-6);
  });
});

describe('density: edge-case formulas', () => {
  const d = simulate('poisson', 200, 13);
  for (const formula of ['y ~ 1', 'y ~ 1 + (1 | name)', 'y ~ 0 + (1 | name)', 'y ~ 0 + x', 'y ~ flag']) {
    for (const family of ['poisson', 'gaussian'] as const) {
      it(`${family}: ${formula}`, () => {
        const data = family === 'gaussian' ? { ...d, y: d.y.map((v) => v + 0.5) } : d;
        const pm = prepareModel({ data, formula, family });
        const m = compileModel(pm);
        const { maxRel } = gradientError(m, randomTheta(m.dim, 2));
        expect(maxRel).to.be.below(1e-6);
        const lp = m.logDensityGradient(randomTheta(m.dim, 3), new Float64Array(m.dim));
        expect(Number.isFinite(lp)).to.equal(true);
      });
    }
  }
  it('y ~ 1 compresses every row into one cell; the intercept is the only coefficient', () => {
    const pm = prepareModel({ data: d, formula: 'y ~ 1', family: 'poisson' });
    expect(pm.compression.cells).to.equal(1);
    expect(pm.outputNames).to.deep.equal(['b_Intercept']);
  });
  it('the response cannot also be the grouping factor', () => {
    expect(() => prepareModel({ data: d, formula: 'y ~ x + (1 | y)', family: 'poisson' })).to.throw(
      /response 'y' cannot also be a grouping factor/,
    );
  });
});
