/**
 * Pointwise log-likelihood log p(y_i | θ) with every constant, as brms's log_lik computes it
 * (the sampler's kernels drop terms that depend on y only; LOO needs them). One definition
 * per family, written from the densities of docs/model-engine.md; the per-draw constants of
 * the negative binomial's lgamma terms are computed once per draw and distinct y.
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import type { FamilyName } from '../families/spec';
import { log1mExp } from '../families/kernels';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** What one draw contributes besides η: aux (shape | sigma), the mixing probability, and per-y constants. */
export interface DrawState {
  aux: number;
  /** log zi (or log hu) and log(1 − zi) of the draw. */
  logMix: number;
  log1mMix: number;
  /** Per distinct y (index into the distinct values): the terms of log p that depend on y and the draw only. */
  yConst: Float64Array;
}

/** log(1 + e^x) without overflow. */
function softplus(x: number): number {
  return x > 35 ? x : Math.log1p(Math.exp(x));
}

/**
 * The y-only (and aux-only) constants of one draw, per distinct y: −lgamma(y + 1) for Poisson
 * kinds, lgamma(y + φ) − lgamma(φ) − lgamma(y + 1) for negative binomial kinds; 0 otherwise.
 */
export function fillYConstants(
  family: FamilyName,
  yValues: Float64Array,
  aux: number,
  out: Float64Array,
): void {
  const nb =
    family === 'negbinomial' || family === 'zero_inflated_negbinomial' || family === 'hurdle_negbinomial';
  const pois = family === 'poisson' || family === 'zero_inflated_poisson' || family === 'hurdle_poisson';
  if (!nb && !pois) {
    out.fill(0);
    return;
  }
  const lgPhi = nb ? gammaln(aux) : 0;
  for (let k = 0; k < yValues.length; k++) {
    const y = yValues[k];
    out[k] = -gammaln(y + 1) + (nb ? gammaln(y + aux) - lgPhi : 0);
  }
}

/** log p(y | η) for one observation and one draw (constants included). */
export function logLik(family: FamilyName, y: number, eta: number, d: DrawState, yIndex: number): number {
  switch (family) {
    case 'poisson':
      return y * eta - Math.exp(eta) + d.yConst[yIndex];
    case 'negbinomial':
      return nbLog(y, eta, d.aux) + d.yConst[yIndex];
    case 'gaussian': {
      const r = (y - eta) / d.aux;
      return -Math.log(d.aux) - HALF_LOG_2PI - 0.5 * r * r;
    }
    case 'lognormal': {
      const ly = Math.log(y);
      const r = (ly - eta) / d.aux;
      return -ly - Math.log(d.aux) - HALF_LOG_2PI - 0.5 * r * r;
    }
    case 'bernoulli':
      return y * eta - softplus(eta);
    case 'zero_inflated_poisson': {
      if (y === 0) return logAdd(d.logMix, d.log1mMix - Math.exp(eta));
      return d.log1mMix + y * eta - Math.exp(eta) + d.yConst[yIndex];
    }
    case 'zero_inflated_negbinomial': {
      if (y === 0) return logAdd(d.logMix, d.log1mMix + nbLog(0, eta, d.aux));
      return d.log1mMix + nbLog(y, eta, d.aux) + d.yConst[yIndex];
    }
    case 'hurdle_poisson': {
      if (y === 0) return d.logMix;
      const mu = Math.exp(eta);
      return d.log1mMix + y * eta - mu + d.yConst[yIndex] - log1mExp(-mu);
    }
    case 'hurdle_negbinomial': {
      if (y === 0) return d.logMix;
      return d.log1mMix + nbLog(y, eta, d.aux) + d.yConst[yIndex] - log1mExp(nbLog(0, eta, d.aux));
    }
  }
}

/**
 * The part of NB2's log pmf that depends on η: y(η − log(μ + φ)) + φ(log φ − log(μ + φ))
 * = y(η − u − sp) − φ sp with u = log φ, sp = log(1 + μ/φ).
 */
function nbLog(y: number, eta: number, phi: number): number {
  const u = Math.log(phi);
  const sp = softplus(eta - u);
  return y * (eta - u - sp) - phi * sp;
}

function logAdd(a: number, b: number): number {
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}
