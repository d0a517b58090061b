/**
 * Limited-memory BFGS ascent to a mode of a LogDensity (Nocedal & Wright, Numerical
 * Optimization, 2nd ed., algorithm 7.4 two-loop recursion + 7.5 with a backtracking
 * Armijo line search). Used only to place warmup's starting points (init/laplace.ts), so
 * it stops as soon as the log density stops improving by more than `tolLogp`: an exact
 * optimum buys nothing there.
 */
import type { LogDensity } from '../types';

export interface LbfgsOptions {
  /** Stop when the last `patience` iterations each improved log p by less than this (default 1e-4). */
  tolLogp?: number;
  patience?: number;
  /** Gradient evaluations allowed (default 2000). */
  maxEvaluations?: number;
  /** Pairs of (step, gradient change) remembered (default 10). */
  history?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  logp: number;
  grad: Float64Array;
  iterations: number;
  evaluations: number;
  /** Why it stopped: converged, out of evaluations, or the line search found no ascent. */
  stop: 'converged' | 'max-evaluations' | 'line-search';
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

export function lbfgsMaximize(
  density: LogDensity,
  start: ArrayLike<number>,
  o: LbfgsOptions = {},
): LbfgsResult {
  const n = density.dim;
  const tol = o.tolLogp ?? 1e-4;
  const patience = o.patience ?? 3;
  const maxEval = o.maxEvaluations ?? 2000;
  const m = o.history ?? 10;
  let evaluations = 0;
  const evalAt = (x: Float64Array, g: Float64Array): number => {
    evaluations++;
    // Minimise f = −log p: g holds ∇f.
    const lp = density.logDensityGradient(x, g);
    for (let i = 0; i < n; i++) g[i] = -g[i];
    return Number.isFinite(lp) ? -lp : Infinity;
  };

  let x = Float64Array.from(start);
  let g = new Float64Array(n);
  let f = evalAt(x, g);
  if (!Number.isFinite(f))
    throw new Error('lbfgsMaximize: the log density is not finite at the starting point');
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(m);
  const d = new Float64Array(n);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  let small = 0;
  let iterations = 0;
  let stop: LbfgsResult['stop'] = 'max-evaluations';

  while (evaluations < maxEval) {
    iterations++;
    // Two-loop recursion: d = −H·g.
    for (let i = 0; i < n; i++) d[i] = -g[i];
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(S[k], d);
      const y = Y[k];
      for (let i = 0; i < n; i++) d[i] -= alpha[k] * y[i];
    }
    const gamma = S.length
      ? dot(S[S.length - 1], Y[Y.length - 1]) / dot(Y[Y.length - 1], Y[Y.length - 1])
      : 1 / Math.max(1, Math.sqrt(dot(g, g)));
    for (let i = 0; i < n; i++) d[i] *= gamma;
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k] * dot(Y[k], d);
      const s = S[k];
      for (let i = 0; i < n; i++) d[i] += s[i] * (alpha[k] - beta);
    }
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (curvature information gone stale): steepest descent.
      for (let i = 0; i < n; i++) d[i] = -g[i] * gamma;
      slope = dot(g, d);
      S.length = Y.length = rho.length = 0;
    }
    // Backtracking Armijo line search from the full quasi-Newton step.
    let t = 1;
    let fNew = Infinity;
    let accepted = false;
    for (let tries = 0; tries < 40 && evaluations < maxEval; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + t * d[i];
      fNew = evalAt(xNew, gNew);
      if (fNew <= f + 1e-4 * t * slope) {
        accepted = true;
        break;
      }
      t *= 0.25;
    }
    if (!accepted) {
      stop = evaluations >= maxEval ? 'max-evaluations' : 'line-search';
      break;
    }
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const improvement = f - fNew;
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    f = fNew;
    small = improvement < tol ? small + 1 : 0;
    if (small >= patience) {
      stop = 'converged';
      break;
    }
  }
  for (let i = 0; i < n; i++) g[i] = -g[i];
  return { x, logp: -f, grad: g, iterations, evaluations, stop };
}
