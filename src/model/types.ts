/**
 * Contracts between the pieces of the model engine:
 *
 *   formula + data ──(design/, priors/)──► PreparedModel (plain, transferable data)
 *   PreparedModel ──(density/)──► CompiledModel (log density + gradient + constrain)
 *   CompiledModel ──(nuts/, sampler/)──► ChainResult[] (one per chain, on worker threads)
 *   ChainResult[] ──(diagnostics/, summary/)──► brms-style summary, JSON, tables
 *
 * A PreparedModel crosses the worker boundary, so it holds only structured-cloneable
 * values (typed arrays — ideally on SharedArrayBuffer — numbers, strings, plain objects).
 */

/** A differentiable log density on R^dim: all NUTS needs. */
export interface LogDensity {
  readonly dim: number;
  /**
   * log p(theta) up to an additive constant, Jacobians of the constraining transforms
   * included. Writes the gradient into `grad` (length dim) and returns the log density.
   * May return -Infinity or NaN where the density is undefined; NUTS treats that as a
   * divergence.
   */
  logDensityGradient(theta: Float64Array, grad: Float64Array): number;
}

/** A log density plus the map from the sampler's space to the reported parameters. */
export interface CompiledModel extends LogDensity {
  /** Names of the unconstrained coordinates, e.g. "Intercept", "b[1]", "log_shape", "z_first_name[3]". */
  readonly unconstrainedNames: readonly string[];
  /**
   * Reported parameters, named as brms names its draws, in this order:
   * b_Intercept, b_<term>…, sd_<group>__<coef>…, cor_<group>__<coef>__<coef>…, shape | sigma,
   * zi | hu, then r_<group>[<level>,<coef>]… (docs/model-engine.md, "brms defaults").
   */
  readonly outputNames: readonly string[];
  /** Writes the reported parameters at `theta` into `out` (length outputNames.length). */
  constrain(theta: Float64Array, out: Float64Array): void;
}

/**
 * How a worker rebuilds a CompiledModel: `require(module)[exportName](payload)`.
 * `module` is an absolute path to compiled JS; `payload` is structured-cloneable.
 */
export interface ModelFactoryRef {
  module: string;
  exportName: string;
  payload: unknown;
}

export interface SamplerSettings {
  /** Total iterations per chain, warmup included (brms `iter`, default 2000). */
  iter: number;
  /** Warmup iterations (default floor(iter / 2)). */
  warmup: number;
  /** Thinning of saved draws (default 1). */
  thin: number;
  /** Target acceptance statistic (default 0.8). */
  adaptDelta: number;
  /** Maximum tree depth (default 10). */
  maxTreedepth: number;
  /** Base seed; chain k uses an independent stream derived from (seed, k). */
  seed: number;
  /** Inits are uniform(-initRadius, initRadius) on the unconstrained scale (default 2). */
  initRadius: number;
}

/** Per-iteration sampler diagnostics, saved draws only (as Stan's `__` columns). */
export interface SamplerStats {
  lp: Float64Array;
  acceptStat: Float64Array;
  stepsize: Float64Array;
  treedepth: Int32Array;
  nLeapfrog: Int32Array;
  divergent: Uint8Array;
  energy: Float64Array;
}

export interface ChainResult {
  chain: number;
  /** Saved draws of the reported parameters: row-major, nDraws × outputNames.length. */
  draws: Float64Array;
  nDraws: number;
  stats: SamplerStats;
  /** Adapted step size and inverse metric (diagonal) at the end of warmup. */
  stepSize: number;
  invMetric: Float64Array;
  /** Divergences during warmup (not counted in the diagnostics, reported apart). */
  warmupDivergences: number;
  /** Gradient evaluations, warmup + sampling. */
  gradientEvaluations: number;
  timings: { warmupSeconds: number; samplingSeconds: number };
}

/** Progress message a running chain sends (for progress bars in the CLI and notebooks). */
export interface ChainProgress {
  chain: number;
  iteration: number;
  iter: number;
  warmup: boolean;
  divergences: number;
  elapsedSeconds: number;
}
