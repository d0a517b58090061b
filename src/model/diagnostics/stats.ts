/**
 * Order statistics exactly as R computes them, because the diagnostics (folding at the
 * median, tail-ESS indicators at the 5%/95% quantiles) and brms's intervals depend on
 * them bit for bit at ties.
 */

function sorted(x: ArrayLike<number>): Float64Array {
  return Float64Array.from(x as ArrayLike<number>).sort();
}

/**
 * R's `quantile(x, probs, type = 7)` on already-sorted data:
 * index = 1 + (n−1)p, qs = (1−h)·x[lo] + h·x[hi] (R's form, kept for identical rounding).
 */
export function quantileSorted(s: ArrayLike<number>, p: number): number {
  const n = s.length;
  if (n === 0) return NaN;
  if (!(p >= 0 && p <= 1)) throw new Error(`quantile: probability must be in [0, 1], got ${p}`);
  const index = (n - 1) * p; // 0-based version of R's 1 + (n-1)p
  const lo = Math.floor(index);
  const hi = Math.ceil(index);
  const qlo = s[lo];
  if (index > lo && s[hi] !== qlo) {
    const h = index - lo;
    return (1 - h) * qlo + h * s[hi];
  }
  return qlo;
}

/** R's type-7 quantiles of unsorted data for several probabilities. */
export function quantiles(x: ArrayLike<number>, probs: readonly number[]): number[] {
  for (let i = 0; i < x.length; i++) if (Number.isNaN(x[i])) return probs.map(() => NaN);
  const s = sorted(x);
  return probs.map((p) => quantileSorted(s, p));
}

/** R's `median` (mean of the two middle values for even n). */
export function median(x: ArrayLike<number>): number {
  const n = x.length;
  if (n === 0) return NaN;
  for (let i = 0; i < n; i++) if (Number.isNaN(x[i])) return NaN;
  const s = sorted(x);
  const half = n >> 1;
  return n % 2 === 1 ? s[half] : (s[half - 1] + s[half]) / 2;
}

export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

/** Standard deviation with the n − 1 denominator (R's `sd`). */
export function sd(x: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2) return NaN;
  const m = mean(x);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i] - m) * (x[i] - m);
  return Math.sqrt(ss / (n - 1));
}

/** R's `mad`: 1.4826 · median(|x − median(x)|). */
export function mad(x: ArrayLike<number>): number {
  const m = median(x);
  const d = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) d[i] = Math.abs(x[i] - m);
  return 1.4826 * median(d);
}

/**
 * Ranks with ties averaged (R's `rank(ties.method = "average")`), 1-based; NaN stays NaN.
 * One native numeric sort plus two binary searches per value: the rank of v averages
 * positions (#values < v) + 1 … #values ≤ v, which is what tie-averaging means.
 */
export function averageRanks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const s = Float64Array.from(x).sort(); // NaN sorts last
  let m = n;
  while (m > 0 && Number.isNaN(s[m - 1])) m--;
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (Number.isNaN(v)) {
      r[i] = NaN;
      continue;
    }
    let lo = 0;
    let hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    const below = lo;
    hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid] <= v) lo = mid + 1;
      else hi = mid;
    }
    r[i] = (below + 1 + lo) / 2;
  }
  return r;
}
