import type { CellData } from '../design/cells';
import type { DesignCoding } from '../design/coding';
import type { FamilyName } from '../families/spec';
import type { ResolvedPriors } from '../priors/resolve';

/** A grouping factor of a (1 | g) term. */
export interface PreparedGroup {
  name: string;
  /** Level labels in R's order (as the data has them). */
  levels: string[];
  /** Levels as brms writes them inside `r_<g>[<level>,Intercept]` (whitespace → "."). */
  outputLevels: string[];
}

/** Summary of a population-level predictor (for conditional effects and messages). */
export type PredictorSummary =
  | { name: string; kind: 'numeric'; mean: number; min: number; max: number }
  | { name: string; kind: 'factor'; levels: string[] };

/**
 * Where each block lives: in the unconstrained vector θ (the sampler's space) and in
 * the reported output vector (outputNames order). -1 means absent.
 */
export interface ParameterLayout {
  dim: number;
  nOutputs: number;
  /** θ index of the centered Intercept. */
  intercept: number;
  /** θ start of b (K entries). */
  b: number;
  /** θ start of log sd (one per group). */
  logSd: number;
  /** θ index of log shape / log sigma. */
  logAux: number;
  /** θ start of each group's z block (r block when the group is centered). */
  z: number[];
  /**
   * Per group: true when θ holds r itself (centered, r ~ normal(0, sd)) instead of brms's
   * non-centered z (r = sd·z). Same posterior; different geometry for the sampler.
   */
  centered: boolean[];
  out: {
    /** Output index of b_Intercept (de-centered). */
    intercept: number;
    b: number;
    sd: number;
    aux: number;
    /** Output start of each group's r block. */
    r: number[];
  };
}

/**
 * Everything the density, the sampler's workers and the result helpers need: plain,
 * structured-cloneable data (typed arrays — on SharedArrayBuffer when `shared` — strings,
 * numbers, plain objects). Produced only by `prepareModel`, where all validation happens.
 */
export interface PreparedModel {
  kind: 'prepared-model';
  version: 1;
  formula: string;
  family: FamilyName;
  link: 'log' | 'identity' | 'logit';
  nRows: number;
  response: { name: string; values: Float64Array };
  /** Whether the model has an intercept (not `0 +` / `- 1`). */
  intercept: boolean;
  /** How formula terms map to columns (rebuilds designs for new data). */
  coding: DesignCoding;
  /** brms's coefficient names, e.g. `zBase:Trt1` (output names are `b_` + these). */
  termNames: string[];
  /** Column means of the design (brms's `means_X`): η = (Intercept − means·b) + x·b. */
  means: Float64Array;
  predictors: PredictorSummary[];
  groups: PreparedGroup[];
  /** The (possibly compressed) likelihood data; `cells.rowCell` maps rows to cells. */
  cells: CellData;
  /** Distinct positive y with counts (negbinomial's lgamma terms), else empty arrays. */
  yHistogram: { values: Float64Array; counts: Float64Array };
  totals: { n: number; sumY: number };
  compression: { rows: number; cells: number; ratio: number; used: boolean; mode: 'auto' | 'on' | 'off' };
  priors: ResolvedPriors;
  layout: ParameterLayout;
  unconstrainedNames: string[];
  outputNames: string[];
}
