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

/** log-likelihood (up to a constant that depends on y only) at η per cell and aux u. */
export type Kernel = (eta: Float64Array, gEta: Float64Array, s: CellStats, u: number, out: Float64Array) => number;

// log(1 + e^x) and 1 / (1 + e^-x) from one exp, stable at both tails.
function softplus(x: number, e: number): number {
  return (x > 0 ? x : 0) + Math.log1p(e);
}
function sigmoid(x: number, e: number): number {
  return x >= 0 ? 1 / (1 + e) : e / (1 + e);
}

/** poisson(log): Σ_c S_c η_c − n_c e^{η_c}; −Σ lgamma(y+1) is constant and dropped. */
const poisson: Kernel = (eta, gEta, s, _u, out) => {
  let ll = 0;
  const { n, sumY } = s;
  for (let c = 0; c < s.nCells; c++) {
    const mu = Math.exp(eta[c]);
    ll += sumY[c] * eta[c] - n[c] * mu;
    gEta[c] = sumY[c] - n[c] * mu;
  }
  out[0] = 0;
  return ll;
};

/**
 * negbinomial (NB2, log link, shape φ = e^u), reference/bayes.md. Per cell, with
 * sp = log1p(μ/φ) = softplus(η − u):
 *   S (η − u) − (S + nφ) sp
 * plus, through the global histogram of y > 0, Σ_y count·[lgamma(y + φ) − lgamma(φ)]
 * (rows with y = 0 contribute lgamma(φ) − lgamma(φ) = 0). −lgamma(y+1) is dropped.
 *   ∂/∂η = S − (S + nφ)·σ(η − u)
 *   ∂/∂u = −S − nφ·sp + (S + nφ)·σ(η − u) + φ Σ_y count·[ψ(y + φ) − ψ(φ)]
 */
const negbinomial: Kernel = (eta, gEta, s, u, out) => {
  const phi = Math.exp(u);
  let ll = 0;
  let du = 0;
  const { n, sumY } = s;
  for (let c = 0; c < s.nCells; c++) {
    const x = eta[c] - u;
    const e = Math.exp(-Math.abs(x));
    const sp = softplus(x, e);
    const sg = sigmoid(x, e);
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
export function histogramTerms(values: Float64Array, counts: Float64Array, phi: number): { hl: number; hd: number } {
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
const gaussian: Kernel = (eta, gEta, s, u, out) => {
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
const bernoulli: Kernel = (eta, gEta, s, _u, out) => {
  let ll = 0;
  const { n, sumY } = s;
  for (let c = 0; c < s.nCells; c++) {
    const x = eta[c];
    const e = Math.exp(-Math.abs(x));
    ll += sumY[c] * x - n[c] * softplus(x, e);
    gEta[c] = sumY[c] - n[c] * sigmoid(x, e);
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
