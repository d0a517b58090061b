import gammaln from '@stdlib/math-base-special-gammaln';
import digamma from '@stdlib/math-base-special-digamma';
import type { FamilyName } from './spec';

/**
 * Per-cell sufficient statistics a family's log-likelihood reads (see design/cells.ts).
 * Kernels never allocate: they fill `gEta` (∂ log-lik / ∂ η per cell) and `out[0]`
 * (∂ log-lik / ∂ u for the auxiliary parameter on the log scale, u = log φ or log σ).
 */
export interface CellStats {
  nCells: number;
  n: Float64Array;
  sumY: Float64Array;
  ssY: Float64Array;
  /** Σ n over cells (rows). */
  totalN: number;
  /** Distinct positive y and their counts (NB2 only). */
  histValues: Float64Array;
  histCounts: Float64Array;
}

/**
 * log-likelihood (up to a constant that depends on y only) at η per cell and aux u.
 * `expEta[c]` must hold e^{η_c} for the log- and logit-link families (the caller builds
 * it from products of a few exponentials, see density/compile.ts); gaussian ignores it.
 */
export type Kernel = (
  eta: Float64Array,
  expEta: Float64Array,
  gEta: Float64Array,
  s: CellStats,
  u: number,
  out: Float64Array,
) => number;

/** Whether a family's kernel reads `expEta`. */
export const NEEDS_EXP: Record<FamilyName, boolean> = {
  poisson: true,
  negbinomial: true,
  gaussian: false,
  lognormal: false,
  bernoulli: true,
};

// With m = e^x given: log(1 + e^x) = log1p(m), σ(x) = m / (1 + m); when m overflows,
// log(1 + e^x) = x and σ(x) = 1 to double precision.
/** poisson(log): Σ_c S_c η_c − n_c e^{η_c}; −Σ lgamma(y+1) is constant and dropped. */
const poisson: Kernel = (eta, expEta, gEta, s, _u, out) => {
  let ll = 0;
  const { n, sumY } = s;
  for (let c = 0; c < s.nCells; c++) {
    const mu = expEta[c];
    ll += sumY[c] * eta[c] - n[c] * mu;
    gEta[c] = sumY[c] - n[c] * mu;
  }
  out[0] = 0;
  return ll;
};

/**
 * negbinomial (NB2, log link, shape φ = e^u), docs/model-engine.md. Per cell, with
 * m = μ/φ = e^{η − u} and sp = log1p(m) = log(1 + μ/φ):
 *   S (η − u) − (S + nφ) sp
 * plus, through the global histogram of y > 0, Σ_y count·[lgamma(y + φ) − lgamma(φ)]
 * (rows with y = 0 contribute lgamma(φ) − lgamma(φ) = 0). −lgamma(y+1) is dropped.
 *   ∂/∂η = S − (S + nφ)·σ(η − u)
 *   ∂/∂u = −S − nφ·sp + (S + nφ)·σ(η − u) + φ Σ_y count·[ψ(y + φ) − ψ(φ)]
 */
const negbinomial: Kernel = (eta, expEta, gEta, s, u, out) => {
  const phi = Math.exp(u);
  const invPhi = Math.exp(-u);
  let ll = 0;
  let du = 0;
  const { n, sumY } = s;
  for (let c = 0; c < s.nCells; c++) {
    const x = eta[c] - u;
    const m = expEta[c] * invPhi;
    let sp: number;
    let sg: number;
    if (m < Infinity) {
      sp = Math.log1p(m);
      sg = m / (1 + m);
    } else {
      sp = x;
      sg = 1;
    }
    const S = sumY[c];
    const w = S + n[c] * phi;
    ll += S * x - w * sp;
    gEta[c] = S - w * sg;
    du += -S - n[c] * phi * sp + w * sg;
  }
  const { hl, hd } = histogramTerms(s.histValues, s.histCounts, phi);
  out[0] = du + phi * hd;
  return ll + hl;
};

/** Largest gap between consecutive distinct y bridged by the recurrences below. */
const MAX_STEPS = 16;

/**
 * Σ_y count·[lgamma(y + φ) − lgamma(φ)] and Σ_y count·[ψ(y + φ) − ψ(φ)] over the sorted
 * distinct positive y. Between nearby integer y the exact recurrences
 * lgamma(x + 1) = lgamma(x) + log x and ψ(x + 1) = ψ(x) + 1/x replace the special
 * functions (native Math.log instead of a JS lgamma); a gap of more than MAX_STEPS, or a
 * non-integer step, restarts from gammaln/digamma. Rounding drift stays ~1e-13 relative.
 */
export function histogramTerms(
  values: Float64Array,
  counts: Float64Array,
  phi: number,
): { hl: number; hd: number } {
  const lgPhi = gammaln(phi);
  const dgPhi = digamma(phi);
  let hl = 0;
  let hd = 0;
  let x = NaN; // current y + φ
  let lg = 0;
  let dg = 0;
  let prevY = NaN;
  for (let h = 0; h < values.length; h++) {
    const y = values[h];
    const gap = y - prevY;
    if (gap >= 1 && gap <= MAX_STEPS && Number.isInteger(gap)) {
      for (let k = 0; k < gap; k++) {
        lg += Math.log(x);
        dg += 1 / x;
        x += 1;
      }
    } else {
      x = y + phi;
      lg = gammaln(x);
      dg = digamma(x);
    }
    prevY = y;
    hl += counts[h] * (lg - lgPhi);
    hd += counts[h] * (dg - dgPhi);
  }
  histResult.hl = hl;
  histResult.hd = hd;
  return histResult;
}
const histResult = { hl: 0, hd: 0 };

/**
 * gaussian(identity) with σ = e^u, on the cell's mean ȳ and within-cell sum of squares:
 *   Σ_rows (y − η)² = SS_c + n_c (ȳ_c − η_c)²
 *   ll = −N u − Q / (2σ²),  ∂/∂η = n (ȳ − η) / σ²,  ∂/∂u = −N + Q / σ².
 * lognormal is the same on log y (its −Σ log y is constant).
 */
const gaussian: Kernel = (eta, _expEta, gEta, s, u, out) => {
  const inv2 = Math.exp(-2 * u);
  const { n, sumY, ssY } = s;
  let q = 0;
  for (let c = 0; c < s.nCells; c++) {
    const r = sumY[c] / n[c] - eta[c];
    q += ssY[c] + n[c] * r * r;
    gEta[c] = n[c] * r * inv2;
  }
  out[0] = -s.totalN + q * inv2;
  return -s.totalN * u - 0.5 * q * inv2;
};

/** bernoulli(logit): Σ_c S_c η_c − n_c log(1 + e^{η_c}). */
const bernoulli: Kernel = (eta, expEta, gEta, s, _u, out) => {
  let ll = 0;
  const { n, sumY } = s;
  for (let c = 0; c < s.nCells; c++) {
    const m = expEta[c];
    let sp: number;
    let sg: number;
    if (m < Infinity) {
      sp = Math.log1p(m);
      sg = m / (1 + m);
    } else {
      sp = eta[c];
      sg = 1;
    }
    ll += sumY[c] * eta[c] - n[c] * sp;
    gEta[c] = sumY[c] - n[c] * sg;
  }
  out[0] = 0;
  return ll;
};

export const KERNELS: Record<FamilyName, Kernel> = {
  poisson,
  negbinomial,
  gaussian,
  lognormal: gaussian,
  bernoulli,
};
