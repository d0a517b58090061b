/**
 * A Laplace approximation of the posterior in the sampler's unconstrained space: the mode
 * (lbfgs.ts) and the Hessian of −log p there, by central differences of the exact gradient
 * (2·dim gradient evaluations). It only shapes warmup's start (starts.ts): the sampled
 * posterior is the model's own, whatever this approximation gets wrong.
 */
import type { LogDensity } from '../types';
import { lbfgsMaximize, type LbfgsOptions } from './lbfgs';
import { covarianceFactor, sparsePrecisionFactor, type SparseFactor } from './whiten';

export interface LaplaceApproximation {
  mode: Float64Array;
  logpAtMode: number;
  /** Lower Cholesky factor R of the precision H = −∇² log p (row-major, dim × dim): H = R Rᵀ. */
  precisionCholesky: Float64Array;
  /** Upper-triangular C (row-major) with C Cᵀ = H⁻¹: whitened → model coordinates (whiten.ts). */
  covarianceFactor: Float64Array;
  /** Diagonal of H⁻¹: the approximation's marginal variances. */
  variances: Float64Array;
  /** The precision's Cholesky factor in a fill-reducing order, as its non-zeros (whiten.ts). */
  sparseFactor: SparseFactor | null;
  /** Gradient evaluations spent (optimisation + Hessian). */
  evaluations: number;
  optimizer: { iterations: number; stop: string };
}

/** Hessians of larger models cost dim² memory and 2·dim gradients: callers fall back to random inits. */
export const LAPLACE_MAX_DIM = 1500;

/** −∇² log p at x by central differences of the gradient, symmetrised. Row-major dim × dim. */
export function negativeHessian(density: LogDensity, x: Float64Array): Float64Array {
  const n = density.dim;
  const H = new Float64Array(n * n);
  const xp = Float64Array.from(x);
  const gPlus = new Float64Array(n);
  const gMinus = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const h = 1e-5 * Math.max(1, Math.abs(x[j]));
    xp[j] = x[j] + h;
    density.logDensityGradient(xp, gPlus);
    xp[j] = x[j] - h;
    density.logDensityGradient(xp, gMinus);
    xp[j] = x[j];
    for (let i = 0; i < n; i++) H[i * n + j] = -(gPlus[i] - gMinus[i]) / (2 * h);
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const v = 0.5 * (H[i * n + j] + H[j * n + i]);
      H[i * n + j] = v;
      H[j * n + i] = v;
    }
  }
  return H;
}

/** Lower Cholesky factor of a symmetric matrix, or null if it is not positive definite. */
export function cholesky(A: Float64Array, n: number): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let s = A[j * n + j];
    for (let k = 0; k < j; k++) s -= L[j * n + k] * L[j * n + k];
    if (!(s > 0) || !Number.isFinite(s)) return null;
    const d = Math.sqrt(s);
    L[j * n + j] = d;
    for (let i = j + 1; i < n; i++) {
      let t = A[i * n + j];
      for (let k = 0; k < j; k++) t -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = t / d;
    }
  }
  return L;
}

/** The mode from `start` and the Hessian there; null when the Hessian is not positive definite (no proper local mode). */
export function laplaceApproximation(
  density: LogDensity,
  start: ArrayLike<number>,
  o: LbfgsOptions = {},
): LaplaceApproximation | null {
  const n = density.dim;
  const opt = lbfgsMaximize(density, start, o);
  const H = negativeHessian(density, opt.x);
  const R = cholesky(H, n);
  if (!R) return null;
  const C = covarianceFactor(R, n);
  const variances = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let j = i; j < n; j++) v += C[i * n + j] * C[i * n + j];
    variances[i] = v;
  }
  return {
    mode: opt.x,
    logpAtMode: opt.logp,
    precisionCholesky: R,
    covarianceFactor: C,
    variances,
    sparseFactor: sparsePrecisionFactor(H, n),
    evaluations: opt.evaluations + 2 * n,
    optimizer: { iterations: opt.iterations, stop: opt.stop },
  };
}
