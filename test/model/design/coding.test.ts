import { expect } from 'chai';
import { prepareModel, ModelSpecError } from '../../../src/model/density';
import { brmsLevelName, brmsRename } from '../../../src/model/design/naming';
import { compareR, toFactor } from '../../../src/model/design/columns';

const data = {
  y: [1, 2, 3, 4, 5, 6, 7, 8],
  x: [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4],
  f: ['b', 'a', 'c', 'a', 'b', 'c', 'a', 'b'],
  g: ['u', 'u', 'v', 'v', 'v', 'u', 'u', 'v'],
  flag: [true, false, true, false, true, false, false, true],
  id: [10, 2, 10, 2, 33, 33, 2, 10],
};
const names = (formula: string) => prepareModel({ data, formula, family: 'poisson' }).termNames;

describe('design: treatment coding and brms term names', () => {
  it('reference level = first in R order; booleans FALSE < TRUE', () => {
    expect(names('y ~ f + flag')).to.deep.equal(['fb', 'fc', 'flagTRUE']);
    expect(toFactor([true, false], 'boolean').levels).to.deep.equal(['FALSE', 'TRUE']);
    expect(toFactor([10, 2, 33], 'numeric').levels).to.deep.equal(['2', '10', '33']);
    expect(['b', 'B', 'a', 'A'].sort(compareR)).to.deep.equal(['a', 'A', 'b', 'B']);
  });

  it('interactions: numeric×factor, factor×factor (first factor varies fastest)', () => {
    expect(names('y ~ x * f')).to.deep.equal(['x', 'fb', 'fc', 'x:fb', 'x:fc']);
    expect(names('y ~ f * g')).to.deep.equal(['fb', 'fc', 'gv', 'fb:gv', 'fc:gv']);
  });

  it("R's TermCode: indicators when the marginal term is absent, and without an intercept", () => {
    expect(names('y ~ x:f')).to.deep.equal(['x:fa', 'x:fb', 'x:fc']);
    expect(names('y ~ x + x:f')).to.deep.equal(['x', 'x:fb', 'x:fc']);
    expect(names('y ~ 0 + f + g')).to.deep.equal(['fa', 'fb', 'fc', 'gv']);
    expect(names('y ~ 0 + f:g')).to.deep.equal(['fa:gu', 'fb:gu', 'fc:gu', 'fa:gv', 'fb:gv', 'fc:gv']);
  });

  it("brms's renaming of special characters in names and levels", () => {
    expect(brmsRename('platform(web) a+b-c*d/e^f=g$h')).to.equal(
      'platformweb aPbMcMUdDeEfEQgUSDh'.replace(' ', ''),
    );
    expect(brmsLevelName('Anna Maria')).to.equal('Anna.Maria');
    const pm = prepareModel({
      data: { ...data, f: data.f.map((v) => `lvl ${v}+`) },
      formula: 'y ~ f + (1 | f)',
      family: 'poisson',
    });
    expect(pm.termNames).to.deep.equal(['flvlbP', 'flvlcP']);
    expect(pm.outputNames).to.include('r_f[lvl.a+,Intercept]');
  });

  it('column means are the means of the uncentered design', () => {
    const pm = prepareModel({ data, formula: 'y ~ x * f', family: 'poisson' });
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    const fb = data.f.map((v) => (v === 'b' ? 1 : 0));
    expect(Array.from(pm.means)).to.deep.equal([
      mean(data.x),
      mean(fb),
      2 / 8,
      mean(data.x.map((v, i) => v * fb[i])),
      mean(data.x.map((v, i) => (data.f[i] === 'c' ? v : 0))),
    ]);
  });

  const errors: Array<[Record<string, unknown>, string, string, RegExp]> = [
    [data, 'y ~ nope', 'poisson', /predictor 'nope' is not a column of the data; the columns are: y, x, f/],
    [data, 'y ~ x + (1 | who)', 'poisson', /grouping factor 'who' is not a column/],
    [data, 'z ~ x', 'poisson', /response 'z' is not a column/],
    [
      { ...data, x: [1, 1, 1, 1, 1, 1, 1, 1] },
      'y ~ x',
      'poisson',
      /predictor 'x' is constant \(every row is 1\)/,
    ],
    [{ ...data, f: Array(8).fill('a') }, 'y ~ f', 'poisson', /predictor 'f' has a single level \('a'\)/],
    [
      { ...data, x: [1, null, 2, NaN, 3, 4, 5, 6] },
      'y ~ x',
      'poisson',
      /predictor 'x' has 2 missing values .* first at row 1/,
    ],
    [
      { ...data, y: [1, 2, null, 4, 5, 6, 7, 8] },
      'y ~ x',
      'poisson',
      /response 'y' has 1 missing value .* first at row 2/,
    ],
    [
      { ...data, g: ['u', 'u', undefined, 'v', 'u', 'v', 'u', 'v'] },
      'y ~ x + (1 | g)',
      'poisson',
      /grouping factor 'g' has 1 missing value/,
    ],
    [
      { ...data, x: [1, 'a', 2, 3, 4, 5, 6, 7] },
      'y ~ x',
      'poisson',
      /predictor 'x' mixes numeric and string values \(row 1\)/,
    ],
    [
      { ...data, y: [1, -2, 3, 4, 5, 6, 7, -1] },
      'y ~ x',
      'poisson',
      /response 'y' has 2 values outside the support of family poisson, which needs non-negative integer counts; first at row 1 \(-2\)/,
    ],
    [
      { ...data, y: [1, 2.5, 3, 4, 5, 6, 7, 8] },
      'y ~ x',
      'negbinomial',
      /outside the support of family negbinomial/,
    ],
    [
      { ...data, y: [1, 0, 3, 4, 5, 6, 7, 8] },
      'y ~ x',
      'lognormal',
      /1 value outside the support of family lognormal, which needs positive values/,
    ],
    [data, 'y ~ x', 'bernoulli', /outside the support of family bernoulli, which needs 0\/1 values/],
    [data, 'y ~ x', 'binomial', /family 'binomial' is not supported; use one of: poisson, negbinomial/],
    [
      { ...data, f: ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b'], g: ['u', 'u', 'u', 'u', 'v', 'v', 'v', 'v'] },
      'y ~ f:g',
      'poisson',
      /design column 'fb:gu' is zero in every row/,
    ],
    [{ y: [1, 2], x: [1, 2, 3] }, 'y ~ x', 'poisson', /data columns differ in length/],
  ];
  for (const [d, formula, family, re] of errors) {
    it(`clear error: ${re.source.slice(0, 60)}`, () => {
      expect(() => prepareModel({ data: d as never, formula, family })).to.throw(ModelSpecError, re);
    });
  }

  it('linearly dependent columns are an error under flat priors, allowed with proper priors', () => {
    const dup = { ...data, f2: data.f.map((v) => (v === 'a' ? 'p' : v === 'b' ? 'q' : 'r')) };
    expect(() => prepareModel({ data: dup, formula: 'y ~ f + f2', family: 'poisson' })).to.throw(
      ModelSpecError,
      /design columns 'f2q', 'f2r' are linear combinations of the intercept and earlier columns/,
    );
    expect(() => prepareModel({ data, formula: 'y ~ 0 + f + g:f', family: 'poisson' })).to.not.throw();
    expect(() =>
      prepareModel({
        data: { ...data, x2: data.x.map((v) => 2 * v + 1) },
        formula: 'y ~ x + x2',
        family: 'poisson',
      }),
    ).to.throw(/'x2' is a linear combination/);
    const ok = prepareModel({
      data: dup,
      formula: 'y ~ f + f2',
      family: 'poisson',
      priors: ['prior(normal(0, 1), class = b)'],
    });
    expect(ok.termNames).to.deep.equal(['fb', 'fc', 'f2q', 'f2r']);
  });

  it('bernoulli accepts booleans and 0/1; grouping columns are factors whatever their type', () => {
    const pm = prepareModel({
      data: { ...data, y: data.flag },
      formula: 'y ~ x + (1 | id)',
      family: 'bernoulli',
    });
    expect(Array.from(pm.response.values)).to.deep.equal(data.flag.map(Number));
    expect(pm.groups[0].levels).to.deep.equal(['2', '10', '33']);
    expect(pm.outputNames.slice(-3)).to.deep.equal([
      'r_id[2,Intercept]',
      'r_id[10,Intercept]',
      'r_id[33,Intercept]',
    ]);
  });
});
