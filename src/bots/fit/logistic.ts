/**
 * Ridge (L2-penalised) logistic regression, fitted by Newton's method.
 *
 * The objective is glmnet's with alpha = 0: mean log-loss + (lambda / 2) * |beta|^2 on
 * standardised columns, intercept unpenalised (Friedman, Hastie & Tibshirani 2010, J Stat
 * Softw 33(1)). Standardising first makes one lambda shrink every term alike whatever its
 * scale; the coefficients are returned on the original scale so the shipped model reads
 * raw term values. With a few dozen terms the Hessian is tiny, so exact Newton steps with
 * a Cholesky solve converge in a handful of iterations, and the penalty keeps the problem
 * strictly convex even when a rare flag separates the classes.
 */
import { cholesky } from '../../model/init/laplace';

export interface LogisticFit {
  intercept: number;
  /** One coefficient per column, original scale (0 for a constant column). */
  coefficients: number[];
  iterations: number;
}

export interface LogisticOptions {
  lambda: number;
  /** Per-row weights (default 1). */
  weights?: readonly number[];
  maxIterations?: number;
}

function solveCholesky(L: Float64Array, n: number, b: Float64Array): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * y[k];
    y[i] = s / L[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
    x[i] = s / L[i * n + i];
  }
  return x;
}

const sigmoid = (eta: number): number =>
  eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta));

/** Fits y ~ X (rows of numbers, no intercept column; y 0/1). */
export function fitLogistic(
  X: readonly (readonly number[])[],
  y: readonly number[],
  o: LogisticOptions,
): LogisticFit {
  const n = X.length;
  if (n === 0 || y.length !== n)
    throw new Error(`fitLogistic: need rows and one label per row (${n}, ${y.length})`);
  if (!(o.lambda >= 0)) throw new Error(`fitLogistic: lambda must be >= 0, got ${o.lambda}`);
  const p = X[0].length;
  const w = o.weights ?? new Array<number>(n).fill(1);
  const wsum = w.reduce((a, b) => a + b, 0);
  const mean = new Array<number>(p).fill(0);
  const sd = new Array<number>(p).fill(0);
  for (let j = 0; j < p; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += w[i] * X[i][j];
    m /= wsum;
    let v = 0;
    for (let i = 0; i < n; i++) v += w[i] * (X[i][j] - m) ** 2;
    mean[j] = m;
    sd[j] = Math.sqrt(v / wsum);
  }
  const active = [...Array(p).keys()].filter((j) => sd[j] > 1e-12);
  const q = active.length + 1; // intercept first
  const Z = X.map((row) => [1, ...active.map((j) => (row[j] - mean[j]) / sd[j])]);
  const beta = new Float64Array(q);
  const ybar = y.reduce((a, v, i) => a + w[i] * v, 0) / wsum;
  beta[0] = Math.log(Math.max(1e-6, ybar) / Math.max(1e-6, 1 - ybar));
  const objective = (b: Float64Array): number => {
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let eta = 0;
      for (let k = 0; k < q; k++) eta += b[k] * Z[i][k];
      // log(1 + e^eta) - y * eta, computed without overflow
      loss += w[i] * (Math.max(eta, 0) + Math.log1p(Math.exp(-Math.abs(eta))) - y[i] * eta);
    }
    let pen = 0;
    for (let k = 1; k < q; k++) pen += b[k] * b[k];
    return loss / wsum + 0.5 * o.lambda * pen;
  };
  const maxIt = o.maxIterations ?? 100;
  let it = 0;
  for (; it < maxIt; it++) {
    const g = new Float64Array(q);
    const H = new Float64Array(q * q);
    for (let i = 0; i < n; i++) {
      const z = Z[i];
      let eta = 0;
      for (let k = 0; k < q; k++) eta += beta[k] * z[k];
      const mu = sigmoid(eta);
      const r = (w[i] * (y[i] - mu)) / wsum;
      const h = (w[i] * mu * (1 - mu)) / wsum;
      for (let a = 0; a < q; a++) {
        g[a] += r * z[a];
        const hz = h * z[a];
        for (let b = 0; b <= a; b++) H[a * q + b] += hz * z[b];
      }
    }
    for (let a = 1; a < q; a++) {
      g[a] -= o.lambda * beta[a];
      H[a * q + a] += o.lambda;
    }
    for (let a = 0; a < q; a++) for (let b = 0; b < a; b++) H[b * q + a] = H[a * q + b];
    // A tiny ridge on the intercept only guards the unpenalised fit (lambda = 0) of separable data.
    H[0] += 1e-10;
    const L = cholesky(H, q);
    if (!L) throw new Error('fitLogistic: the Hessian is not positive definite (use lambda > 0)');
    const step = solveCholesky(L, q, g);
    // Halve the Newton step until the penalised loss does not rise (rarely needed).
    const before = objective(beta);
    let scale = 1;
    const trial = new Float64Array(q);
    for (; scale > 1e-6; scale /= 2) {
      for (let k = 0; k < q; k++) trial[k] = beta[k] + scale * step[k];
      if (objective(trial) <= before + 1e-12) break;
    }
    let maxStep = 0;
    for (let k = 0; k < q; k++) {
      maxStep = Math.max(maxStep, Math.abs(trial[k] - beta[k]));
      beta[k] = trial[k];
    }
    if (maxStep < 1e-9) break;
  }
  const coefficients = new Array<number>(p).fill(0);
  let intercept = beta[0];
  active.forEach((j, k) => {
    coefficients[j] = beta[k + 1] / sd[j];
    intercept -= (beta[k + 1] * mean[j]) / sd[j];
  });
  return { intercept, coefficients, iterations: it + 1 };
}

/** Linear predictor (log-odds) of one row. */
export function logisticLink(
  fit: Pick<LogisticFit, 'intercept' | 'coefficients'>,
  row: readonly number[],
): number {
  let eta = fit.intercept;
  for (let j = 0; j < row.length; j++) eta += fit.coefficients[j] * row[j];
  return eta;
}

export function logisticProbability(
  fit: Pick<LogisticFit, 'intercept' | 'coefficients'>,
  row: readonly number[],
): number {
  return sigmoid(logisticLink(fit, row));
}

export { sigmoid };
