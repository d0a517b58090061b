import { expect } from 'chai';
import { prepareModel } from '../../../src/model/density';
import { autoCentered } from '../../../src/model/design/parameterization';
import { familySpec } from '../../../src/model/families/spec';
import { Rng } from '../../../src/util/rng';

/** Group-intercept NB / Poisson data with a known spread and rows per level. */
function simulate(
  family: 'poisson' | 'negbinomial',
  levels: number,
  perLevel: number,
  sd: number,
  seed: number,
) {
  const rng = new Rng(seed);
  const y = new Float64Array(levels * perLevel);
  const codes = new Int32Array(levels * perLevel);
  for (let l = 0; l < levels; l++) {
    const r = sd * rng.normal();
    for (let k = 0; k < perLevel; k++) {
      const i = l * perLevel + k;
      codes[i] = l;
      y[i] = family === 'poisson' ? rng.poisson(Math.exp(1.5 + r)) : rng.negBinomial(Math.exp(1.5 + r), 2);
    }
  }
  return { y, codes };
}

describe('design: automatic group parameterisation', () => {
  it('picks centered for data-rich levels and non-centered for data-poor ones (known truth)', () => {
    for (const family of ['poisson', 'negbinomial'] as const) {
      const spec = familySpec(family);
      // 40 levels × 500 rows, sd 0.5: I_l·sd² ≈ 500·(≈3)·0.25 ≫ 1.
      const rich = simulate(family, 40, 500, 0.5, 1);
      expect(autoCentered(spec, rich.y, rich.codes, 40), `${family} rich`).to.equal(true);
      // 40 levels × 2 rows, sd 0.1: I_l·sd² ≈ 2·(≈3)·0.01 ≪ 1.
      const poor = simulate(family, 40, 2, 0.1, 2);
      expect(autoCentered(spec, poor.y, poor.codes, 40), `${family} poor`).to.equal(false);
    }
  });

  it("prepareModel's 'auto' sets the layout per group and rejects unknown choices", () => {
    const rich = simulate('poisson', 30, 200, 0.5, 3);
    const data = { y: Array.from(rich.y), g: Array.from(rich.codes, (c) => `lv${c}`) };
    const auto = prepareModel({
      data,
      formula: 'y ~ 1 + (1 | g)',
      family: 'poisson',
      groupParameterization: 'auto',
    });
    expect(auto.layout.centered).to.deep.equal([true]);
    const perGroup = prepareModel({
      data,
      formula: 'y ~ 1 + (1 | g)',
      family: 'poisson',
      groupParameterization: { g: 'auto' },
    });
    expect(perGroup.layout.centered).to.deep.equal([true]);
    const dflt = prepareModel({ data, formula: 'y ~ 1 + (1 | g)', family: 'poisson' });
    expect(dflt.layout.centered).to.deep.equal([false]);
    expect(() =>
      prepareModel({
        data,
        formula: 'y ~ 1 + (1 | g)',
        family: 'poisson',
        groupParameterization: 'sideways' as never,
      }),
    ).to.throw(/must be 'centered' or 'noncentered' \(or 'auto'/);
  });
});
