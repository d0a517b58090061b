/**
 * `Rng.reseed` / `reseedForKey` (added for the emulator's per-member streams) draw exactly
 * the streams of `new Rng` / `Rng.forKey`, and the streams themselves are pinned: the
 * values below were drawn by the code before `nextU32` was rewritten with its state in
 * locals (main at b2235fc), so the sampler's and the community's streams are unchanged.
 */
import { expect } from 'chai';
import { Rng, hash32 } from '../../src/util/rng';

const PINNED: Record<string, number[]> = {
  0: [3809008728, 1133695204, 53579671, 2891528803],
  1: [2442144158, 3238099751, 3819917871, 2104621829],
  20261101: [633975598, 2759090269, 622935267, 1231589248],
  2147483647: [4273413024, 512412270, 2725035094, 3323596758],
  [-7]: [4105674630, 1549025917, 1462909597, 1494321277],
};

const draws = (r: Rng): number[] => [
  r.nextU32(),
  r.uniform(),
  r.normal(),
  r.normal(),
  r.gamma(0.9),
  r.gamma(3),
  r.poisson(4),
  r.poisson(40),
  r.int(1000),
];

describe('util/rng reseed', () => {
  it('draws the pinned streams (nextU32 unchanged by the rewrite)', () => {
    for (const [seed, xs] of Object.entries(PINNED)) {
      const r = new Rng(Number(seed));
      expect([r.nextU32(), r.nextU32(), r.nextU32(), r.nextU32()], `seed ${seed}`).to.deep.equal(xs);
    }
    const k = Rng.forKey(42, 123456);
    expect([k.nextU32(), k.normal(), k.gamma(0.9), k.poisson(25)]).to.deep.equal([
      2754542301, 0.4643557429191141, 0.050109377680388485, 24,
    ]);
  });

  it('reseed(seed) continues exactly as new Rng(seed), whatever the generator drew before (spare normal included)', () => {
    const reused = new Rng(99);
    for (const seed of [0, 1, -1, 7.9, 2 ** 31, -(2 ** 31) - 5, 123456789]) {
      reused.normal(); // leaves a spare normal behind: reseed must drop it
      expect(draws(reused.reseed(seed)), `seed ${seed}`).to.deep.equal(draws(new Rng(seed)));
    }
  });

  it('reseedForKey(seed, key) draws the stream of Rng.forKey(seed, key)', () => {
    const reused = new Rng(0);
    for (let key = 0; key < 2000; key += 37) {
      expect(draws(reused.reseedForKey(5, key))).to.deep.equal(draws(Rng.forKey(5, key)));
    }
    expect(reused.reseedForKey(5, 2 ** 40).nextU32()).to.equal(new Rng(hash32(5, 2 ** 40)).nextU32());
  });

  it('rejects a non-finite seed as the constructor does', () => {
    expect(() => new Rng(1).reseed(Number.NaN)).to.throw(/seed must be a finite number/);
    expect(() => new Rng(Number.POSITIVE_INFINITY)).to.throw(/seed must be a finite number/);
  });
});
