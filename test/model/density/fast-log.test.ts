import { expect } from 'chai';
import { log1pFast } from '../../../src/model/density/fast-log';
import { Rng } from '../../../src/util/rng';

/** Distance in units in the last place between two finite doubles of the same sign. */
function ulps(a: number, b: number): number {
  const f = new Float64Array([a, b]);
  const i = new BigInt64Array(f.buffer);
  const d = i[0] - i[1];
  return Number(d < 0n ? -d : d);
}

describe('density: the inline log1p of the fused loop', () => {
  it('is within 2 ulp of Math.log1p from 1e-300 to 1e300, near 2^-6 and at the table points', () => {
    const rng = new Rng(5);
    const xs: number[] = [
      0, 1e-300, 5e-324, 1, 2, 3, 1e300, 0.015625, 0.015624999999999998, 0.015625000000000003,
    ];
    for (let i = 0; i < 300000; i++) xs.push(Math.pow(10, -300 + 600 * rng.uniform()));
    for (let i = 0; i < 200000; i++) xs.push(4 * rng.uniform());
    for (let k = -8; k <= 20; k++) for (let j = 0; j <= 128; j++) xs.push(Math.pow(2, k) * (1 + j / 128) - 1);
    let worst = 0;
    let at = 0;
    for (const x of xs) {
      if (x < 0) continue;
      const u = ulps(log1pFast(x), Math.log1p(x));
      if (u > worst) {
        worst = u;
        at = x;
      }
    }
    expect(worst, `worst at m = ${at}`).to.be.at.most(2);
  });

  it('falls back to Math.log1p outside [0, ∞)', () => {
    for (const x of [-0.5, -1, Infinity, NaN, -1e-20]) {
      expect(Object.is(log1pFast(x), Math.log1p(x)), String(x)).to.equal(true);
    }
  });
});
