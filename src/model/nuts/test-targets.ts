/**
 * Log densities with known answers, used by the sampler's tests and benchmarks. They are
 * in src (not test/) because worker threads load them by module path, exactly as they
 * load the real model factory (`require(module)[exportName](payload)`).
 */
import type { CompiledModel } from '../types';

function names(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}[${i + 1}]`);
}

function identityModel(
  dim: number,
  outputNames: string[],
  logDensityGradient: (theta: Float64Array, grad: Float64Array) => number,
): CompiledModel {
  return {
    dim,
    unconstrainedNames: outputNames,
    outputNames,
    logDensityGradient,
    constrain(theta, out) {
      out.set(theta);
    },
  };
}

/** Cholesky factor (lower) of a symmetric positive-definite matrix; throws if it is not. */
function cholesky(a: number[][]): number[][] {
  const n = a.length;
  const l = a.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      if (i === j) {
        if (!(s > 0)) throw new Error('gaussianTarget: cov must be symmetric positive definite');
        l[i][i] = Math.sqrt(s);
      } else {
        l[i][j] = s / l[j][j];
      }
    }
  }
  return l;
}

/** Inverse of an SPD matrix through its Cholesky factor (small test matrices only). */
function spdInverse(a: number[][]): Float64Array {
  const n = a.length;
  const l = cholesky(a);
  const inv = new Float64Array(n * n);
  const col = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    // Solve L y = e_c, then Lᵀ x = y.
    for (let i = 0; i < n; i++) {
      let s = i === c ? 1 : 0;
      for (let k = 0; k < i; k++) s -= l[i][k] * col[k];
      col[i] = s / l[i][i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = col[i];
      for (let k = i + 1; k < n; k++) s -= l[k][i] * col[k];
      col[i] = s / l[i][i];
    }
    for (let i = 0; i < n; i++) inv[i * n + c] = col[i];
  }
  return inv;
}

export interface GaussianPayload {
  mean: number[];
  cov: number[][];
}

/** Multivariate normal N(mean, cov): log p = −½ (x−m)ᵀ Σ⁻¹ (x−m). */
export function gaussianTarget(payload: GaussianPayload): CompiledModel {
  const n = payload.mean.length;
  if (payload.cov.length !== n || payload.cov.some((r) => r.length !== n)) {
    throw new Error(`gaussianTarget: cov must be ${n} × ${n}`);
  }
  const mean = Float64Array.from(payload.mean);
  const prec = spdInverse(payload.cov);
  const d = new Float64Array(n);
  return identityModel(n, names('x', n), (theta, grad) => {
    for (let i = 0; i < n; i++) d[i] = theta[i] - mean[i];
    let quad = 0;
    for (let i = 0; i < n; i++) {
      let g = 0;
      for (let j = 0; j < n; j++) g += prec[i * n + j] * d[j];
      grad[i] = -g;
      quad += d[i] * g;
    }
    return -0.5 * quad;
  });
}

/** Independent standard normals: the cheapest target, for measuring sampler overhead. */
export function standardNormalTarget(payload: { dim: number }): CompiledModel {
  const n = payload.dim;
  return identityModel(n, names('x', n), (theta, grad) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      s += theta[i] * theta[i];
      grad[i] = -theta[i];
    }
    return -0.5 * s;
  });
}

/**
 * Neal's funnel: v ~ N(0, 3²), x_i | v ~ N(0, e^v), i = 1..dim−1. Its neck has curvature
 * no single step size fits, so NUTS must report divergences there.
 */
export function funnelTarget(payload: { dim: number }): CompiledModel {
  const n = payload.dim;
  if (!(n >= 2)) throw new Error('funnelTarget: dim must be >= 2');
  const out = ['v', ...names('x', n - 1)];
  return identityModel(n, out, (theta, grad) => {
    const v = theta[0];
    const ev = Math.exp(-v);
    let ss = 0;
    for (let i = 1; i < n; i++) {
      ss += theta[i] * theta[i];
      grad[i] = -theta[i] * ev;
    }
    grad[0] = -v / 9 + 0.5 * ss * ev - 0.5 * (n - 1);
    return -(v * v) / 18 - 0.5 * ss * ev - 0.5 * (n - 1) * v;
  });
}

export interface PoissonGammaPayload {
  /** Gamma(shape a, rate b) prior on the Poisson rate λ. */
  a: number;
  b: number;
  y: number[];
}

/**
 * Conjugate gamma–Poisson sampled on u = log λ, with the Jacobian e^u:
 * log p(u) = (a + Σy) u − (b + n) e^u; the posterior of λ is Gamma(a + Σy, b + n).
 * The reported parameter is λ (through `constrain`), as a brms shape would be.
 */
export function poissonGammaTarget(payload: PoissonGammaPayload): CompiledModel {
  const shape = payload.a + payload.y.reduce((s, v) => s + v, 0);
  const rate = payload.b + payload.y.length;
  return {
    dim: 1,
    unconstrainedNames: ['log_lambda'],
    outputNames: ['lambda'],
    logDensityGradient(theta, grad) {
      const e = Math.exp(theta[0]);
      grad[0] = shape - rate * e;
      return shape * theta[0] - rate * e;
    },
    constrain(theta, out) {
      out[0] = Math.exp(theta[0]);
    },
  };
}

/** A factory that fails, to check that worker errors surface with their message. */
export function failingFactory(payload: { message: string }): CompiledModel {
  throw new Error(payload.message);
}

/** A density that throws after `after` evaluations (an error in the middle of sampling). */
export function failingDensityTarget(payload: { after: number; message: string }): CompiledModel {
  let calls = 0;
  return identityModel(1, ['x'], (theta, grad) => {
    if (++calls > payload.after) throw new Error(payload.message);
    grad[0] = -theta[0];
    return -0.5 * theta[0] * theta[0];
  });
}

/** A density that is −∞ everywhere: initialisation must fail with a clear message. */
export function impossibleTarget(): CompiledModel {
  return identityModel(2, ['x[1]', 'x[2]'], (_theta, grad) => {
    grad.fill(0);
    return -Infinity;
  });
}
