/**
 * Small Monte-Carlo error helpers for the sampler tests (independent of the fit
 * engineer's diagnostics): multi-chain ESS with Geyer's initial monotone sequence on
 * direct autocovariances, and a "within k Monte-Carlo standard errors" check.
 */
import type { ChainResult } from '../../../src/model/types';

/** Column `j` of each chain's draws. */
export function column(results: ChainResult[], j: number, nOut: number): Float64Array[] {
  return results.map((r) => {
    const x = new Float64Array(r.nDraws);
    for (let i = 0; i < r.nDraws; i++) x[i] = r.draws[i * nOut + j];
    return x;
  });
}

export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

export function variance(x: ArrayLike<number>): number {
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - m) ** 2;
  return s / (x.length - 1);
}

export function concat(chains: Float64Array[]): Float64Array {
  const out = new Float64Array(chains.reduce((s, c) => s + c.length, 0));
  let o = 0;
  for (const c of chains) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

function autocovariance(x: Float64Array, maxLag: number): Float64Array {
  const n = x.length;
  const m = mean(x);
  const acov = new Float64Array(maxLag + 1);
  for (let t = 0; t <= maxLag; t++) {
    let s = 0;
    for (let i = 0; i + t < n; i++) s += (x[i] - m) * (x[i + t] - m);
    acov[t] = s / n;
  }
  return acov;
}

/** ESS of equal-length chains (Stan's formula, no rank normalisation or splitting). */
export function ess(chains: Float64Array[]): number {
  const M = chains.length;
  const n = chains[0].length;
  const maxLag = Math.min(n - 1, 400);
  const acovs = chains.map((c) => autocovariance(c, maxLag));
  const means = chains.map(mean);
  const grand = mean(means);
  const W = mean(acovs.map((a) => (a[0] * n) / (n - 1)));
  const B = M > 1 ? (n * means.reduce((s, m) => s + (m - grand) ** 2, 0)) / (M - 1) : 0;
  const varPlus = ((n - 1) / n) * W + B / n;
  const rho = (t: number) => 1 - (W - mean(acovs.map((a) => a[t]))) / varPlus;
  // Geyer: pair sums while positive, forced monotone.
  let tau = -1;
  let prevPair = Infinity;
  for (let t = 0; t + 1 <= maxLag; t += 2) {
    let pair = rho(t) + rho(t + 1);
    if (pair < 0) break;
    if (pair > prevPair) pair = prevPair;
    prevPair = pair;
    tau += 2 * pair;
  }
  return (M * n) / Math.max(tau, 1 / Math.log10(M * n));
}

/** |estimate − truth| within k Monte-Carlo standard errors of a mean estimate. */
export function mcse(chains: Float64Array[]): number {
  return Math.sqrt(variance(concat(chains)) / ess(chains));
}
