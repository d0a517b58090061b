import { expect } from 'chai';
import { parseFormula } from '../../../src/model/formula';

const labels = (f: string) => parseFormula(f).terms.map((t) => t.label);

describe('formula: brms / lme4 syntax', () => {
  it('reads response, terms, intercept and groups', () => {
    const f = parseFormula('count ~ zAge + zBase * Trt + (1 | patient)');
    expect(f.response).to.equal('count');
    expect(f.intercept).to.equal(true);
    expect(f.terms.map((t) => t.label)).to.deep.equal(['zAge', 'zBase', 'Trt', 'zBase:Trt']);
    expect(f.groups).to.deep.equal(['patient']);
  });

  it('orders terms as R does: by degree, then appearance; interaction variables by first appearance', () => {
    expect(labels('y ~ a:b + c')).to.deep.equal(['c', 'a:b']);
    expect(labels('y ~ b:a + a')).to.deep.equal(['a', 'b:a']);
    expect(labels('y ~ a + b:a')).to.deep.equal(['a', 'a:b']);
    expect(labels('y ~ a * b * c')).to.deep.equal(['a', 'b', 'c', 'a:b', 'a:c', 'b:c', 'a:b:c']);
    expect(labels('y ~ (a + b) * c')).to.deep.equal(['a', 'b', 'c', 'a:c', 'b:c']);
    expect(labels('y ~ a + a + a:b + b:a')).to.deep.equal(['a', 'a:b']);
    expect(labels('y ~ `first name` + x')).to.deep.equal(['first name', 'x']);
  });

  it('removes the intercept with 0 + and - 1, keeps it with 1 +', () => {
    expect(parseFormula('y ~ 0 + x').intercept).to.equal(false);
    expect(parseFormula('y ~ x - 1').intercept).to.equal(false);
    expect(parseFormula('y ~ -1 + x').intercept).to.equal(false);
    expect(parseFormula('y ~ 1 + x').intercept).to.equal(true);
    const f = parseFormula('y ~ 1 + (1 | g) + (1|h) + (1 | g)');
    expect(f.terms).to.have.length(0);
    expect(f.groups).to.deep.equal(['g', 'h']);
  });

  it('reads group terms with slopes, correlated (|) or not (||), each lhs ordered on its own', () => {
    const f = parseFormula('y ~ x + (1 + x | g) + (b:a + a || h) + (0 + z | g) + (x | k)');
    expect(f.groups).to.deep.equal(['g', 'h', 'k']);
    expect(
      f.groupTerms.map((t) => ({
        group: t.group,
        intercept: t.intercept,
        labels: t.terms.map((x) => x.label),
        correlated: t.correlated,
        text: t.text,
      })),
    ).to.deep.equal([
      { group: 'g', intercept: true, labels: ['x'], correlated: true, text: '(1 + x | g)' },
      { group: 'h', intercept: true, labels: ['a', 'b:a'], correlated: false, text: '(b:a + a || h)' },
      { group: 'g', intercept: false, labels: ['z'], correlated: true, text: '(0 + z | g)' },
      { group: 'k', intercept: true, labels: ['x'], correlated: true, text: '(x | k)' },
    ]);
    expect(f.terms.map((t) => t.label)).to.deep.equal(['x']);
  });

  it("reads brms's 0 + Intercept as an uncentred intercept term", () => {
    const f = parseFormula('y ~ 0 + Intercept + x + (1 | g)');
    expect(f.intercept).to.equal(false);
    expect(f.interceptTerm).to.equal(true);
    expect(f.terms.map((t) => t.label)).to.deep.equal(['x']);
    expect(parseFormula('y ~ x').interceptTerm).to.equal(false);
  });

  const bad: Array<[string, RegExp]> = [
    ['y ~ (1 | a:b)', /interaction or nested grouping factors/],
    ['y ~ (1 | p | g)', /group-level terms with an ID .* are not supported/],
    ['y ~ (0 | g)', /group term has no effects/],
    ['y ~ Intercept + x', /needs the implicit one removed: write "y ~ 0 \+ Intercept \+ \.\.\."/],
    ['y ~ 0 + Intercept:x', /'Intercept' cannot be part of an interaction/],
    ['y ~ x + (0 + Intercept | g)', /'Intercept' is not a group-level term; write 1/],
    ['y ~ x + (1 + g | g)', /grouping factor 'g' also appears inside its own term/],
    ['y ~ log(x)', /functions in formulas \('log\(\.\.\.\)'\) are not supported/],
    ['log(y) ~ x', /transformations of the response/],
    ['y | weights(w) ~ x', /response addition terms/],
    ['y ~ x - z', /removing terms with '-' is supported only for the intercept/],
    ['y ~ a/b', /nesting 'a\/b' is not supported/],
    ['y ~ (a + b)^2', /expansion is not supported/],
    ['y ~ x + 2', /only numbers allowed in a formula are 0 and 1/],
    ['y x', /expected "response ~ terms"/],
    ['~ x', /needs a response/],
    ['y ~ x +', /ends too early/],
    ['y ~ x:(1 | g)', /group terms|top level/],
    ['y ~ y + x', /response 'y' also appears as a predictor/],
  ];
  for (const [text, re] of bad) {
    it(`rejects "${text}" clearly`, () => {
      expect(() => parseFormula(text)).to.throw(re);
    });
  }
});
