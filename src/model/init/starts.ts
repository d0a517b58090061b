/**
 * Where warmup starts. Stan draws inits uniformly on (−2, 2) and starts from a unit metric;
 * at the study's size (2.1M rows) the first hundred warmup iterations then crawl through
 * the transient with step sizes near 1e-4 (bench/model/warmup-trace.ts), and even from the
 * mode a diagonal metric needs 63–127 steps per iteration. Instead:
 *
 * - the chains sample in the coordinates the Laplace approximation whitens (whiten.ts): a
 *   linear change of variables, so the posterior is unchanged, with Stan's unit initial
 *   metric and full windowed adaptation on top;
 * - they start, as Gelman & Rubin (1992) recommend, from an overdispersed version of that
 *   normal approximation: N(mode, INIT_SCALE² H⁻¹), i.e. u ~ N(0, INIT_SCALE² I)
 *   (cmdstanr likewise takes inits from a Laplace or Pathfinder fit).
 *
 * Only where the approximation fits: the spread of log importance weights
 * log p(q) − log N(q | mode, H⁻¹) over draws from the approximation (the check behind
 * Stan's Laplace sampling and PSIS) must stay small. Measured on the follower model: sd
 * 0.5–2.9 for centered group effects (1.5k–50k rows), 560–2000 for non-centered ones, whose
 * joint mode sits far from the posterior mass (funnel); there whitening made warmup slower
 * and divergent, so the caller falls back to Stan's random inits.
 */
import type { CompiledModel } from '../types';
import { Rng } from '../../util/rng';
import type { ChainStart } from '../nuts/chain';
import { LAPLACE_MAX_DIM, laplaceApproximation, type LaplaceApproximation } from './laplace';
import { WhitenedModel, type Preconditioner } from './whiten';

/** Overdispersion of the starting points: standard deviations × 2 (variances × 4). */
export const INIT_SCALE = 2;
/** Largest accepted sd of the log importance weights (see above: good fits 0.5–2.9, poor ones ≥ 500). */
export const LAPLACE_MAX_LOG_WEIGHT_SD = 10;
const CHECK_DRAWS = 32;
/** Separates the init draws' streams from the chains' own (Rng.forKey(seed, chain)). */
const INIT_STREAM = 0x1a9c3e57;

export interface LaplaceStarts {
  ok: true;
  preconditioner: Preconditioner;
  /** One per chain (chains numbered 1..chains), in whitened coordinates. */
  starts: ChainStart[];
  laplace: LaplaceApproximation;
  /** sd of the log importance weights of CHECK_DRAWS draws from the approximation. */
  logWeightSd: number;
  /** Gradient evaluations in all (optimisation, Hessian, check, starts). */
  evaluations: number;
}

export interface NoLaplaceStarts {
  ok: false;
  /** Why: said to the user next to the fit (Stan's random inits are used instead). */
  reason: string;
  evaluations: number;
}

/** sd of log p(mode + C u) − log p(mode) + |u|²/2 over u ~ N(0, I): 0 for an exactly normal posterior. */
function logWeightSd(whitened: WhitenedModel, logpAtMode: number, rng: Rng): number {
  const n = whitened.dim;
  const grad = new Float64Array(n);
  const lw: number[] = [];
  for (let k = 0; k < CHECK_DRAWS; k++) {
    const u = new Float64Array(n);
    let sq = 0;
    for (let i = 0; i < n; i++) {
      u[i] = rng.normal();
      sq += u[i] * u[i];
    }
    const lp = whitened.logDensityGradient(u, grad);
    if (!Number.isFinite(lp)) return Infinity;
    lw.push(lp - logpAtMode + sq / 2);
  }
  const mean = lw.reduce((a, b) => a + b, 0) / lw.length;
  return Math.sqrt(lw.reduce((a, b) => a + (b - mean) ** 2, 0) / (lw.length - 1));
}

/**
 * The Laplace preconditioner and one start per chain (the same seed → the same starts), or
 * why there is none (too many coordinates, no proper mode, or a poor fit): the caller then
 * uses Stan's random inits.
 */
export function laplaceStarts(
  model: CompiledModel,
  chains: number,
  seed: number,
): LaplaceStarts | NoLaplaceStarts {
  const n = model.dim;
  if (n > LAPLACE_MAX_DIM) {
    return {
      ok: false,
      evaluations: 0,
      reason: `the model has ${n} coordinates (the Laplace start handles at most ${LAPLACE_MAX_DIM})`,
    };
  }
  let laplace: LaplaceApproximation | null;
  try {
    laplace = laplaceApproximation(model, new Float64Array(n));
  } catch (e) {
    // e.g. a log density that is not finite at the origin: Stan's random inits retry elsewhere.
    return {
      ok: false,
      evaluations: 0,
      reason: `the mode search failed (${e instanceof Error ? e.message : String(e)})`,
    };
  }
  if (!laplace)
    return {
      ok: false,
      evaluations: 0,
      reason: 'no positive-definite Hessian at the optimum found (no proper posterior mode)',
    };
  const preconditioner: Preconditioner = laplace.sparseFactor
    ? { shift: laplace.mode, sparse: laplace.sparseFactor }
    : { shift: laplace.mode, factor: laplace.covarianceFactor };
  const whitened = new WhitenedModel(model, preconditioner);
  const sd = logWeightSd(whitened, laplace.logpAtMode, Rng.forKey(seed ^ INIT_STREAM, 0));
  let evaluations = laplace.evaluations + CHECK_DRAWS;
  if (!(sd <= LAPLACE_MAX_LOG_WEIGHT_SD)) {
    return {
      ok: false,
      evaluations,
      reason: `the posterior is far from normal around its mode (sd of log importance weights ${sd.toFixed(1)} > ${LAPLACE_MAX_LOG_WEIGHT_SD}; typical of non-centered group effects)`,
    };
  }
  const starts: ChainStart[] = [];
  const grad = new Float64Array(n);
  for (let chain = 1; chain <= chains; chain++) {
    const rng = Rng.forKey(seed ^ INIT_STREAM, chain);
    let u: Float64Array | null = null;
    // As Stan's inits: redraw while the density is not finite there (100 attempts), then
    // start at the mode itself.
    for (let attempt = 0; attempt < 100 && u === null; attempt++) {
      const z = new Float64Array(n);
      for (let i = 0; i < n; i++) z[i] = INIT_SCALE * rng.normal();
      const lp = whitened.logDensityGradient(z, grad);
      evaluations++;
      if (Number.isFinite(lp) && grad.every(Number.isFinite)) u = z;
    }
    starts.push({ init: u ?? new Float64Array(n) });
  }
  return { ok: true, preconditioner, starts, laplace, logWeightSd: sd, evaluations };
}
