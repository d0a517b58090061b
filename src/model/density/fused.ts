/**
 * The fast path of the commonest model — one random intercept, a Poisson, negative
 * binomial or Bernoulli response — as one pass over the cells: η, e^η, the family's
 * log-likelihood, ∂/∂η and its scatter to the pattern (gPop) and the level (acc) happen
 * in registers, where the general path (compile.ts: linear predictors, families/kernels.ts,
 * back-propagation) writes and re-reads three arrays per cell. Same formulas, same order
 * of the cells; only roundings differ: e^{η − u} (e^{pop − u}·e^{r} here, (e^{pop}·e^{r})·e^{−u}
 * there) and log1p (the inline fast-log.ts here, within 2 ulp of Math.log1p).
 * test/model/density/slopes.test.ts compares the two paths.
 */
import { histogramTerms, type CellStats } from '../families/kernels';
import { log1pFast } from './fast-log';
import type { FamilyName } from '../families/spec';

/**
 * Writes ∂ log-lik / ∂η summed per pattern into gPop and per level into acc (which the
 * caller zeroed), ∂/∂u into out[0]; returns the log-likelihood (the kernel's constants).
 */
export type FusedKernel = (
  P: number,
  runStart: Int32Array,
  etaPop: Float64Array,
  r: Float64Array,
  gIdx: Int32Array,
  s: CellStats,
  u: number,
  acc: Float64Array,
  gPop: Float64Array,
  out: Float64Array,
) => number;

// The rare overflow fallbacks live out of line: with Math.exp inline in the loop, V8 ran it
// for every cell (one exp per cell, measured with callgrind), not only when the product of
// exponentials overflowed.
function expSlow(x: number): number {
  return Math.exp(x);
}

/** log(1 + e^x) and σ(x) from x itself, when e^{pop}·e^{r} overflowed. */
function softplusSlow(x: number): [number, number] {
  const m = Math.exp(x);
  return m < Infinity ? [Math.log1p(m), m / (1 + m)] : [x, 1];
}

export function fusedKernel(family: FamilyName): FusedKernel | null {
  let eR = new Float64Array(0);
  const expR = (r: Float64Array): Float64Array => {
    if (eR.length !== r.length) eR = new Float64Array(r.length);
    for (let j = 0; j < r.length; j++) eR[j] = Math.exp(r[j]);
    return eR;
  };
  switch (family) {
    case 'poisson':
      // Σ S η − n e^η;  ∂/∂η = S − n e^η.
      return function poissonFused(P, runStart, etaPop, r, gIdx, s, _u, acc, gPop, out) {
        const e = expR(r);
        const { n, sumY } = s;
        let ll = 0;
        for (let p = 0; p < P; p++) {
          const e0 = etaPop[p];
          const m0 = Math.exp(e0);
          const end = runStart[p + 1];
          let gp = 0;
          for (let c = runStart[p]; c < end; c++) {
            const j = gIdx[c];
            const x = e0 + r[j];
            let mu = m0 * e[j];
            if (!(mu < Infinity)) mu = expSlow(x);
            const S = sumY[c];
            const nmu = n[c] * mu;
            ll += S * x - nmu;
            const g = S - nmu;
            gp += g;
            acc[j] += g;
          }
          gPop[p] = gp;
        }
        out[0] = 0;
        return ll;
      };
    case 'negbinomial':
      // families/kernels.ts negbinomial, cell by cell with m = e^{η − u}, sp = log1p(m).
      return function negbinomialFused(P, runStart, etaPop, r, gIdx, s, u, acc, gPop, out) {
        const e = expR(r);
        const { n, sumY } = s;
        const phi = Math.exp(u);
        let ll = 0;
        let du = 0;
        for (let p = 0; p < P; p++) {
          const e0 = etaPop[p] - u;
          const m0 = Math.exp(e0);
          const end = runStart[p + 1];
          let gp = 0;
          for (let c = runStart[p]; c < end; c++) {
            const j = gIdx[c];
            const x = e0 + r[j];
            const m = m0 * e[j];
            let sp: number;
            let sg: number;
            if (m < Infinity) {
              sp = log1pFast(m);
              sg = m / (1 + m);
            } else {
              [sp, sg] = softplusSlow(x);
            }
            const S = sumY[c];
            const nphi = n[c] * phi;
            const w = S + nphi;
            ll += S * x - w * sp;
            const g = S - w * sg;
            du += w * sg - S - nphi * sp;
            gp += g;
            acc[j] += g;
          }
          gPop[p] = gp;
        }
        const { hl, hd } = histogramTerms(s.histValues, s.histCounts, phi);
        out[0] = du + phi * hd;
        return ll + hl;
      };
    case 'bernoulli':
      // Σ S η − n log(1 + e^η);  ∂/∂η = S − n σ(η).
      return function bernoulliFused(P, runStart, etaPop, r, gIdx, s, _u, acc, gPop, out) {
        const e = expR(r);
        const { n, sumY } = s;
        let ll = 0;
        for (let p = 0; p < P; p++) {
          const e0 = etaPop[p];
          const m0 = Math.exp(e0);
          const end = runStart[p + 1];
          let gp = 0;
          for (let c = runStart[p]; c < end; c++) {
            const j = gIdx[c];
            const x = e0 + r[j];
            const m = m0 * e[j];
            let sp: number;
            let sg: number;
            if (m < Infinity) {
              sp = log1pFast(m);
              sg = m / (1 + m);
            } else {
              [sp, sg] = softplusSlow(x);
            }
            const S = sumY[c];
            ll += S * x - n[c] * sp;
            const g = S - n[c] * sg;
            gp += g;
            acc[j] += g;
          }
          gPop[p] = gp;
        }
        out[0] = 0;
        return ll;
      };
    default:
      return null;
  }
}
