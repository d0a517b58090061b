import { expect } from 'chai';
import * as aq from 'arquero';
import { compileModel, prepareModel } from '../../../src/model/density';
import { centeredIntercept } from '../../../src/model/density';

describe('design: arquero tables as data', () => {
  it('reads an arquero table (filtered rows respected) the same as plain columns', () => {
    const cols = {
      y: [3, 0, 4, 1, 7, 2, 5, 9, 1, 0],
      sex: ['f', 'm', 'f', 'm', 'f', 'm', 'f', 'm', 'f', 'm'],
      age: [20, 31, 25, 40, 33, 28, 51, 45, 38, 22],
      g: ['a', 'b', 'a', 'b', 'c', 'c', 'a', 'b', 'c', 'a'],
    };
    const table = aq.table(cols).filter((d: { age: number }) => d.age < 50);
    const keep = cols.age.map((a) => a < 50);
    const plain = Object.fromEntries(
      Object.entries(cols).map(([k, v]) => [k, (v as unknown[]).filter((_, i) => keep[i])]),
    );
    const a = prepareModel({ data: table, formula: 'y ~ sex + age + (1 | g)', family: 'poisson' });
    const b = prepareModel({ data: plain as never, formula: 'y ~ sex + age + (1 | g)', family: 'poisson' });
    expect(a.nRows).to.equal(9);
    expect(a.outputNames).to.deep.equal(b.outputNames);
    expect(Array.from(a.means)).to.deep.equal(Array.from(b.means));
    const ma = compileModel(a);
    const mb = compileModel(b);
    const th = Float64Array.from({ length: ma.dim }, (_, i) => 0.1 * i - 0.3);
    const ga = new Float64Array(ma.dim);
    const gb = new Float64Array(mb.dim);
    expect(ma.logDensityGradient(th, ga)).to.equal(mb.logDensityGradient(th, gb));
    const out = new Float64Array(ma.outputNames.length);
    ma.constrain(th, out);
    expect(centeredIntercept(a, out)).to.be.closeTo(th[0], 1e-12);
  });
});
