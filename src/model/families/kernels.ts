import gammaln from '@stdlib/math-base-special-gammaln';
import digamma from '@stdlib/math-base-special-digamma';
import type { FamilyName } from './spec';

/**
 * Per-cell sufficient statistics a family's log-likelihood reads (see design/cells.ts).
 * Kernels never allocate: they fill `gEta` (∂ log-lik / ∂ η per cell), `out[0]`
 * (∂ log-lik / ∂ u for the auxiliary parameter on the log scale, u = log φ or log σ) and,
 * for zero-inflated and hurdle families, `out[1]` (∂ log-lik / ∂ v, v = logit zi or logit hu).
 */
export interface CellStats {
  nCells: number;
  n: Float64Array;
  sumY: Float64Array;
  ssY: Float64Array;
  /** Rows with y = 0 per cell (zero-inflated and hurdle families; may be absent otherwise). */
  n0?: Float64Array;
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
  v?: number,
) => number;

/** Whether a family's kernel reads `expEta`. */
export const NEEDS_EXP: Record<FamilyName, boolean> = {
  poisson: true,
  negbinomial: true,
  gaussian: false,
  lognormal: false,
  bernoulli: true,
  zero_inflated_poisson: true,
  zero_inflated_negbinomial: true,
  hurdle_poisson: true,
  hurdle_negbinomial: true,
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

/** log(1 − e^a) for a ≤ 0 without cancellation (Mächler 2012, "Accurately computing log(1 − exp(−|a|))"). */
export function log1mExp(a: number): number {
  return a > -Math.LN2 ? Math.log(-Math.expm1(a)) : Math.log1p(-Math.exp(a));
}

/** log σ(v) = −log(1 + e^−v), stable for either sign of v. */
export function logInvLogit(v: number): number {
  return v >= 0 ? -Math.log1p(Math.exp(-v)) : v - Math.log1p(Math.exp(v));
}

/**
 * Per cell, the count part of the two-part families on their n − n0 positive rows and the
 * log probability a = log p(0 | η) that the zero part needs. Writes ∂/∂η of the positive
 * part into `gEta`, returns its log-likelihood; `parts` receives per cell a, ∂a/∂η and
 * (negative binomial) ∂a/∂u, and `out[0]` ∂/∂u of the positive part.
 *   Poisson:  S η − npos μ;               a = −μ
 *   NB2:      S (η − u) − (S + npos φ) sp; a = −φ sp, sp = log(1 + μ/φ)
 */
function positivePart(
  base: 'poisson' | 'negbinomial',
  eta: Float64Array,
  expEta: Float64Array,
  gEta: Float64Array,
  s: CellStats,
  u: number,
  out: Float64Array,
  a: Float64Array,
  daEta: Float64Array,
  daU: Float64Array,
): number {
  const { n, sumY } = s;
  const n0 = s.n0 as Float64Array;
  let ll = 0;
  if (base === 'poisson') {
    for (let c = 0; c < s.nCells; c++) {
      const mu = expEta[c];
      const npos = n[c] - n0[c];
      ll += sumY[c] * eta[c] - npos * mu;
      gEta[c] = sumY[c] - npos * mu;
      a[c] = -mu;
      daEta[c] = -mu;
      daU[c] = 0;
    }
    out[0] = 0;
    return ll;
  }
  const phi = Math.exp(u);
  const invPhi = Math.exp(-u);
  let du = 0;
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
    const npos = n[c] - n0[c];
    const w = S + npos * phi;
    ll += S * x - w * sp;
    gEta[c] = S - w * sg;
    du += -S - npos * phi * sp + w * sg;
    a[c] = -phi * sp;
    daEta[c] = -phi * sg;
    daU[c] = phi * (sg - sp);
  }
  const { hl, hd } = histogramTerms(s.histValues, s.histCounts, phi);
  out[0] = du + phi * hd;
  return ll + hl;
}

/** Scratch per-cell arrays of the two-part kernels, grown on demand (no allocation per call once sized). */
const mixScratch = { a: new Float64Array(0), daEta: new Float64Array(0), daU: new Float64Array(0) };
function scratchFor(nCells: number): typeof mixScratch {
  if (mixScratch.a.length < nCells) {
    mixScratch.a = new Float64Array(nCells);
    mixScratch.daEta = new Float64Array(nCells);
    mixScratch.daU = new Float64Array(nCells);
  }
  return mixScratch;
}

/**
 * Zero-inflated counts (brms's zero_inflated_poisson / zero_inflated_negbinomial), zi = σ(v):
 *   y = 0:  log(zi + (1 − zi) p(0 | η))       y > 0:  log(1 − zi) + log p(y | η)
 * Per cell with n0 zeros the zero term is n0 · ℓ0, ℓ0 = logsumexp(log zi, log(1 − zi) + a);
 * ∂ℓ0/∂a = π = (1 − zi) e^a / e^ℓ0 (the chance that a zero came from the count part) and
 * ∂ℓ0/∂v = (1 − π) − zi; the positive rows add npos · log(1 − zi), ∂/∂v = −npos · zi.
 */
function zeroInflated(base: 'poisson' | 'negbinomial'): Kernel {
  return (eta, expEta, gEta, s, u, out, v = 0) => {
    const { a, daEta, daU } = scratchFor(s.nCells);
    let ll = positivePart(base, eta, expEta, gEta, s, u, out, a, daEta, daU);
    const zi = 1 / (1 + Math.exp(-v));
    const logZi = logInvLogit(v);
    const log1mZi = logInvLogit(-v);
    const n0 = s.n0 as Float64Array;
    let du = 0;
    let dv = 0;
    let nPos = 0;
    for (let c = 0; c < s.nCells; c++) {
      const z = n0[c];
      nPos += s.n[c] - z;
      if (z === 0) continue;
      const b = log1mZi + a[c];
      const l0 = logZi > b ? logZi + Math.log1p(Math.exp(b - logZi)) : b + Math.log1p(Math.exp(logZi - b));
      const pi = Math.exp(b - l0);
      ll += z * l0;
      gEta[c] += z * pi * daEta[c];
      du += z * pi * daU[c];
      dv += z * (1 - pi - zi);
    }
    ll += nPos * log1mZi;
    out[0] += du;
    out[1] = dv - nPos * zi;
    return ll;
  };
}

/**
 * Hurdle counts (brms's hurdle_poisson / hurdle_negbinomial), hu = σ(v):
 *   y = 0:  log hu                            y > 0:  log(1 − hu) + log p(y | η) − log(1 − p(0 | η))
 * The zero-truncation term −npos · log(1 − e^a) has ∂/∂a = npos / (e^−a − 1).
 */
function hurdle(base: 'poisson' | 'negbinomial'): Kernel {
  return (eta, expEta, gEta, s, u, out, v = 0) => {
    const { a, daEta, daU } = scratchFor(s.nCells);
    let ll = positivePart(base, eta, expEta, gEta, s, u, out, a, daEta, daU);
    const n0 = s.n0 as Float64Array;
    let du = 0;
    let zeros = 0;
    let nPos = 0;
    for (let c = 0; c < s.nCells; c++) {
      zeros += n0[c];
      const npos = s.n[c] - n0[c];
      if (npos === 0) continue;
      nPos += npos;
      ll -= npos * log1mExp(a[c]);
      const t = npos / Math.expm1(-a[c]);
      gEta[c] += t * daEta[c];
      du += t * daU[c];
    }
    const hu = 1 / (1 + Math.exp(-v));
    ll += zeros * logInvLogit(v) + nPos * logInvLogit(-v);
    out[0] += du;
    out[1] = zeros * (1 - hu) - nPos * hu;
    return ll;
  };
}

export const KERNELS: Record<FamilyName, Kernel> = {
  poisson,
  negbinomial,
  gaussian,
  lognormal: gaussian,
  bernoulli,
  zero_inflated_poisson: zeroInflated('poisson'),
  zero_inflated_negbinomial: zeroInflated('negbinomial'),
  hurdle_poisson: hurdle('poisson'),
  hurdle_negbinomial: hurdle('negbinomial'),
};
