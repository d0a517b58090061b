import { expect } from 'chai';
import {
  madR,
  medianR,
  round1R,
  parsePriors,
  logPrior,
  makeDist,
  scaleRule,
} from '../../../src/model/priors';
import { familySpec } from '../../../src/model/families';
import { prepareModel, ModelSpecError } from '../../../src/model/density';

describe('priors: R statistics behind the scale rule', () => {
  it('median, mad (×1.4826) and round(., 1) as R computes them', () => {
    expect(medianR([3, 1, 2])).to.equal(2);
    expect(medianR([4, 1, 3, 2])).to.equal(2.5);
    // R: mad(c(1, 2, 3, 4, 100)) = 1.4826
    expect(madR([1, 2, 3, 4, 100])).to.be.closeTo(1.4826, 1e-15);
    // R >= 4: round(0.15, 1) = 0.1; round(2.25, 1) = 2.2; round(0.25, 1) = 0.2; round(0.35, 1) = 0.3;
    // round(-0.15, 1) = -0.1; round(1.96, 1) = 2
    expect([0.15, 2.25, 0.25, 0.35, -0.15, 1.96, 2.5].map(round1R)).to.deep.equal([
      0.1, 2.2, 0.2, 0.3, -0.1, 2, 2.5,
    ]);
  });

  it('log links replace zeros by 0.1 element-wise before the log; logit keeps 0 and 2.5', () => {
    // y = 0,0,1,1,2,20: log(c(0.1,0.1,1,1,2,20)); median = 0 → location 0; mad → round(1.4826*median|.|,1)
    const y = Float64Array.from([0, 0, 1, 1, 2, 20]);
    const l = y.map((v) => Math.log(v === 0 ? 0.1 : v));
    const r = scaleRule(familySpec('poisson'), y);
    expect(r.location).to.equal(round1R(medianR(l)));
    expect(r.scale).to.equal(Math.max(2.5, round1R(madR(l))));
    expect(r.scale).to.equal(2.5);
    const wide = Float64Array.from([1, 10, 100, 1000, 10000, 5, 50000]);
    expect(scaleRule(familySpec('negbinomial'), wide).scale).to.equal(round1R(madR(wide.map(Math.log))));
    expect(scaleRule(familySpec('bernoulli'), Float64Array.from([0, 1, 1]))).to.deep.equal({
      location: 0,
      scale: 2.5,
    });
    expect(scaleRule(familySpec('gaussian'), Float64Array.from([10, 20, 30, 40]))).to.deep.equal({
      location: 25,
      scale: round1R(madR([10, 20, 30, 40])),
    });
  });
});

describe('priors: brms notation', () => {
  it('reads prior(), set_prior(), prior_string(), bare distributions, positional args and "+"', () => {
    const p = parsePriors([
      'prior(normal(0, 1), class = b, coef = sexmale)',
      'set_prior("student_t(3, 0, 2.5)", class = "sd", group = "name")',
      "prior_string('cauchy(0,2)', class = 'sigma')",
      'normal(0, 5)',
      'prior(gamma(2, 0.1), shape) + prior(exponential(1), sd)',
      'set_prior("normal(1e+1, 2.5E-1)", "Intercept")',
    ]);
    expect(p.map((x) => [x.dist.dist, x.dist.args, x.class, x.coef, x.group])).to.deep.equal([
      ['normal', [0, 1], 'b', 'sexmale', ''],
      ['student_t', [3, 0, 2.5], 'sd', '', 'name'],
      ['cauchy', [0, 2], 'sigma', '', ''],
      ['normal', [0, 5], 'b', '', ''],
      ['gamma', [2, 0.1], 'shape', '', ''],
      ['exponential', [1], 'sd', '', ''],
      ['normal', [10, 0.25], 'Intercept', '', ''],
    ]);
  });

  const bad: Array<[string, RegExp]> = [
    ['prior(normal(0), class = b)', /normal takes 2 arguments, got 1/],
    ['prior(normal(0, -1), class = b)', /scale of normal must be > 0/],
    ['prior(horseshoe(1), class = b)', /distribution 'horseshoe' is not supported/],
    ['prior(normal(0, 1), class = nu)', /class 'nu' is not a parameter class/],
    ['prior(normal(0, 1), class = b, lb = 0)', /bounds \('lb'\) are not supported/],
    ['prior(normal(0, 1), class = b, dpar = sigma)', /'dpar' is not supported/],
    ['prior(normal(0, a), class = b)', /arguments must be numbers/],
    ['prior(normal(0, 1), klass = b)', /unknown argument 'klass'/],
    ['prior(normal(0, 1), class = b', /unbalanced/],
  ];
  for (const [text, re] of bad) {
    it(`rejects ${text}`, () => expect(() => parsePriors([text])).to.throw(ModelSpecError, re));
  }

  it('log densities and derivatives are right (vs closed forms and finite differences)', () => {
    const d = new Float64Array(1);
    const dists = [
      makeDist('normal', [1, 2], 't'),
      makeDist('student_t', [3, 1, 2], 't'),
      makeDist('cauchy', [0, 2], 't'),
      makeDist('double_exponential', [0.5, 2], 't'),
      makeDist('logistic', [1, 2], 't'),
      makeDist('exponential', [1.5], 't'),
      makeDist('gamma', [2, 0.5], 't'),
      makeDist('inv_gamma', [0.4, 0.3], 't'),
      makeDist('lognormal', [0, 1], 't'),
    ];
    for (const p of dists) {
      for (const x of [0.3, 1.7, 4.2]) {
        const h = 1e-6;
        const fd = (logPrior(p, x + h, d) - logPrior(p, x - h, d)) / (2 * h);
        logPrior(p, x, d);
        expect(d[0], `${p.dist} at ${x}`).to.be.closeTo(fd, 1e-6 * Math.max(1, Math.abs(fd)));
      }
    }
    // normal: differences of log densities equal the exact ones
    const n = makeDist('normal', [1, 2], 't');
    expect(logPrior(n, 3, d) - logPrior(n, 1, d)).to.be.closeTo(-0.5, 1e-15);
    expect(logPrior(makeDist('gamma', [2, 1], 't'), -1, d)).to.equal(-Infinity);
  });
});

describe('priors: resolution on a model', () => {
  const data = {
    y: [1, 0, 3, 2, 5, 1, 0, 4],
    x: [1, 2, 3, 4, 5, 6, 7, 8],
    sex: ['m', 'f', 'm', 'f', 'm', 'f', 'm', 'f'],
    g: ['a', 'a', 'b', 'b', 'c', 'c', 'a', 'b'],
    h: [1, 2, 1, 2, 1, 2, 1, 2],
  };
  const prep = (priors: string[], family = 'negbinomial', formula = 'y ~ x + sex + (1 | g) + (1 | h)') =>
    prepareModel({ data, formula, family, priors });

  it('the most specific prior wins: coef over class; group over class for sd', () => {
    const pm = prep([
      'prior(normal(0, 1), class = b)',
      'prior(normal(0, 9), class = b, coef = sexm)',
      'prior(cauchy(0, 1), class = sd)',
      'prior(exponential(2), class = sd, group = h)',
      'prior(gamma(1, 1), class = shape)',
    ]);
    expect(pm.priors.b.map((p) => p.text)).to.deep.equal(['normal(0, 1)', 'normal(0, 9)']);
    expect(pm.priors.sd.map((p) => p.text)).to.deep.equal(['cauchy(0, 1)', 'exponential(2)']);
    expect(pm.priors.aux?.text).to.equal('gamma(1, 1)');
    expect(pm.priors.aux?.source).to.equal('user');
    expect(pm.priors.intercept?.source).to.equal('default');
  });

  const bad: Array<[string[], RegExp, string?, string?]> = [
    [
      ['prior(normal(0, 1), class = b, coef = sexmale)'],
      /coef 'sexmale' is not a coefficient of this model; the coefficients are: x, sexm/,
    ],
    [
      ['prior(normal(0, 1), class = sd, group = zzz)'],
      /group 'zzz' is not a grouping factor of this model; the groups are: g, h/,
    ],
    [['prior(normal(0, 1), class = sigma)'], /family negbinomial has no sigma parameter/],
    [['prior(normal(0, 1), class = shape)'], /family gaussian has no shape parameter/, 'gaussian'],
    [['prior(normal(0, 1), class = Intercept)'], /the model has no intercept/, 'negbinomial', 'y ~ 0 + x'],
    [['prior(exponential(1), class = b)'], /positive support but coefficients are unbounded/],
    [['prior(normal(0, 1), class = b)', 'prior(normal(0, 2), class = b)'], /duplicated prior for class b/],
    [['prior(normal(0, 1), class = sd)'], /no group-level effects/, 'poisson', 'y ~ x'],
    [['prior(lkj(2), class = cor)'], /no group-level correlations \(class cor\)/],
    [
      ['prior(normal(0, 1), class = cor)'],
      /only supported prior for correlation matrices is the 'lkj' prior/,
      'poisson',
      'y ~ x + (1 + x | g)',
    ],
    [
      ['prior(lkj(2), class = cor, group = h)'],
      /group 'h' has no correlated group-level effects/,
      'poisson',
      'y ~ x + (1 + x | g) + (1 | h)',
    ],
    [['prior(lkj(2), class = b)'], /lkj is a prior for correlation matrices/],
    [['prior(beta(2, 2), class = zi)'], /family negbinomial has no zi parameter/],
    [
      ['prior(normal(0, 1), class = zi)'],
      /zi is a probability; give it a beta prior/,
      'zero_inflated_poisson',
    ],
    [['prior(beta(1, 1), class = hu)'], /has no hu parameter \(it has zi\)/, 'zero_inflated_poisson'],
    [
      ['prior(normal(0, 1), class = sd, group = g, coef = z)'],
      /'z' is not a group-level coefficient of g; its coefficients are: Intercept, x/,
      'poisson',
      'y ~ x + (1 + x | g)',
    ],
    [
      ['prior(normal(0, 1), class = Intercept)'],
      /with 0 \+ Intercept the intercept is a population-level coefficient; write class = b, coef = Intercept/,
      'poisson',
      'y ~ 0 + Intercept + x',
    ],
  ];
  for (const [priors, re, family, formula] of bad) {
    it(`rejects ${priors.join(' ')}`, () =>
      expect(() => prep(priors, family, formula)).to.throw(ModelSpecError, re));
  }
});
