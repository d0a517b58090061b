/**
 * The few R statistics brms's default priors depend on, reproduced exactly.
 */

/** R's median: the mean of the two middle values for even n. */
export function medianR(x: ArrayLike<number>): number {
  const n = x.length;
  if (n === 0) return NaN;
  const s = Float64Array.from(x).sort();
  const h = n >> 1;
  return n % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** R's mad with its default constant 1.4826: 1.4826 · median(|x − median(x)|). */
export function madR(x: ArrayLike<number>): number {
  const m = medianR(x);
  const d = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) d[i] = Math.abs(x[i] - m);
  return 1.4826 * medianR(d);
}

/**
 * R (≥ 4.0.0)'s round(x, 1): the candidate of the two one-decimal neighbours that is
 * closer to x as a double, ties to the even last digit — so round(0.15, 1) = 0.1
 * (0.15 is stored just below) and round(2.25, 1) = 2.2.
 */
export function round1R(x: number): number {
  if (!Number.isFinite(x)) return x;
  const lo = Math.floor(x * 10) / 10;
  const hi = Math.ceil(x * 10) / 10;
  if (lo === hi) return lo;
  const dLo = x - lo;
  const dHi = hi - x;
  if (dLo < dHi) return lo;
  if (dHi < dLo) return hi;
  return Math.round(lo * 10) % 2 === 0 ? lo : hi;
}
