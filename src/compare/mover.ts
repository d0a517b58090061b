/**
 * Confidence intervals for differences of shares, by the method of variance estimates
 * recovery (MOVER; Zou & Donner 2008, "Construction of confidence limits about effect
 * measures: a general approach", Statistics in Medicine 27:1693–1702): each share gets its
 * own interval (Wilson's, or a design-based one for a sample), and the limits of a linear
 * combination are recovered from the distances of those limits to their estimates.
 *
 * Two special cases are the classical ones (docs/compare.md):
 *  - two independent shares: Newcombe's hybrid score interval (Newcombe 1998, "Interval
 *    estimation for the difference between independent proportions: comparison of eleven
 *    methods", Statistics in Medicine 17:873–890, method 10);
 *  - two shares measured on the same members: Newcombe's interval for paired data
 *    (Newcombe 1998, "Improved confidence intervals for the difference between binomial
 *    proportions based on paired data", Statistics in Medicine 17:2635–2650, method 10),
 *    with its correlation φ of the 2 × 2 table.
 * Two overlapping communities are a mix of both: the members only one of them has, and
 * the members they share, whose statuses are paired (`overlapDifference`).
 */
import { type Interval, wilson } from '../audit/intervals';

/** One term c·θ of a linear combination, with θ's interval. */
export interface MoverTerm {
  coef: number;
  estimate: number;
  lo: number;
  hi: number;
}

export interface Difference extends Interval {
  /** The difference, e.g. share in A − share in B (`share` of Interval). */
  share: number;
}

/**
 * Limits of Σ c_i θ_i. `corr(i, j)` is the correlation of θ_i and θ_j (0 when omitted:
 * independent terms). Terms whose θ is undefined (no members) must be left out by the caller.
 */
export function moverInterval(
  terms: readonly MoverTerm[],
  corr: (i: number, j: number) => number = () => 0,
): Difference {
  let d = 0;
  const down: number[] = [];
  const up: number[] = [];
  for (const t of terms) {
    if (![t.coef, t.estimate, t.lo, t.hi].every(Number.isFinite) || t.lo > t.estimate || t.hi < t.estimate) {
      throw new Error(
        `moverInterval: a term needs finite coef and lo <= estimate <= hi, got ${JSON.stringify(t)}`,
      );
    }
    d += t.coef * t.estimate;
    const a = Math.abs(t.coef);
    // Distance from the estimate of c·θ to its lower and upper limit.
    down.push(a * (t.coef >= 0 ? t.estimate - t.lo : t.hi - t.estimate));
    up.push(a * (t.coef >= 0 ? t.hi - t.estimate : t.estimate - t.lo));
  }
  const spread = (e: number[]): number => {
    let s = 0;
    for (let i = 0; i < e.length; i++) {
      s += e[i] * e[i];
      for (let j = i + 1; j < e.length; j++) {
        const r = corr(i, j);
        if (r !== 0) s += 2 * r * Math.sign(terms[i].coef * terms[j].coef) * e[i] * e[j];
      }
    }
    return Math.sqrt(Math.max(0, s));
  };
  return { share: d, lo: d - spread(down), hi: d + spread(up) };
}

const term = (coef: number, iv: Interval): MoverTerm => ({ coef, estimate: iv.share, lo: iv.lo, hi: iv.hi });

/** Newcombe's hybrid score interval for x1/n1 − x2/n2 (independent samples; method 10). */
export function newcombeDifference(x1: number, n1: number, x2: number, n2: number, level = 0.95): Difference {
  if (n1 === 0 || n2 === 0) return { share: NaN, lo: NaN, hi: NaN };
  return moverInterval([term(1, wilson(x1, n1, level)), term(-1, wilson(x2, n2, level))]);
}

/**
 * Newcombe's φ for a paired 2 × 2 table (a: success in both, b: only in the first, c: only
 * in the second, d: in neither), with his correction: ad − bc is moved n/2 towards 0 when
 * positive, kept when negative; 0 when a margin is empty.
 */
export function pairedPhi(a: number, b: number, c: number, d: number): number {
  const n = a + b + c + d;
  const margins = (a + b) * (c + d) * (a + c) * (b + d);
  if (margins === 0) return 0;
  const cross = a * d - b * c;
  const corrected = cross > n / 2 ? cross - n / 2 : cross < 0 ? cross : 0;
  return corrected / Math.sqrt(margins);
}

/** Newcombe's interval for (a + b)/n − (a + c)/n on paired data (method 10). */
export function pairedDifference(a: number, b: number, c: number, d: number, level = 0.95): Difference {
  const n = a + b + c + d;
  if (n === 0) return { share: NaN, lo: NaN, hi: NaN };
  const phi = pairedPhi(a, b, c, d);
  return moverInterval([term(1, wilson(a + b, n, level)), term(-1, wilson(a + c, n, level))], () => phi);
}

/** Counts behind one share of two communities that may share members. */
export interface OverlapCounts {
  /** Community A: members in the share's denominator, and in its numerator. */
  nA: number;
  xA: number;
  nB: number;
  xB: number;
  /**
   * Members of both, in both denominators, by whether they count in the numerator in A
   * and in B: both (a), A only (b), B only (c), neither (d).
   */
  a: number;
  b: number;
  c: number;
  d: number;
}

/**
 * xA/nA − xB/nB for two communities that share members (docs/compare.md).
 *
 *   xA/nA − xB/nB = (nA'/nA)·pA' − (nB'/nB)·pB' + (nC/nA)·qA − (nC/nB)·qB
 *
 * where A' are A's members not in B (share pA'), B' likewise, and qA, qB the shares of the
 * nC shared members in A and in B. The three groups are independent; qA and qB are paired
 * (correlation φ of the shared members' 2 × 2 table). Each term gets its Wilson interval
 * and MOVER combines them. Without shared members this is exactly Newcombe's hybrid score
 * interval; when A and B are the same members it is Newcombe's paired interval.
 */
export function overlapDifference(k: OverlapCounts, level = 0.95): Difference {
  const nC = k.a + k.b + k.c + k.d;
  const nAo = k.nA - nC;
  const nBo = k.nB - nC;
  const xAo = k.xA - (k.a + k.b);
  const xBo = k.xB - (k.a + k.c);
  if (nAo < 0 || nBo < 0 || xAo < 0 || xBo < 0 || xAo > nAo || xBo > nBo) {
    throw new Error(
      `overlapDifference: the shared members' counts do not fit inside the communities' counts (${JSON.stringify(k)}).`,
    );
  }
  if (k.nA === 0 || k.nB === 0) return { share: NaN, lo: NaN, hi: NaN };
  const terms: MoverTerm[] = [];
  if (nAo > 0) terms.push(term(nAo / k.nA, wilson(xAo, nAo, level)));
  if (nBo > 0) terms.push(term(-nBo / k.nB, wilson(xBo, nBo, level)));
  let paired = -1;
  if (nC > 0) {
    paired = terms.length;
    terms.push(term(nC / k.nA, wilson(k.a + k.b, nC, level)));
    terms.push(term(-nC / k.nB, wilson(k.a + k.c, nC, level)));
  }
  const phi = nC > 0 ? pairedPhi(k.a, k.b, k.c, k.d) : 0;
  const r = moverInterval(terms, (i, j) => (i === paired && j === paired + 1 ? phi : 0));
  return { share: k.xA / k.nA - k.xB / k.nB, lo: Math.max(-1, r.lo), hi: Math.min(1, r.hi) };
}
