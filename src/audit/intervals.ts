/**
 * Intervals for shares.
 *
 * Wilson score interval for each share (Wilson 1927; recommended over the Wald interval by
 * Brown, Cai & DasGupta 2001, "Interval estimation for a binomial proportion"): it stays
 * inside [0, 1], behaves at shares of 0 and 1 and at small denominators, and has close to
 * nominal coverage, which the Wald interval does not. Each share gets its own interval
 * (marginal, not simultaneous coverage across categories).
 *
 * What the interval means for a census: a snapshot lists every follower, so the shares
 * are exact counts of that list. The interval describes the process behind it — the
 * share a follower drawn from the same population would have — and is what makes a
 * synthetic community comparable with its generator's true rates.
 */
import quantile from '@stdlib/stats-base-dists-normal-quantile';

export interface Interval {
  /** Point estimate x / n; NaN when n = 0. */
  share: number;
  lo: number;
  hi: number;
}

/** z for a two-sided interval at `level` (0.95 → 1.959964). */
export function zFor(level: number): number {
  if (!(level > 0 && level < 1)) throw new Error(`interval level must be in (0, 1), got ${level}`);
  return quantile(1 - (1 - level) / 2, 0, 1);
}

/** Wilson score interval for x successes out of n. n = 0 gives NaNs (no denominator). */
export function wilson(x: number, n: number, level = 0.95): Interval {
  if (!(Number.isInteger(x) && Number.isInteger(n) && x >= 0 && n >= 0 && x <= n)) {
    throw new Error(`wilson: need integers 0 <= x <= n, got x=${x}, n=${n}`);
  }
  if (n === 0) return { share: NaN, lo: NaN, hi: NaN };
  const z = zFor(level);
  const p = x / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At x = 0 or x = n the exact bound is 0 or 1; floating error must not move it.
  return {
    share: p,
    lo: x === 0 ? 0 : Math.max(0, center - half),
    hi: x === n ? 1 : Math.min(1, center + half),
  };
}
