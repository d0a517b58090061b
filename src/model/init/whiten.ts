/**
 * The model in Laplace-whitened coordinates: q = mode + C u with C Cᵀ = H⁻¹ (H the
 * precision at the mode). A linear change of variables has a constant Jacobian, so the
 * posterior — and every draw reported through `constrain` — is the model's own; only the
 * geometry NUTS sees changes: where the approximation is good the coordinates u are
 * uncorrelated with unit scale, which is what Stan's diagonal metric adaptation
 * (docs/model-engine.md) can then fine-tune. At 2.1M rows the follower model's intercept
 * and its 300 name effects are strongly correlated; a diagonal metric alone needs 63–127
 * leapfrog steps per iteration there (bench/model/warmup-trace.ts).
 *
 * Two forms of the same kind of map:
 * - dense (the readable one): C = R⁻ᵀ upper triangular for the Cholesky factor R of H; two
 *   triangular matrix-vector products per gradient, dim² multiply-adds;
 * - sparse (what warm starts use): H's coordinates permuted so that those coupled to few
 *   others come first (group levels: a level's effect meets the others only through the
 *   population-level coefficients and its sd), then R of the permuted H kept as its exact
 *   non-zeros, applied by triangular solves: q = mode + Pᵀ R⁻ᵀ u, ∇u = R⁻¹ P ∇q. For one
 *   grouping factor R has no fill-in (an arrowhead), so the cost drops from dim² to about
 *   dim · (number of population-level coordinates): 49k → 4.3k multiply-adds per product at
 *   the follower model's 314 coordinates, a fifth of the sampler's time saved at 50k rows.
 */
import type { CompiledModel } from '../types';

/** A lower-triangular matrix by rows: the off-diagonal non-zeros and the diagonal. */
export interface SparseFactor {
  /** Row i of R is row perm[i]'s coordinate of the model: q[perm[i]] = shift[perm[i]] + x[i]. */
  perm: Int32Array;
  /** Off-diagonal entries of row i are cols/vals[rowStart[i] .. rowStart[i + 1]), all with col < i. */
  rowStart: Int32Array;
  cols: Int32Array;
  vals: Float64Array;
  diag: Float64Array;
}

/** The affine map from whitened to model coordinates (structured-cloneable: crosses to the workers). */
export interface Preconditioner {
  shift: Float64Array;
  /** Dense form: upper-triangular C (row-major dim × dim) with C Cᵀ = the Laplace covariance. */
  factor?: Float64Array;
  /** Sparse form (used when present): R with R Rᵀ = P H Pᵀ. */
  sparse?: SparseFactor;
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

/**
 * The sparse factor of the precision H (row-major n × n, symmetric positive definite):
 * coordinates ordered by how many non-zeros their row of H has (fewest first, ties in
 * order), a dense Cholesky of the permuted matrix, and its non-zero entries. Exact zeros
 * of H — a level's effect against another level's, where no cell holds both — stay exact
 * zeros of R unless the elimination couples them (0 − Σ 0·x = 0). Null if H is not positive definite.
 */
export function sparsePrecisionFactor(H: Float64Array, n: number): SparseFactor | null {
  const nnz = new Int32Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (H[i * n + j] !== 0) nnz[i] += 1;
  const perm = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => nnz[a] - nnz[b] || a - b);
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) L[i * n + j] = H[perm[i] * n + perm[j]];
  // In-place Cholesky, column by column (left-looking); rows of L are read contiguously.
  for (let j = 0; j < n; j++) {
    let d = L[j * n + j];
    for (let k = 0; k < j; k++) d -= L[j * n + k] * L[j * n + k];
    if (!(d > 0) || !Number.isFinite(d)) return null;
    const djj = Math.sqrt(d);
    L[j * n + j] = djj;
    for (let i = j + 1; i < n; i++) {
      let t = L[i * n + j];
      for (let k = 0; k < j; k++) t -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = t / djj;
    }
  }
  const rowStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let j = 0; j < i; j++) if (L[i * n + j] !== 0) c++;
    rowStart[i + 1] = rowStart[i] + c;
  }
  const cols = new Int32Array(rowStart[n]);
  const vals = new Float64Array(rowStart[n]);
  const diag = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let at = rowStart[i];
    for (let j = 0; j < i; j++) {
      const v = L[i * n + j];
      if (v !== 0) {
        cols[at] = j;
        vals[at++] = v;
      }
    }
    diag[i] = L[i * n + i];
  }
  return { perm, rowStart, cols, vals, diag };
}

/** The dense C (row-major, not triangular in the model's order) of a sparse factor: Pᵀ R⁻ᵀ. */
export function denseFactorOf(f: SparseFactor): Float64Array {
  const n = f.diag.length;
  const C = new Float64Array(n * n);
  const u = new Float64Array(n);
  const q = new Float64Array(n);
  const zero = new Float64Array(n);
  for (let col = 0; col < n; col++) {
    u.fill(0);
    u[col] = 1;
    sparseToModel(f, zero, u, q, new Float64Array(n));
    for (let i = 0; i < n; i++) C[i * n + col] = q[i];
  }
  return C;
}

/** q = shift + Pᵀ x with Rᵀ x = u (back substitution, scattering each row of R). */
function sparseToModel(
  f: SparseFactor,
  shift: Float64Array,
  u: ArrayLike<number>,
  q: Float64Array,
  x: Float64Array,
): void {
  const { perm, rowStart, cols, vals, diag } = f;
  const n = diag.length;
  for (let i = 0; i < n; i++) x[i] = u[i];
  for (let i = n - 1; i >= 0; i--) {
    const xi = x[i] / diag[i];
    x[i] = xi;
    for (let k = rowStart[i]; k < rowStart[i + 1]; k++) x[cols[k]] -= vals[k] * xi;
  }
  for (let i = 0; i < n; i++) q[perm[i]] = shift[perm[i]] + x[i];
}

/** q = shift + C u (either form). */
export function toModelCoordinates(p: Preconditioner, u: ArrayLike<number>, q: Float64Array): void {
  const n = q.length;
  if (p.sparse) {
    sparseToModel(p.sparse, p.shift, u, q, new Float64Array(n));
    return;
  }
  const C = p.factor as Float64Array;
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
  private readonly x: Float64Array;

  constructor(
    private readonly inner: CompiledModel,
    private readonly p: Preconditioner,
  ) {
    const n = inner.dim;
    const sizeOk = p.sparse
      ? p.sparse.diag.length === n && p.sparse.perm.length === n
      : p.factor !== undefined && p.factor.length === n * n;
    if (p.shift.length !== n || !sizeOk) {
      throw new Error(
        `WhitenedModel: the preconditioner is for dimension ${p.shift.length}, the model has ${n}`,
      );
    }
    this.dim = n;
    this.unconstrainedNames = inner.unconstrainedNames.map((name) => `whitened(${name})`);
    this.outputNames = inner.outputNames;
    this.q = new Float64Array(n);
    this.gq = new Float64Array(n);
    this.x = new Float64Array(n);
  }

  logDensityGradient(u: Float64Array, grad: Float64Array): number {
    const { q, gq } = this;
    const n = this.dim;
    const f = this.p.sparse;
    if (f) {
      sparseToModel(f, this.p.shift, u, q, this.x);
      const lp = this.inner.logDensityGradient(q, gq);
      // ∇u = R⁻¹ P ∇q: forward substitution row by row.
      const { perm, rowStart, cols, vals, diag } = f;
      for (let i = 0; i < n; i++) {
        let s = gq[perm[i]];
        for (let k = rowStart[i]; k < rowStart[i + 1]; k++) s -= vals[k] * grad[cols[k]];
        grad[i] = s / diag[i];
      }
      return lp;
    }
    const C = this.p.factor as Float64Array;
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
    if (this.p.sparse) sparseToModel(this.p.sparse, this.p.shift, u, this.q, this.x);
    else toModelCoordinates(this.p, u, this.q);
    this.inner.constrain(this.q, out);
  }
}
