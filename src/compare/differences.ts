/**
 * Each status share of community a minus the same share of b, with a 95% interval.
 *
 * Two censuses: the shares are exact for their lists at the snapshot time; the interval is
 * about the rates behind them (a "superpopulation" view, as for every share of the audit:
 * src/audit/intervals.ts), conditional on who follows which community. Members both
 * communities have are the same people counted twice, so their part of the two shares is
 * paired, not independent: `overlapDifference` (src/compare/mover.ts). Newcombe's interval
 * for independent samples is reported alongside, as the reference a reader may know.
 *
 * A sample on either side: the shared members cannot be paired (a sample lists only some
 * of its members), so the two share intervals — design-based for a sample — are combined as
 * independent by MOVER. Overlap makes this conservative: shared members move both shares
 * the same way, which an independent combination counts as extra noise.
 */
import { moverInterval, newcombeDifference, type OverlapCounts, overlapDifference } from './mover';
import { countOf, type RateDefinition, STATUS_COUNT } from './rates';
import type { DifferenceRow, ShareEstimate } from './types';

/** The counts of one share for `overlapDifference`; `table` = shared members by status in a (row) and b. */
export function overlapCountsFor(
  def: RateDefinition,
  countsA: ArrayLike<number>,
  countsB: ArrayLike<number>,
  table: ArrayLike<number> | null,
): OverlapCounts {
  const k: OverlapCounts = {
    nA: countOf(countsA, def.denominator),
    xA: countOf(countsA, def.numerator),
    nB: countOf(countsB, def.denominator),
    xB: countOf(countsB, def.numerator),
    a: 0,
    b: 0,
    c: 0,
    d: 0,
  };
  if (table === null) return k;
  for (let sa = 0; sa < STATUS_COUNT; sa++) {
    if (!def.denominator[sa]) continue;
    for (let sb = 0; sb < STATUS_COUNT; sb++) {
      if (!def.denominator[sb]) continue;
      const n = table[sa * STATUS_COUNT + sb];
      if (def.numerator[sa] && def.numerator[sb]) k.a += n;
      else if (def.numerator[sa]) k.b += n;
      else if (def.numerator[sb]) k.c += n;
      else k.d += n;
    }
  }
  return k;
}

/** Differences of two censuses' shares, shared members paired (`table` null: no shared members known). */
export function censusDifferences(
  a: string,
  b: string,
  defs: readonly RateDefinition[],
  countsA: ArrayLike<number>,
  countsB: ArrayLike<number>,
  table: ArrayLike<number> | null,
  level = 0.95,
): DifferenceRow[] {
  return defs.map((def) => {
    const k = overlapCountsFor(def, countsA, countsB, table);
    const shared = k.a + k.b + k.c + k.d;
    const ind = newcombeDifference(k.xA, k.nA, k.xB, k.nB, level);
    const iv = shared > 0 ? overlapDifference(k, level) : ind;
    return {
      a,
      b,
      key: def.key,
      label: def.label,
      share_a: k.nA > 0 ? k.xA / k.nA : NaN,
      share_b: k.nB > 0 ? k.xB / k.nB : NaN,
      difference: iv.share,
      lo: iv.lo,
      hi: iv.hi,
      method: shared > 0 ? 'newcombe hybrid score, shared members paired' : 'newcombe hybrid score',
      independent: shared > 0 ? { lo: ind.lo, hi: ind.hi } : null,
    };
  });
}

/** Differences when a side is a sample: the two share intervals combined as independent (MOVER). */
export function designDifferences(
  a: string,
  b: string,
  sharesA: readonly ShareEstimate[],
  sharesB: readonly ShareEstimate[],
): DifferenceRow[] {
  return sharesA.map((sa) => {
    const sb = sharesB.find((s) => s.key === sa.key);
    if (!sb) throw new Error(`compare: ${b} has no share "${sa.key}" to compare with ${a}'s.`);
    const defined = [sa, sb].every(
      (s) => Number.isFinite(s.share) && Number.isFinite(s.lo) && Number.isFinite(s.hi),
    );
    const iv = defined
      ? moverInterval([
          { coef: 1, estimate: sa.share, lo: sa.lo, hi: sa.hi },
          { coef: -1, estimate: sb.share, lo: sb.lo, hi: sb.hi },
        ])
      : { share: NaN, lo: NaN, hi: NaN };
    return {
      a,
      b,
      key: sa.key,
      label: sa.label,
      share_a: sa.share,
      share_b: sb.share,
      difference: iv.share,
      lo: Math.max(-1, iv.lo),
      hi: Math.min(1, iv.hi),
      method: 'mover, design-based',
      independent: null,
    };
  });
}
