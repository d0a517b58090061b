import { expect } from 'chai';
import {
  OKABE_ITO,
  PLATFORM_COLORS,
  SEX_COLORS,
  STATUS_COLORS,
  STATUS_ORDER,
  categoryColor,
  platformCategory,
  sexCategory,
} from '../../src/viz/palette';

describe('viz/palette', () => {
  const okabeIto = new Set<string>(Object.values(OKABE_ITO));

  it('uses only Okabe–Ito colours for fixed categories', () => {
    for (const c of [
      ...Object.values(SEX_COLORS),
      ...Object.values(STATUS_COLORS),
      ...Object.values(PLATFORM_COLORS),
    ]) {
      expect(okabeIto.has(c), c).to.equal(true);
    }
  });

  it('gives every status and every sex a distinct colour', () => {
    expect(new Set(Object.values(STATUS_COLORS)).size).to.equal(5);
    expect(new Set(Object.values(SEX_COLORS)).size).to.equal(3);
    expect(new Set(Object.values(PLATFORM_COLORS)).size).to.equal(Object.keys(PLATFORM_COLORS).length);
    expect([...STATUS_ORDER].sort()).to.deep.equal(Object.keys(STATUS_COLORS).sort());
  });

  it('maps VK codes to categories as docs/vk-api.md defines them', () => {
    expect([0, 1, 2, null, undefined, 7].map(sexCategory)).to.deep.equal([
      'unknown',
      'female',
      'male',
      'unknown',
      'unknown',
      'unknown',
    ]);
    expect([1, 2, 4, 6, 7, 0, null, 9].map(platformCategory)).to.deep.equal([
      'mobile web',
      'iPhone',
      'Android',
      'Windows app',
      'full web',
      'unknown',
      'unknown',
      'unknown',
    ]);
  });

  it('returns the fixed colour for a known category and cycles for others', () => {
    expect(categoryColor('female')).to.equal(SEX_COLORS.female);
    expect(categoryColor('deleted', 3)).to.equal(STATUS_COLORS.deleted);
    expect(categoryColor('Android')).to.equal(PLATFORM_COLORS.Android);
    expect(categoryColor('some series', 0)).to.not.equal(categoryColor('other series', 1));
    expect(categoryColor('x', 8)).to.equal(categoryColor('y', 0));
  });
});
