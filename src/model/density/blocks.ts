/**
 * Group-level terms in brms's parameterisation (docs/model-engine.md, "Varying slopes"):
 * per term, M coefficients per level l with
 *
 *   r_l = diag(sd) · L · z_l,  z_l ~ N(0, I)          (non-centered, as brms)
 *   r_l ~ MVN(0, Σ),  Σ = diag(sd) · L Lᵀ · diag(sd)   (centered: θ holds r itself)
 *
 * L is the Cholesky factor of the term's correlation matrix, built from M(M−1)/2
 * unconstrained values as Stan's `cholesky_factor_corr` does (canonical partial
 * correlations z = tanh(y), then the row-by-row construction), with its log-Jacobian and
 * brms's `lkj_corr_cholesky(η)` prior; the identity for one coefficient or `||`.
 * Every gradient is written by hand (reverse mode through the construction) and checked
 * against finite differences in the tests.
 */
import { logPrior, type PriorDist } from '../priors/dists';
import type { BlockLayout } from './prepared';

/** One term's workspace: allocated once per compiled model. */
export interface BlockState {
  readonly layout: BlockLayout;
  readonly centered: boolean;
  readonly correlated: boolean;
  /** LKJ shape η of the correlation prior (1 by default). */
  readonly eta: number;
  readonly sdPriors: readonly PriorDist[];
  /** Offset of this term's values in the model's r vector (level-major J × M). */
  readonly rStart: number;
  readonly sd: Float64Array;
  /** Row-major M × M lower-triangular Cholesky factor of the correlation matrix. */
  readonly L: Float64Array;
  /** tanh of the unconstrained CPCs. */
  readonly cpc: Float64Array;
  /** Adjoints of L and of A = diag(sd) L. */
  readonly gL: Float64Array;
  readonly gA: Float64Array;
  /** Per-level scratch (centered form: w = A⁻¹ r and u = A⁻ᵀ w). */
  readonly w: Float64Array;
  readonly u: Float64Array;
  /** Reverse-mode scratch of the correlation transform (running sums and CPC adjoints). */
  readonly sums: Float64Array;
  readonly gz: Float64Array;
  /** Log-Jacobian of the correlation transform at the last blockForward. */
  lpCorr: number;
}

export function blockState(
  layout: BlockLayout,
  centered: boolean,
  correlated: boolean,
  eta: number,
  sdPriors: readonly PriorDist[],
  rStart: number,
): BlockState {
  const M = layout.coefs;
  const L = new Float64Array(M * M);
  for (let i = 0; i < M; i++) L[i * M + i] = 1;
  return {
    layout,
    centered,
    correlated,
    eta,
    sdPriors,
    rStart,
    sd: new Float64Array(M),
    L,
    cpc: new Float64Array(Math.max(1, (M * (M - 1)) / 2)),
    gL: new Float64Array(M * M),
    gA: new Float64Array(M * M),
    w: new Float64Array(M),
    u: new Float64Array(M),
    sums: new Float64Array(M),
    gz: new Float64Array(M),
    lpCorr: 0,
  };
}

/**
 * Stan's cholesky_corr_constrain: fills `b.L` from θ and returns the log-Jacobian
 * Σ log(1 − z_k²) + Σ_{i, 1 ≤ j < i} ½ log(1 − Σ_{k<j} L_ik²).
 */
function choleskyCorr(b: BlockState, theta: Float64Array): number {
  const M = b.layout.coefs;
  const L = b.L;
  const z = b.cpc;
  let lp = 0;
  const at = b.layout.cpc;
  for (let k = 0; k < (M * (M - 1)) / 2; k++) {
    const t = Math.tanh(theta[at + k]);
    z[k] = t;
    lp += Math.log1p(-t * t);
  }
  let k = 0;
  for (let i = 1; i < M; i++) {
    const row = i * M;
    L[row] = z[k++];
    let s = L[row] * L[row];
    for (let j = 1; j < i; j++) {
      lp += 0.5 * Math.log1p(-s);
      L[row + j] = z[k++] * Math.sqrt(1 - s);
      s += L[row + j] * L[row + j];
    }
    L[row + i] = Math.sqrt(1 - s);
  }
  return lp;
}

/**
 * Reverse mode of choleskyCorr (its log-Jacobian included): given ∂f/∂L in `b.gL`,
 * writes ∂(f + log-Jacobian)/∂y into grad at the term's CPC coordinates.
 */
function choleskyCorrGradient(b: BlockState, grad: Float64Array): void {
  const M = b.layout.coefs;
  const L = b.L;
  const gL = b.gL;
  const z = b.cpc;
  const at = b.layout.cpc;
  // Row i uses CPCs k0 .. k0 + i − 1 in order; rows are independent of each other.
  let k0 = 0;
  for (let i = 1; i < M; i++) {
    const row = i * M;
    // Forward values of the running sums: s_j = Σ_{k ≤ j} L_ik² (s_0 = L_i0²).
    const s = b.sums;
    s[0] = L[row] * L[row];
    for (let j = 1; j < i; j++) s[j] = s[j - 1] + L[row + j] * L[row + j];
    // L_ii = sqrt(1 − s_{i−1}).
    let gs = -gL[row + i] / (2 * L[row + i]);
    const gz = b.gz;
    for (let j = i - 1; j >= 1; j--) {
      // s_j = s_{j−1} + L_ij²
      const gLij = gL[row + j] + gs * 2 * L[row + j];
      const t = 1 - s[j - 1];
      const rt = Math.sqrt(t);
      // L_ij = z · sqrt(t), plus the Jacobian term ½ log t
      gz[j] = gLij * rt;
      const gt = (gLij * z[k0 + j]) / (2 * rt) + 0.5 / t;
      gs -= gt; // t = 1 − s_{j−1}
    }
    // s_0 = L_i0², L_i0 = z_{k0}
    gz[0] = gL[row] + gs * 2 * L[row];
    for (let j = 0; j < i; j++) {
      const zz = z[k0 + j];
      // z = tanh(y): ∂z/∂y = 1 − z²; Jacobian log(1 − z²) adds −2z.
      grad[at + k0 + j] = gz[j] * (1 - zz * zz) - 2 * zz;
    }
    k0 += i;
  }
}

/**
 * θ → r for one term (into `r` at b.rStart, level-major). Returns the log-Jacobians of
 * the sd and correlation transforms and the priors that depend only on sd and L (the
 * group-level density of z or r comes in `blockGradient`, once ∂/∂r is known).
 */
export function blockForward(b: BlockState, theta: Float64Array, r: Float64Array): void {
  const { layout } = b;
  const M = layout.coefs;
  const J = layout.levels;
  for (let m = 0; m < M; m++) b.sd[m] = Math.exp(theta[layout.logSd + m]);
  if (b.correlated) b.lpCorr = choleskyCorr(b, theta);
  const z0 = layout.z;
  const r0 = b.rStart;
  if (b.centered) {
    for (let j = 0; j < J * M; j++) r[r0 + j] = theta[z0 + j];
    return;
  }
  const { sd, L } = b;
  if (M === 1) {
    const s = sd[0];
    for (let l = 0; l < J; l++) r[r0 + l] = s * theta[z0 + l];
    return;
  }
  for (let l = 0; l < J; l++) {
    const zl = z0 + l * M;
    const rl = r0 + l * M;
    for (let m = 0; m < M; m++) {
      let v = 0;
      for (let k = 0; k <= m; k++) v += L[m * M + k] * theta[zl + k];
      r[rl + m] = sd[m] * v;
    }
  }
}

const dPrior = new Float64Array(1);

/**
 * Given acc = ∂ log-lik / ∂r (level-major, at b.rStart), writes the gradient of the whole
 * log density with respect to the term's θ coordinates and returns the term's own log
 * density terms: the group-level density, the sd priors and Jacobians, the LKJ prior and
 * the correlation transform's Jacobian.
 */
export function blockGradient(
  b: BlockState,
  theta: Float64Array,
  acc: Float64Array,
  grad: Float64Array,
): number {
  const { layout, sd, L, gA } = b;
  const M = layout.coefs;
  const J = layout.levels;
  const z0 = layout.z;
  const r0 = b.rStart;
  let lp = 0;
  gA.fill(0);
  if (!b.centered) {
    // r_l = A z_l with A = diag(sd) L: ∂/∂z_l = Aᵀ acc_l, ∂/∂A_mk = Σ_l acc_lm z_lk; prior −½ z².
    if (M === 1) {
      const s = sd[0];
      let g = 0;
      for (let l = 0; l < J; l++) {
        const z = theta[z0 + l];
        const a = acc[r0 + l];
        g += a * z;
        grad[z0 + l] = s * a - z;
        lp -= 0.5 * z * z;
      }
      gA[0] = g;
    } else {
      for (let l = 0; l < J; l++) {
        const zl = z0 + l * M;
        const al = r0 + l * M;
        for (let k = 0; k < M; k++) {
          let g = 0;
          for (let m = k; m < M; m++) g += sd[m] * L[m * M + k] * acc[al + m];
          const z = theta[zl + k];
          grad[zl + k] = g - z;
          lp -= 0.5 * z * z;
        }
        for (let m = 0; m < M; m++) {
          const a = acc[al + m];
          for (let k = 0; k <= m; k++) gA[m * M + k] += a * theta[zl + k];
        }
      }
    }
  } else {
    // r_l ~ MVN(0, A Aᵀ): −J Σ log A_mm − ½ Σ_l |w_l|², w_l = A⁻¹ r_l. With u_l = A⁻ᵀ w_l:
    // ∂/∂r_l = acc_l − u_l and ∂/∂A = −J diag(1/A_mm) + Σ_l u_l w_lᵀ (lower triangle).
    const { w, u } = b;
    for (let m = 0; m < M; m++) {
      const amm = sd[m] * L[m * M + m];
      lp -= J * Math.log(amm);
      gA[m * M + m] -= J / amm;
    }
    for (let l = 0; l < J; l++) {
      const rl = z0 + l * M;
      for (let m = 0; m < M; m++) {
        let v = theta[rl + m];
        for (let k = 0; k < m; k++) v -= sd[m] * L[m * M + k] * w[k];
        w[m] = v / (sd[m] * L[m * M + m]);
      }
      for (let m = M - 1; m >= 0; m--) {
        let v = w[m];
        for (let k = m + 1; k < M; k++) v -= sd[k] * L[k * M + m] * u[k];
        u[m] = v / (sd[m] * L[m * M + m]);
      }
      for (let m = 0; m < M; m++) {
        lp -= 0.5 * w[m] * w[m];
        grad[rl + m] = acc[r0 + l * M + m] - u[m];
        for (let k = 0; k <= m; k++) gA[m * M + k] += u[m] * w[k];
      }
    }
  }
  // A = diag(sd) L: ∂/∂sd_m = Σ_k gA_mk L_mk; ∂/∂L_mk = gA_mk sd_m. sd = e^v with prior and Jacobian.
  for (let m = 0; m < M; m++) {
    let gs = 0;
    for (let k = 0; k <= m; k++) gs += gA[m * M + k] * L[m * M + k];
    const v = theta[layout.logSd + m];
    lp += logPrior(b.sdPriors[m], sd[m], dPrior) + v;
    grad[layout.logSd + m] = gs * sd[m] + dPrior[0] * sd[m] + 1;
  }
  if (b.correlated) {
    const gL = b.gL;
    for (let m = 0; m < M; m++) for (let k = 0; k <= m; k++) gL[m * M + k] = gA[m * M + k] * sd[m];
    // lkj_corr_cholesky(η): Σ_{i ≥ 1} (M − i + 2η − 3) log L_ii.
    for (let i = 1; i < M; i++) {
      const c = M - i + 2 * b.eta - 3;
      lp += c * Math.log(L[i * M + i]);
      gL[i * M + i] += c / L[i * M + i];
    }
    lp += b.lpCorr;
    choleskyCorrGradient(b, grad);
  }
  return lp;
}

/** Reported sd, cor and r of one term (r coefficient-major, as brms orders its draws). */
export function blockConstrain(b: BlockState, theta: Float64Array, r: Float64Array, out: Float64Array): void {
  const { layout } = b;
  const M = layout.coefs;
  const J = layout.levels;
  blockForward(b, theta, r);
  for (let m = 0; m < M; m++) out[layout.outSd + m] = b.sd[m];
  if (b.correlated) {
    const L = b.L;
    let k = 0;
    for (let i = 1; i < M; i++) {
      for (let j = 0; j < i; j++) {
        let v = 0;
        for (let q = 0; q <= j; q++) v += L[i * M + q] * L[j * M + q];
        out[layout.outCor + k++] = v;
      }
    }
  }
  for (let m = 0; m < M; m++)
    for (let l = 0; l < J; l++) out[layout.outR + m * J + l] = r[b.rStart + l * M + m];
}
