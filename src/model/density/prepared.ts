import type { CellData } from '../design/cells';
import type { DesignCoding } from '../design/coding';
import type { FamilyName } from '../families/spec';
import type { ResolvedPriors } from '../priors/resolve';

/** A grouping factor of one or more group-level terms. */
export interface PreparedGroup {
  name: string;
  /** Level labels in R's order (as the data has them). */
  levels: string[];
  /** Levels as brms writes them inside `r_<g>[<level>,<coef>]` (whitespace → "."). */
  outputLevels: string[];
}

/**
 * One group-level term `(lhs | g)` / `(lhs || g)`: a block of M coefficients per level of
 * its grouping factor, r_l = diag(sd) L z_l with L the Cholesky factor of the block's
 * correlation matrix (the identity without correlations).
 */
export interface PreparedTerm {
  /** Index into PreparedModel.groups. */
  group: number;
  groupName: string;
  /** brms's coefficient names: "Intercept" first when the term has one, then lhs columns. */
  coefs: string[];
  intercept: boolean;
  /** Whether the block has correlation parameters (correlated and M ≥ 2). */
  correlated: boolean;
  /** How lhs terms (without the intercept) map to the slope columns, for new data. */
  coding: DesignCoding;
  /** First column of this term's slopes in `cells.slopes` (one per non-intercept coefficient). */
  slopeOffset: number;
  /** The term as written, e.g. "(1 + Days | Subject)". */
  text: string;
}

/** Summary of a population-level predictor (for conditional effects and messages). */
export type PredictorSummary =
  | { name: string; kind: 'numeric'; mean: number; min: number; max: number }
  | { name: string; kind: 'factor'; levels: string[] };

/** Where one group-level term lives in θ and in the outputs. */
export interface BlockLayout {
  /** θ index of the first of its M log sd. */
  logSd: number;
  /** θ start of its M(M−1)/2 unconstrained canonical partial correlations, -1 without. */
  cpc: number;
  /** θ start of its J × M values, level-major (z, or r when centered). */
  z: number;
  /** Levels J and coefficients M. */
  levels: number;
  coefs: number;
  /** Output start of its sd, cor (M(M−1)/2, -1 without) and r (coefficient-major, as brms) entries. */
  outSd: number;
  outCor: number;
  outR: number;
}

/**
 * Where each block lives: in the unconstrained vector θ (the sampler's space) and in
 * the reported output vector (outputNames order). -1 means absent.
 *
 *   θ:       [Intercept] b… log sd… [log shape | log sigma] [logit zi | logit hu] cpc… z-blocks…
 *   outputs: [b_Intercept] b_… sd_… cor_… [shape | sigma] [zi | hu] r_…
 */
export interface ParameterLayout {
  dim: number;
  nOutputs: number;
  /** θ index of the centered Intercept. */
  intercept: number;
  /** θ start of b (K entries). */
  b: number;
  /** θ start of the log sd (one per group-level coefficient, terms in order). */
  logSd: number;
  /** θ index of log shape / log sigma. */
  logAux: number;
  /** θ index of logit zi / logit hu. */
  logitMix: number;
  /** θ start of each term's z block (r block when the term is centered). */
  z: number[];
  /**
   * Per term: true when θ holds r itself (centered, r ~ MVN(0, Σ)) instead of brms's
   * non-centered z (r = diag(sd) L z). Same posterior; different geometry for the sampler.
   */
  centered: boolean[];
  blocks: BlockLayout[];
  out: {
    /** Output index of b_Intercept (de-centered). */
    intercept: number;
    b: number;
    sd: number;
    cor: number;
    aux: number;
    mix: number;
    /** Output start of each term's r block. */
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
  version: 2;
  formula: string;
  family: FamilyName;
  link: 'log' | 'identity' | 'logit';
  nRows: number;
  response: { name: string; values: Float64Array };
  /** Whether the model has brms's centred intercept (not `0 +` / `- 1`). */
  intercept: boolean;
  /** `0 + Intercept`: an uncentred intercept column in the design (coefficient b_Intercept). */
  interceptTerm: boolean;
  /** How formula terms map to columns (rebuilds designs for new data). */
  coding: DesignCoding;
  /** brms's coefficient names, e.g. `zBase:Trt1` (output names are `b_` + these). */
  termNames: string[];
  /** Column means of the design (brms's `means_X`): η = (Intercept − means·b) + x·b. */
  means: Float64Array;
  predictors: PredictorSummary[];
  groups: PreparedGroup[];
  /** Group-level terms (one per `(… | g)`), in formula order. */
  terms: PreparedTerm[];
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
