/**
 * Posterior predictive check on a log axis: the distribution of observed followers
 * against the distributions of replicated data sets (brms pp_check's density overlay with
 * 10 draws: docs/model-engine.md), as shares of profiles per logarithmic bin of followers + 1.
 *
 * Bins: edges at 2^(k/2) on followers + 1 (k = 0, 1, …), rounded up to whole counts and
 * de-duplicated, so 0 followers is a bin of its own and each later bin spans about ×1.41.
 * The density is the share of profiles per bin divided by the bin's width in log10 units,
 * so the curve's height does not depend on the bin width.
 */
import { ppCheckDraws } from '../model/summary';
import type { FitResult } from '../model/fit';

export interface PpcCurves {
  /** Bin edges on followers + 1: bin b holds y + 1 in [edges[b], edges[b+1]). */
  edges: number[];
  /** Geometric mid-point of each bin, on followers + 1. */
  mids: number[];
  observed: number[];
  replicated: number[][];
}

export function logBinEdges(maxY: number): number[] {
  const edges: number[] = [];
  for (let k = 0; ; k++) {
    const e = Math.ceil(2 ** (k / 2) - 1e-9);
    if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
    if (e > maxY + 1) break;
  }
  return edges;
}

/** Density per log10 unit of followers + 1 over the bins. */
export function logDensity(y: ArrayLike<number>, edges: readonly number[]): number[] {
  const B = edges.length - 1;
  const counts = new Float64Array(B);
  for (let i = 0; i < y.length; i++) {
    const v = y[i] + 1;
    // binary search for the bin with edges[b] <= v < edges[b+1]
    let lo = 0;
    let hi = B - 1;
    if (v >= edges[B]) continue; // beyond the last edge (replicated draws can exceed observed max)
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (edges[mid] <= v) lo = mid;
      else hi = mid - 1;
    }
    counts[lo]++;
  }
  return Array.from(counts, (c, b) => c / y.length / Math.log10(edges[b + 1] / edges[b]));
}

export function ppcCurves(fit: Pick<FitResult, 'prepared' | 'chains'>, ndraws = 10, seed = 1): PpcCurves {
  const { y, yrep } = ppCheckDraws({ prepared: fit.prepared, chains: fit.chains }, ndraws, seed);
  let maxY = 0;
  for (const v of y) maxY = Math.max(maxY, v);
  for (const r of yrep) for (const v of r) maxY = Math.max(maxY, v);
  const edges = logBinEdges(maxY);
  const mids = edges.slice(0, -1).map((e, b) => Math.sqrt(e * edges[b + 1]));
  return { edges, mids, observed: logDensity(y, edges), replicated: yrep.map((r) => logDensity(r, edges)) };
}
