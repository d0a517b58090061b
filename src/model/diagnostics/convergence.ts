/**
 * Rank-normalised split R-hat with folding, bulk- and tail-ESS, exactly as the posterior
 * R package (R/convergence.R: rhat, ess_bulk, ess_tail, .rhat, .ess, z_scale, fold_draws,
 * .split_chains) and Vehtari et al. (2021); see docs/model-engine.md §Diagnostics.
 *
 * Draws of one parameter are given as one array per chain (equal lengths). Where posterior
 * returns NA (non-finite draws, a constant parameter, fewer than 3 draws per split chain)
 * these return NaN.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the package is CommonJS with `export =` typings
import normalQuantile = require('@stdlib/stats-base-dists-normal-quantile');
import { autocovariance } from './fft';
import { averageRanks, median, quantileSorted } from './stats';

/** Draws of one parameter: `chains[c][i]` is iteration i of chain c. */
export type ChainDraws = readonly ArrayLike<number>[];

function checkShape(chains: ChainDraws, what: string): number {
  if (chains.length === 0) throw new Error(`${what}: no chains given`);
  const n = chains[0].length;
  for (let c = 1; c < chains.length; c++) {
    if (chains[c].length !== n) {
      throw new Error(
        `${what}: chains must have equal lengths (chain 1 has ${n} draws, chain ${c + 1} has ${chains[c].length})`,
      );
    }
  }
  return n;
}

function pooled(chains: ChainDraws): Float64Array {
  const n = chains[0].length;
  const out = new Float64Array(n * chains.length);
  chains.forEach((ch, c) => {
    for (let i = 0; i < n; i++) out[c * n + i] = ch[i];
  });
  return out;
}

function unpool(flat: Float64Array, m: number, n: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (let c = 0; c < m; c++) out.push(flat.subarray(c * n, (c + 1) * n));
  return out;
}

/** posterior's `should_return_NA`: any non-finite draw, or max − min < machine epsilon. */
export function shouldReturnNA(chains: ChainDraws): boolean {
  let lo = Infinity;
  let hi = -Infinity;
  for (const ch of chains) {
    for (let i = 0; i < ch.length; i++) {
      const v = ch[i];
      if (!Number.isFinite(v)) return true;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return !(Math.abs(hi - lo) >= Number.EPSILON);
}

/**
 * Split each chain in half; for an odd length the middle draw is dropped (posterior:
 * `cbind(x[1:floor(half), ], x[ceiling(half + 1):niter, ])`).
 */
export function splitChains(chains: ChainDraws): Float64Array[] {
  const n = checkShape(chains, 'splitChains');
  if (n === 1) return chains.map((c) => Float64Array.from(c));
  const h = Math.floor(n / 2);
  const secondStart = Math.ceil(n / 2 + 1) - 1; // 0-based
  const out: Float64Array[] = [];
  for (const ch of chains) out.push(Float64Array.from(ch).subarray(0, h));
  for (const ch of chains) out.push(Float64Array.from(ch).subarray(secondStart, n));
  return out;
}

function hasNaN(chains: ChainDraws): boolean {
  for (const ch of chains) for (let i = 0; i < ch.length; i++) if (Number.isNaN(ch[i])) return true;
  return false;
}

/** Rank normalisation z = Φ⁻¹((r − 3/8)/(S + 1/4)) over all draws pooled (posterior `z_scale`). */
export function zScale(chains: ChainDraws): Float64Array[] {
  const n = checkShape(chains, 'zScale');
  const flat = pooled(chains);
  const r = averageRanks(flat);
  const s = flat.length;
  const z = new Float64Array(s);
  const c = 3 / 8;
  for (let i = 0; i < s; i++) z[i] = normalQuantile((r[i] - c) / (s - 2 * c + 1), 0, 1);
  return unpool(z, chains.length, n);
}

/** |x − median(x)| with the median over all chains (posterior `fold_draws`). */
export function foldDraws(chains: ChainDraws): Float64Array[] {
  const n = checkShape(chains, 'foldDraws');
  const flat = pooled(chains);
  const med = median(flat);
  for (let i = 0; i < flat.length; i++) flat[i] = Math.abs(flat[i] - med);
  return unpool(flat, chains.length, n);
}

function colMean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

function varianceOf(values: ArrayLike<number>): number {
  const n = values.length;
  const m = colMean(values);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - m) * (values[i] - m);
  return ss / (n - 1);
}

/** posterior's `.rhat` (no splitting, no ranks): sqrt((B/W + n − 1)/n). */
export function rhatCore(chains: ChainDraws): number {
  const n = checkShape(chains, 'rhat');
  if (shouldReturnNA(chains)) return NaN;
  const means = chains.map(colMean);
  const vars = chains.map(varianceOf);
  const varBetween = n * varianceOf(means);
  const varWithin = colMean(vars);
  return Math.sqrt((varBetween / varWithin + n - 1) / n);
}

/**
 * posterior's `.ess`: per-chain FFT autocovariance, ρ̂_t = 1 − (W − mean acov_t)/var⁺,
 * Geyer's initial positive sequence on pair sums then the initial monotone sequence,
 * τ = −1 + 2Σρ̂ + ρ̂_last floored at 1/log10(S).
 */
export function essCore(chains: ChainDraws): number {
  const n = checkShape(chains, 'ess');
  const m = chains.length;
  if (n < 3 || shouldReturnNA(chains)) return NaN;
  const acovMeans = new Float64Array(n);
  for (const ch of chains) {
    const ac = autocovariance(ch);
    for (let t = 0; t < n; t++) acovMeans[t] += ac[t] / m;
  }
  const meanVar = (acovMeans[0] * n) / (n - 1);
  let varPlus = (meanVar * (n - 1)) / n;
  if (m > 1) varPlus += varianceOf(chains.map(colMean));

  const rho = new Float64Array(n);
  let t = 0;
  let rhoEven = 1;
  rho[0] = rhoEven;
  let rhoOdd = 1 - (meanVar - acovMeans[1]) / varPlus;
  rho[1] = rhoOdd;
  while (t < n - 5 && !Number.isNaN(rhoEven + rhoOdd) && rhoEven + rhoOdd > 0) {
    t += 2;
    rhoEven = 1 - (meanVar - acovMeans[t]) / varPlus;
    rhoOdd = 1 - (meanVar - acovMeans[t + 1]) / varPlus;
    if (rhoEven + rhoOdd >= 0) {
      rho[t] = rhoEven;
      rho[t + 1] = rhoOdd;
    }
  }
  const maxT = t;
  if (rhoEven > 0) rho[maxT] = rhoEven;
  // initial monotone sequence
  t = 0;
  while (t <= maxT - 4) {
    t += 2;
    if (rho[t] + rho[t + 1] > rho[t - 2] + rho[t - 1]) {
      rho[t] = (rho[t - 2] + rho[t - 1]) / 2;
      rho[t + 1] = rho[t];
    }
  }
  const total = m * n;
  // R's sum(rho_hat_t[1:max_t]); for max_t = 0, R's 1:0 selects element 1 only.
  let sum = 0;
  if (maxT === 0) sum = rho[0];
  else for (let k = 0; k < maxT; k++) sum += rho[k];
  let tau = -1 + 2 * sum + rho[maxT];
  // the τ floor: caps ESS at S·log10(S) for antithetic chains
  tau = Math.max(tau, 1 / Math.log10(total));
  return total / tau;
}

/** Rank-normalised split R-hat with folding (posterior `rhat`). */
export function rhat(chains: ChainDraws): number {
  // posterior's z_scale keeps NA as NA, so NA draws give NA; checked here once
  if (hasNaN(chains)) return NaN;
  const bulk = rhatCore(zScale(splitChains(chains)));
  const tail = rhatCore(zScale(splitChains(foldDraws(chains))));
  if (Number.isNaN(bulk) || Number.isNaN(tail)) return NaN;
  return Math.max(bulk, tail);
}

/** Split R-hat without rank normalisation (posterior `rhat_basic`). */
export function rhatBasic(chains: ChainDraws): number {
  return rhatCore(splitChains(chains));
}

/** Bulk-ESS: ESS of the rank-normalised split chains (posterior `ess_bulk`). */
export function essBulk(chains: ChainDraws): number {
  if (hasNaN(chains)) return NaN;
  return essCore(zScale(splitChains(chains)));
}

/** ESS of the split chains without ranks (posterior `ess_basic`, also `ess_mean`). */
export function essBasic(chains: ChainDraws): number {
  return essCore(splitChains(chains));
}

/** ESS of the indicator x ≤ quantile(x, p) (posterior `ess_quantile`). */
export function essQuantile(chains: ChainDraws, prob: number): number {
  const n = checkShape(chains, 'essQuantile');
  if (shouldReturnNA(chains)) return NaN;
  const flat = pooled(chains);
  let p = prob;
  if (p === 1) p = (flat.length - 0.5) / flat.length;
  const q = quantileSorted(Float64Array.from(flat).sort(), p);
  const ind = new Float64Array(flat.length);
  for (let i = 0; i < flat.length; i++) ind[i] = flat[i] <= q ? 1 : 0;
  return essCore(splitChains(unpool(ind, chains.length, n)));
}

/** Tail-ESS: min of the 5% and 95% quantile ESS (posterior `ess_tail`). */
export function essTail(chains: ChainDraws): number {
  const q05 = essQuantile(chains, 0.05);
  const q95 = essQuantile(chains, 0.95);
  if (Number.isNaN(q05) || Number.isNaN(q95)) return NaN;
  return Math.min(q05, q95);
}
