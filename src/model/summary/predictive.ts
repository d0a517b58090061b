/**
 * Predictions from a fit, as brms computes them: posterior_epred, posterior_predict,
 * pp_check's overlay draws and conditional_effects (docs/model-engine.md §brms defaults).
 * Built on the density stage's expectedValue / predictDraw / conditionalGrid.
 */
import { conditionalGrid, expectedValue, predictDraw, type PreparedModel } from '../density';
import type { ChainResult } from '../types';
import { mad, quantiles } from '../diagnostics';
import { Rng } from '../../util/rng';

type NewData = Parameters<typeof expectedValue>[2];

export interface PredictiveSource {
  prepared: PreparedModel;
  chains: readonly ChainResult[];
}

export interface DrawSelection {
  /** Use this many posterior draws (brms `ndraws`), chosen at random without replacement; default all. */
  ndraws?: number;
  /** Seed for the draw subset and for predictive noise (default 1). */
  seed?: number;
}

export interface PredictOptions extends DrawSelection {
  newdata?: NewData;
  /** Include group-level effects (brms re_formula = NULL, default) or not (re_formula = NA). */
  groups?: boolean;
}

function totalDraws(chains: readonly ChainResult[]): number {
  return chains.reduce((a, c) => a + c.nDraws, 0);
}

/** One posterior draw (all outputs) by pooled index 0 … S−1, chains in order. */
export function drawAt(chains: readonly ChainResult[], s: number, nOutputs: number): Float64Array {
  let i = s;
  for (const c of chains) {
    if (i < c.nDraws) return c.draws.subarray(i * nOutputs, (i + 1) * nOutputs);
    i -= c.nDraws;
  }
  throw new Error(`drawAt: draw ${s} is out of range (${totalDraws(chains)} draws)`);
}

/** The pooled draw indices to use: all, or `ndraws` of them sampled without replacement. */
export function selectDraws(chains: readonly ChainResult[], sel: DrawSelection = {}): Int32Array {
  const S = totalDraws(chains);
  if (sel.ndraws === undefined || sel.ndraws >= S) return Int32Array.from({ length: S }, (_, i) => i);
  if (!Number.isInteger(sel.ndraws) || sel.ndraws < 1)
    throw new Error(`ndraws must be a whole number >= 1, got ${sel.ndraws}`);
  const rng = Rng.forKey(sel.seed ?? 1, 0x5e1ec7);
  const idx = Int32Array.from({ length: S }, (_, i) => i);
  for (let i = 0; i < sel.ndraws; i++) {
    const j = i + rng.int(S - i);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx.slice(0, sel.ndraws).sort();
}

/** posterior_epred: one row per selected draw, one column per data row. */
export function posteriorEpred(src: PredictiveSource, options: PredictOptions = {}): Float64Array[] {
  const P = src.prepared.outputNames.length;
  return Array.from(selectDraws(src.chains, options), (s) =>
    expectedValue(src.prepared, drawAt(src.chains, s, P), options.newdata, { groups: options.groups }),
  );
}

/** posterior_predict: simulated responses, one row per selected draw. */
export function posteriorPredict(src: PredictiveSource, options: PredictOptions = {}): Float64Array[] {
  const P = src.prepared.outputNames.length;
  const rng = Rng.forKey(options.seed ?? 1, 0x9d1c7);
  return Array.from(selectDraws(src.chains, options), (s) =>
    predictDraw(src.prepared, drawAt(src.chains, s, P), rng, options.newdata, { groups: options.groups }),
  );
}

/** What pp_check overlays: the observed response and `ndraws` (default 10) predictive draws. */
export function ppCheckDraws(
  src: PredictiveSource,
  ndraws = 10,
  seed = 1,
): { y: Float64Array; yrep: Float64Array[] } {
  return { y: src.prepared.response.values, yrep: posteriorPredict(src, { ndraws, seed }) };
}

export interface ConditionalEffectRow {
  /** The predictor's value (numeric grid point or level label). */
  value: number | string | boolean;
  /** Median of posterior_epred (brms `estimate__`). */
  estimate: number;
  /** MAD of posterior_epred (brms `se__`). */
  se: number;
  /** 2.5% and 97.5% quantiles (brms `lower__`, `upper__`). */
  lower: number;
  upper: number;
}

export interface ConditionalEffect {
  variable: string;
  kind: 'numeric' | 'factor';
  /** Values the other predictors are held at (mean or reference level). */
  conditions: Record<string, number | string | boolean>;
  rows: ConditionalEffectRow[];
}

/**
 * brms's conditional_effects for one predictor: the expected outcome along it (100 points
 * for numeric predictors, every level for factors) with the others at their mean /
 * reference level and group effects off; estimate = median, 95% interval by quantiles.
 */
export function conditionalEffect(
  src: PredictiveSource,
  variable: string,
  options: DrawSelection & { resolution?: number } = {},
): ConditionalEffect {
  const grid = conditionalGrid(src.prepared, variable, options.resolution ?? 100);
  const epred = posteriorEpred(src, { ...options, newdata: grid, groups: false });
  const axis = grid[variable];
  const rows: ConditionalEffectRow[] = axis.map((value, i) => {
    const col = Float64Array.from(epred, (d) => d[i]);
    const [lower, estimate, upper] = quantiles(col, [0.025, 0.5, 0.975]);
    return { value, estimate, se: mad(col), lower, upper };
  });
  const conditions: Record<string, number | string | boolean> = {};
  for (const [k, v] of Object.entries(grid)) if (k !== variable) conditions[k] = v[0];
  const spec = src.prepared.predictors.find((p) => p.name === variable)!;
  return { variable, kind: spec.kind, conditions, rows };
}

/** Conditional effects of every population-level predictor, in formula order. */
export function conditionalEffects(
  src: PredictiveSource,
  options: DrawSelection & { resolution?: number } = {},
): ConditionalEffect[] {
  return src.prepared.predictors.map((p) => conditionalEffect(src, p.name, options));
}
