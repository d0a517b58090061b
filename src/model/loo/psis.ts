/**
 * Pareto smoothed importance sampling (Vehtari, Simpson, Gelman, Yao & Gabry 2024, "Pareto
 * smoothed importance sampling", JMLR 25(72)), exactly as the loo R package computes it
 * (R/psis.R do_psis_i, psis_smooth_tail) with posterior's gpdfit (R/gpd.R, Zhang & Stephens
 * 2009, Technometrics 51:316–325, with the weakly informative prior on k):
 *
 *   tail length M = ⌈min(0.2 S, 3 √(S / r_eff))⌉; the M largest log ratios are replaced by
 *   the expected order statistics of a generalized Pareto fitted to their exceedances over
 *   the largest ratio below them; weights are then truncated at the largest raw weight.
 *
 * Works in place on per-observation scratch (no allocation per call once sized).
 */

/** Scratch space for one observation's S draws. */
export class PsisWorkspace {
  readonly order: Int32Array;
  readonly x: Float64Array;
  readonly sel: Float64Array;
  readonly theta: Float64Array;
  readonly lTheta: Float64Array;
  constructor(readonly S: number) {
    this.order = new Int32Array(S);
    this.x = new Float64Array(S);
    this.sel = new Float64Array(S);
    const grid = 30 + Math.floor(Math.sqrt(S));
    this.theta = new Float64Array(grid);
    this.lTheta = new Float64Array(grid);
  }
}

/** loo's n_pareto: ⌈min(0.2 S, 3 √(S / r_eff))⌉. */
export function tailLength(S: number, rEff: number): number {
  return Math.ceil(Math.min(0.2 * S, 3 * Math.sqrt(S / rEff)));
}

/** posterior's gpdfit on ascending exceedances x[0 … N−1] (wip = TRUE, min_grid_pts = 30). */
export function gpdfit(x: Float64Array, N: number, ws: PsisWorkspace): { k: number; sigma: number } {
  const prior = 3;
  const M = 30 + Math.floor(Math.sqrt(N));
  const xstar = x[Math.floor(N / 4 + 0.5) - 1]; // R: x[floor(N / 4 + 0.5)], the first quartile
  if (!(xstar > x[0])) return { k: NaN, sigma: NaN };
  const theta = M <= ws.theta.length ? ws.theta : new Float64Array(M);
  const l = M <= ws.lTheta.length ? ws.lTheta : new Float64Array(M);
  let lMax = -Infinity;
  for (let j = 0; j < M; j++) {
    const t = 1 / x[N - 1] + (1 - Math.sqrt(M / (j + 1 - 0.5))) / prior / xstar;
    theta[j] = t;
    let k = 0;
    for (let i = 0; i < N; i++) k += Math.log1p(-t * x[i]);
    k /= N;
    l[j] = N * (Math.log(-t / k) - k - 1); // profile log-likelihood
    if (l[j] > lMax) lMax = l[j];
  }
  let wSum = 0;
  for (let j = 0; j < M; j++) wSum += Math.exp(l[j] - lMax);
  let thetaHat = 0;
  for (let j = 0; j < M; j++) thetaHat += theta[j] * (Math.exp(l[j] - lMax) / wSum);
  let kHat = 0;
  for (let i = 0; i < N; i++) kHat += Math.log1p(-thetaHat * x[i]);
  kHat /= N;
  const sigma = -kHat / thetaHat;
  // The prior: a Gaussian on k centred at 0.5 worth 10 observations.
  kHat = (kHat * N + 0.5 * 10) / (N + 10);
  if (Number.isNaN(kHat)) return { k: Infinity, sigma: NaN };
  return { k: kHat, sigma };
}

/** posterior's qgeneralized_pareto(p, 0, sigma, k). */
function qgpd(p: number, sigma: number, k: number): number {
  return k === 0 ? -sigma * Math.log1p(-p) : (sigma * Math.expm1(-k * Math.log1p(-p))) / k;
}

/**
 * PSIS of one observation: `logRatios` (length S) are replaced by the smoothed, truncated,
 * normalised log weights; returns Pareto k (Infinity when no tail could be fitted, as loo).
 */
export function psisInPlace(logRatios: Float64Array, rEff: number, ws: PsisWorkspace): number {
  const S = logRatios.length;
  let max = -Infinity;
  for (let s = 0; s < S; s++) if (logRatios[s] > max) max = logRatios[s];
  const lw = logRatios;
  for (let s = 0; s < S; s++) lw[s] -= max;
  let khat = Infinity;
  const M = tailLength(S, rEff);
  if (M >= 5 && M < S) {
    // The M + 1 largest in R's stable ascending order (value, then index): select the
    // (S − M − 1)-th smallest value, gather what is at or above it, sort only those.
    const sel = ws.sel;
    sel.set(lw);
    const cut = selectKth(sel, S - M - 1);
    const order = ws.order;
    let n = 0;
    for (let s = 0; s < S; s++) if (lw[s] >= cut) order[n++] = s;
    const top = order.subarray(0, n);
    top.sort((a, b) => lw[a] - lw[b] || a - b);
    const at = n - M; // position of the first tail value in `top`
    const tailMin = lw[top[at]];
    const tailMax = lw[top[n - 1]];
    if (Math.abs(tailMax - tailMin) >= Number.EPSILON / 100) {
      const cutoff = lw[top[at - 1]];
      const expCutoff = Math.exp(cutoff);
      const x = ws.x;
      for (let i = 0; i < M; i++) x[i] = Math.exp(lw[top[at + i]]) - expCutoff;
      const fit = gpdfit(x, M, ws);
      let k = fit.k;
      if (Number.isNaN(k)) k = Infinity;
      if (Number.isFinite(k)) {
        for (let i = 0; i < M; i++)
          lw[top[at + i]] = Math.log(qgpd((i + 1 - 0.5) / M, fit.sigma, k) + expCutoff);
      }
      khat = k;
    }
  }
  // Truncate at the largest raw weight (0 after the shift), shift back, normalise.
  let top = -Infinity;
  for (let s = 0; s < S; s++) {
    if (lw[s] > 0) lw[s] = 0;
    lw[s] += max;
    if (lw[s] > top) top = lw[s];
  }
  let sum = 0;
  for (let s = 0; s < S; s++) sum += Math.exp(lw[s] - top);
  const lse = top + Math.log(sum);
  for (let s = 0; s < S; s++) lw[s] -= lse;
  return khat;
}

/** The k-th smallest (0-based) of a, reordering a (Hoare's selection, median-of-three pivots). */
export function selectKth(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    // Median of three as the pivot value.
    let x = a[lo];
    let y = a[mid];
    const z = a[hi];
    if (x > y) [x, y] = [y, x];
    if (y > z) y = z;
    const pivot = x > y ? x : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/** log(e^a + e^b). */
export function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** loo's sample-size dependent threshold for k (Vehtari et al. 2024): min(1 − 1/log10 S, 0.7). */
export function kThreshold(S: number): number {
  return Math.min(1 - 1 / Math.log10(S), 0.7);
}
