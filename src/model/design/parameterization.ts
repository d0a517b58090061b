import type { FamilySpec } from '../families/spec';

/**
 * Automatic choice between the centered and the non-centered form of a group's
 * intercepts (the posterior is the same; only the sampler's geometry differs).
 *
 * Why: with r_l = sd·z_l (brms), the posterior of z_l has precision 1 + I_l·sd², where
 * I_l is the likelihood's information about r_l (Σ over the level's rows of the
 * family's Fisher weight on the linear-predictor scale). When I_l·sd² ≫ 1 the data pin
 * r_l down, so z_l = r_l / sd is strongly coupled to sd (a narrow curved ridge the sampler
 * crosses with small steps and deep trees); the centered form r_l ~ N(0, sd) is then close
 * to independent. When I_l·sd² ≪ 1 the centered form has the funnel instead. The rule:
 *
 *   centered ⇔ the median over levels (each level is one parameter) of I_l · ŝd² is ≥ 1,
 *
 * with two quick data summaries (no model fit):
 *  - I_l = n_l · w, w the Fisher weight of one row at the pooled mean: Poisson ȳ;
 *    negative binomial ȳφ̂/(ȳ + φ̂) with the moment estimate φ̂ = ȳ²/(s² − ȳ) (∞ → Poisson);
 *    Gaussian 1/s²; lognormal 1/s² of log y; Bernoulli p̄(1 − p̄).
 *  - ŝd² by the method of moments on per-level means on the link scale: the variance of the
 *    level means minus their average sampling variance 1/I_l, floored at 0.1² (a group
 *    worth modelling rarely has less spread, and the floor keeps tiny data non-centered).
 * Population-level predictors are ignored (they can only shrink the spread slightly);
 * the rule only picks the sampler's coordinates, never the model.
 */
export function autoCentered(spec: FamilySpec, y: Float64Array, codes: Int32Array, nLevels: number): boolean {
  const N = y.length;
  if (N === 0 || nLevels < 2) return false;
  let mean = 0;
  for (let i = 0; i < N; i++) mean += spec.statScale === 'log' ? Math.log(y[i]) : y[i];
  mean /= N;
  let s2 = 0;
  for (let i = 0; i < N; i++) {
    const d = (spec.statScale === 'log' ? Math.log(y[i]) : y[i]) - mean;
    s2 += d * d;
  }
  s2 /= Math.max(1, N - 1);
  const w = fisherWeight(spec, mean, s2);
  if (!(w > 0)) return false;

  const n = new Float64Array(nLevels);
  const sum = new Float64Array(nLevels);
  for (let i = 0; i < N; i++) {
    n[codes[i]] += 1;
    sum[codes[i]] += spec.statScale === 'log' ? Math.log(y[i]) : y[i];
  }
  // Level means on the link scale (a continuity correction keeps log/logit finite).
  const link = (m: number, nl: number): number => {
    if (spec.link === 'log') return Math.log((m * nl + 0.5) / (nl + 0.5));
    if (spec.link === 'logit') {
      const p = (m * nl + 0.5) / (nl + 1);
      return Math.log(p / (1 - p));
    }
    return m;
  };
  // Sampling variance of a level's mean on the link scale ≈ 1 / I_l.
  let used = 0;
  let lm = 0;
  const eta = new Float64Array(nLevels);
  for (let l = 0; l < nLevels; l++) {
    if (n[l] === 0) continue;
    eta[l] = link(sum[l] / n[l], n[l]);
    lm += eta[l];
    used += 1;
  }
  if (used < 2) return false;
  lm /= used;
  let between = 0;
  let noise = 0;
  for (let l = 0; l < nLevels; l++) {
    if (n[l] === 0) continue;
    between += (eta[l] - lm) ** 2;
    noise += 1 / (n[l] * w);
  }
  const sd2 = Math.max(0.01, between / (used - 1) - noise / used);

  const info: number[] = [];
  for (let l = 0; l < nLevels; l++) if (n[l] > 0) info.push(n[l] * w * sd2);
  info.sort((a, b) => a - b);
  return info[Math.floor(info.length / 2)] >= 1;
}

/**
 * The Fisher weight of one row on the linear-predictor scale at the pooled mean (see
 * autoCentered); zero-inflated and hurdle families use their count distribution's.
 */
function fisherWeight(spec: FamilySpec, mean: number, s2: number): number {
  switch (spec.base ?? spec.name) {
    case 'poisson':
      return mean;
    case 'negbinomial': {
      const phi = s2 > mean ? (mean * mean) / (s2 - mean) : Infinity;
      return Number.isFinite(phi) ? (mean * phi) / (mean + phi) : mean;
    }
    case 'bernoulli':
      return mean * (1 - mean);
    default:
      return s2 > 0 ? 1 / s2 : 0;
  }
}

/** Cholesky solve of a small SPD system in place; false when it is not positive definite. */
function solveSpd(A: Float64Array, b: Float64Array, inv: Float64Array, m: number): boolean {
  const L = new Float64Array(m * m);
  for (let j = 0; j < m; j++) {
    let d = A[j * m + j];
    for (let k = 0; k < j; k++) d -= L[j * m + k] ** 2;
    if (!(d > 1e-12 * Math.max(1, A[j * m + j]))) return false;
    L[j * m + j] = Math.sqrt(d);
    for (let i = j + 1; i < m; i++) {
      let t = A[i * m + j];
      for (let k = 0; k < j; k++) t -= L[i * m + k] * L[j * m + k];
      L[i * m + j] = t / L[j * m + j];
    }
  }
  const solve = (rhs: Float64Array, out: Float64Array, at: number, stride: number): void => {
    const z = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      let t = rhs[i];
      for (let k = 0; k < i; k++) t -= L[i * m + k] * z[k];
      z[i] = t / L[i * m + i];
    }
    for (let i = m - 1; i >= 0; i--) {
      let t = z[i];
      for (let k = i + 1; k < m; k++) t -= L[k * m + i] * out[at + k * stride];
      out[at + i * stride] = t / L[i * m + i];
    }
  };
  const x = new Float64Array(m);
  solve(b, x, 0, 1);
  b.set(x);
  const e = new Float64Array(m);
  for (let c = 0; c < m; c++) {
    e.fill(0);
    e[c] = 1;
    solve(e, inv, c, m);
  }
  return true;
}

/**
 * The same choice for a term with slopes, e.g. (1 + x | g): per level, least squares of
 * the response on the link scale (log(y + 0.5), logit((y + 0.5)/2), y or log y) on the
 * term's columns gives β̂_l with sampling variances v_lm ≈ [(Z_lᵀZ_l)⁻¹]_mm / w; the spread
 * of β̂_·m between levels minus the mean v_·m estimates sd_m² (floored at 0.1²). Centered ⇔
 * for every coefficient the median over levels of sd_m² / v_lm is ≥ 1 — the slope analogue
 * of I_l · sd² ≥ 1. Levels with no more rows than coefficients, or a singular Z_lᵀZ_l, do
 * not vote; with fewer than two voting levels the term stays non-centered.
 */
export function autoCenteredSlopes(
  spec: FamilySpec,
  y: Float64Array,
  codes: Int32Array,
  nLevels: number,
  intercept: boolean,
  slopes: Float64Array,
  nSlopes: number,
  offset: number,
  mSlopes: number,
): boolean {
  const N = y.length;
  const M = mSlopes + (intercept ? 1 : 0);
  if (N === 0 || nLevels < 2 || M === 0) return false;
  const yt = new Float64Array(N);
  let mean = 0;
  for (let i = 0; i < N; i++) mean += spec.statScale === 'log' ? Math.log(y[i]) : y[i];
  mean /= N;
  let s2 = 0;
  for (let i = 0; i < N; i++) s2 += ((spec.statScale === 'log' ? Math.log(y[i]) : y[i]) - mean) ** 2;
  s2 /= Math.max(1, N - 1);
  const w = fisherWeight(spec, mean, s2);
  if (!(w > 0)) return false;
  for (let i = 0; i < N; i++) {
    const v = y[i];
    if (spec.link === 'log') yt[i] = Math.log(v + 0.5);
    else if (spec.link === 'logit') {
      const p = (v + 0.5) / 2;
      yt[i] = Math.log(p / (1 - p));
    } else yt[i] = spec.statScale === 'log' ? Math.log(v) : v;
  }
  const ztz = Array.from({ length: nLevels }, () => new Float64Array(M * M));
  const zty = Array.from({ length: nLevels }, () => new Float64Array(M));
  const count = new Float64Array(nLevels);
  const row = new Float64Array(M);
  for (let i = 0; i < N; i++) {
    const l = codes[i];
    count[l] += 1;
    let k = 0;
    if (intercept) row[k++] = 1;
    for (let s = 0; s < mSlopes; s++) row[k++] = slopes[i * nSlopes + offset + s];
    const A = ztz[l];
    for (let a = 0; a < M; a++) {
      zty[l][a] += row[a] * yt[i];
      for (let b = 0; b < M; b++) A[a * M + b] += row[a] * row[b];
    }
  }
  const beta: Float64Array[] = [];
  const vars: Float64Array[] = [];
  const inv = new Float64Array(M * M);
  for (let l = 0; l < nLevels; l++) {
    if (count[l] <= M) continue;
    const b = Float64Array.from(zty[l]);
    if (!solveSpd(ztz[l], b, inv, M)) continue;
    beta.push(b);
    vars.push(Float64Array.from({ length: M }, (_, m) => inv[m * M + m] / w));
  }
  const L = beta.length;
  if (L < 2) return false;
  for (let m = 0; m < M; m++) {
    let bm = 0;
    let noise = 0;
    for (let l = 0; l < L; l++) {
      bm += beta[l][m];
      noise += vars[l][m];
    }
    bm /= L;
    let between = 0;
    for (let l = 0; l < L; l++) between += (beta[l][m] - bm) ** 2;
    const sd2 = Math.max(0.01, between / (L - 1) - noise / L);
    const ratios = vars.map((v) => sd2 / v[m]).sort((a, b) => a - b);
    if (!(ratios[Math.floor(L / 2)] >= 1)) return false;
  }
  return true;
}
