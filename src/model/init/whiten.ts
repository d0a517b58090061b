/**
 * The model in Laplace-whitened coordinates: q = mode + C u with C Cᵀ = H⁻¹ (C upper
 * triangular, C = R⁻ᵀ for the precision's Cholesky factor R). A linear change of variables
 * has a constant Jacobian, so the posterior — and every draw reported through `constrain` —
 * is the model's own; only the geometry NUTS sees changes: where the approximation is good
 * the coordinates u are uncorrelated with unit scale, which is what Stan's diagonal metric
 * adaptation (docs/model-engine.md) can then fine-tune. At 2.1M rows the follower model's
 * intercept and its 300 name effects are strongly correlated; a diagonal metric alone
 * needs 63–127 leapfrog steps per iteration there (bench/model/warmup-trace.ts).
 *
 * Cost per gradient: two triangular matrix-vector products, dim² multiply-adds (0.1 ms at
 * dim 314, vs 4 ms for the 2.1M-row gradient).
 */
import type { CompiledModel } from '../types';

/** The affine map from whitened to model coordinates (structured-cloneable: crosses to the workers). */
export interface Preconditioner {
  shift: Float64Array;
  /** Upper-triangular C (row-major dim × dim) with C Cᵀ = the Laplace covariance. */
  factor: Float64Array;
}

/** C = R⁻ᵀ from the lower Cholesky factor R of the precision: solves Rᵀ C = I column by column. */
export function covarianceFactor(R: Float64Array, n: number): Float64Array {
  const C = new Float64Array(n * n);
  for (let col = 0; col < n; col++) {
    // Rᵀ is upper triangular: back substitution for column `col` (zero below the diagonal).
    for (let i = col; i >= 0; i--) {
      let s = i === col ? 1 : 0;
      for (let k = i + 1; k <= col; k++) s -= R[k * n + i] * C[k * n + col];
      C[i * n + col] = s / R[i * n + i];
    }
  }
  return C;
}

/** q = shift + C u. */
export function toModelCoordinates(p: Preconditioner, u: ArrayLike<number>, q: Float64Array): void {
  const n = q.length;
  const C = p.factor;
  for (let i = 0; i < n; i++) {
    let s = p.shift[i];
    const row = i * n;
    for (let j = i; j < n; j++) s += C[row + j] * u[j];
    q[i] = s;
  }
}

export class WhitenedModel implements CompiledModel {
  readonly dim: number;
  readonly unconstrainedNames: readonly string[];
  readonly outputNames: readonly string[];
  private readonly q: Float64Array;
  private readonly gq: Float64Array;

  constructor(
    private readonly inner: CompiledModel,
    private readonly p: Preconditioner,
  ) {
    const n = inner.dim;
    if (p.shift.length !== n || p.factor.length !== n * n) {
      throw new Error(
        `WhitenedModel: the preconditioner is for dimension ${p.shift.length}, the model has ${n}`,
      );
    }
    this.dim = n;
    this.unconstrainedNames = inner.unconstrainedNames.map((name) => `whitened(${name})`);
    this.outputNames = inner.outputNames;
    this.q = new Float64Array(n);
    this.gq = new Float64Array(n);
  }

  logDensityGradient(u: Float64Array, grad: Float64Array): number {
    const { q, gq } = this;
    const n = this.dim;
    const C = this.p.factor;
    toModelCoordinates(this.p, u, q);
    const lp = this.inner.logDensityGradient(q, gq);
    // ∇u = Cᵀ ∇q, accumulated row by row (C is stored row-major).
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      const g = gq[i];
      if (g === 0) continue;
      const row = i * n;
      for (let j = i; j < n; j++) grad[j] += C[row + j] * g;
    }
    return lp;
  }

  constrain(u: Float64Array, out: Float64Array): void {
    toModelCoordinates(this.p, u, this.q);
    this.inner.constrain(this.q, out);
  }
}
