/**
 * Autocovariance by FFT, as posterior's `autocovariance()` (docs/model-engine.md §Diagnostics 6).
 *
 * posterior zero-pads to 2·nextn(N) (a 2-3-5-smooth length) and rescales so that lag 0
 * equals the biased variance; any padding ≥ 2N gives the same *linear* autocorrelation,
 * so a radix-2 FFT padded to the next power of two ≥ 2N gives the same numbers (to
 * rounding). That FFT is ~40 lines, so we write it rather than add a dependency.
 */

/** In-place iterative radix-2 Cooley–Tukey FFT; `re.length` must be a power of two. */
export function fftInPlace(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if (n !== im.length) throw new Error(`fftInPlace: re and im lengths differ (${n} vs ${im.length})`);
  if (n & (n - 1)) throw new Error(`fftInPlace: length ${n} is not a power of two`);
  // bit-reversal permutation
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  const { cos, sin } = twiddles(n);
  const sign = inverse ? 1 : -1;
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1;
    const step = n / len;
    for (let k = 0; k < half; k++) {
      const wr = cos[k * step];
      const wi = sign * sin[k * step];
      for (let i = k; i < n; i += len) {
        const j = i + half;
        const xr = re[j] * wr - im[j] * wi;
        const xi = re[j] * wi + im[j] * wr;
        re[j] = re[i] - xr;
        im[j] = im[i] - xi;
        re[i] += xr;
        im[i] += xi;
      }
    }
  }
}

/**
 * cos / sin of 2πk/n for k < n/2, computed directly (not by recurrence, so rounding stays
 * O(eps·log n)) once per size: every chain of a fit has the same length.
 */
const twiddleCache = new Map<number, { cos: Float64Array; sin: Float64Array }>();
function twiddles(n: number): { cos: Float64Array; sin: Float64Array } {
  let t = twiddleCache.get(n);
  if (!t) {
    const half = Math.max(1, n >> 1);
    t = { cos: new Float64Array(half), sin: new Float64Array(half) };
    for (let k = 0; k < half; k++) {
      t.cos[k] = Math.cos((2 * Math.PI * k) / n);
      t.sin[k] = Math.sin((2 * Math.PI * k) / n);
    }
    if (twiddleCache.size > 32) twiddleCache.clear();
    twiddleCache.set(n, t);
  }
  return t;
}

function nextPow2(n: number): number {
  let m = 1;
  while (m < n) m <<= 1;
  return m;
}

/** Sample variance with the n − 1 denominator (R's `var`). */
export function sampleVariance(x: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2) return NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i] - mean) * (x[i] - mean);
  return ss / (n - 1);
}

/**
 * Biased autocovariance γ_t = (1/N) Σ (x_i − x̄)(x_{i+t} − x̄), t = 0…N−1, exactly as
 * posterior computes it (including returning zeros for a constant series).
 */
export function autocovariance(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  const varx = sampleVariance(x);
  if (!(varx > 0)) return out; // posterior: `if (varx == 0) return(rep(0, N))`
  const m = nextPow2(2 * n);
  const re = new Float64Array(m);
  const im = new Float64Array(m);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  for (let i = 0; i < n; i++) re[i] = x[i] - mean;
  fftInPlace(re, im);
  for (let i = 0; i < m; i++) {
    re[i] = re[i] * re[i] + im[i] * im[i];
    im[i] = 0;
  }
  fftInPlace(re, im, true);
  // posterior rescales so lag 0 is the biased variance: ac / ac[1] * varx * (N-1)/N
  const scale = (varx * (n - 1)) / n / re[0];
  for (let t = 0; t < n; t++) out[t] = re[t] * scale;
  return out;
}
