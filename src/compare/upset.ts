/**
 * The counts an UpSet chart draws (Lex, Gehlenborg et al. 2014, "UpSet: visualization of
 * intersecting sets", IEEE TVCG 20:1983–1992): for every combination of communities, the
 * members who follow exactly those and none of the others (exclusive intersections, so
 * the bars add up to the union).
 */
import type { MemberSet } from './member-set';

export const MAX_UPSET_SETS = 6;

export interface UpsetIntersection {
  /** Keys of the communities in this combination. */
  sets: string[];
  /** Bit i set = community i is in the combination. */
  mask: number;
  /** Members in exactly these communities. */
  count: number;
}

export interface UpsetData {
  sets: { key: string; size: number }[];
  union: number;
  /** Non-empty combinations, largest first (ties: fewer communities first, then by mask). */
  intersections: UpsetIntersection[];
}

/** Exclusive intersection counts of up to six sets, by one k-way merge of the id lists. */
export function upsetCounts(sets: readonly MemberSet[], maxSets = MAX_UPSET_SETS): UpsetData {
  const k = sets.length;
  if (k < 2 || k > maxSets) {
    throw new Error(
      `upset: needs 2 to ${maxSets} communities (an UpSet chart of more is unreadable), got ${k}.`,
    );
  }
  const byMask = new Float64Array(1 << k);
  const pos = new Int32Array(k);
  for (;;) {
    let min = Infinity;
    for (let c = 0; c < k; c++)
      if (pos[c] < sets[c].ids.length && sets[c].ids[pos[c]] < min) min = sets[c].ids[pos[c]];
    if (min === Infinity) break;
    let mask = 0;
    for (let c = 0; c < k; c++) {
      if (pos[c] < sets[c].ids.length && sets[c].ids[pos[c]] === min) {
        mask |= 1 << c;
        pos[c]++;
      }
    }
    byMask[mask]++;
  }
  const bits = (m: number): number => {
    let n = 0;
    for (let c = 0; c < k; c++) if (m & (1 << c)) n++;
    return n;
  };
  const intersections: UpsetIntersection[] = [];
  for (let m = 1; m < byMask.length; m++) {
    if (byMask[m] === 0) continue;
    intersections.push({
      sets: sets.filter((_, c) => m & (1 << c)).map((s) => s.key),
      mask: m,
      count: byMask[m],
    });
  }
  intersections.sort((a, b) => b.count - a.count || bits(a.mask) - bits(b.mask) || a.mask - b.mask);
  return {
    sets: sets.map((s) => ({ key: s.key, size: s.ids.length })),
    union: byMask.reduce((x, y) => x + y, 0),
    intersections,
  };
}
