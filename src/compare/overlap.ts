/**
 * Audience overlap: how many members two communities share, counted exactly on their id
 * sets, together with the statuses the shared members have in each (the paired part of a
 * difference of shares, src/compare/mover.ts).
 *
 * `crossTab` merges two sorted id lists — the readable definition. `crossTabsAll` gives
 * the same tables for every pair at once, and is what the comparison uses: merging each of
 * the k(k−1)/2 pairs reads every list k − 1 times (50 lists of 1M ids: 2.45 billion steps),
 * while one sweep over the id range reads every list once and then pays only for the
 * members actually shared (bench/compare.ts has the figures). Both are tested to agree.
 */
import type { MemberSet } from './member-set';
import { STATUS_COUNT } from './rates';

const CELLS = STATUS_COUNT * STATUS_COUNT;

/**
 * Members of both sets by status in A (row) and in B (column): `table[sA * 5 + sB]`.
 * The readable merge of two ascending lists, O(|A| + |B|).
 */
export function crossTab(a: MemberSet, b: MemberSet): Float64Array {
  const t = new Float64Array(CELLS);
  const x = a.ids;
  const y = b.ids;
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    if (x[i] < y[j]) i++;
    else if (x[i] > y[j]) j++;
    else {
      t[a.codes[i] * STATUS_COUNT + b.codes[j]]++;
      i++;
      j++;
    }
  }
  return t;
}

/** Cross-tables of every pair i < j of `sets`, from one sweep. */
export interface PairTables {
  k: number;
  /** The cross-table of sets i < j (a view; row = status in i). */
  table(i: number, j: number): Float64Array;
  /** Members in both i and j. */
  common(i: number, j: number): number;
}

/** Offset of pair (i, j), i < j, in the upper triangle stored row by row. */
function pairIndex(k: number, i: number, j: number): number {
  return i * k - (i * (i + 1)) / 2 + (j - i - 1);
}

// 2^14 ids a window keeps its per-id tallies in the processor's cache: on 50 sets of 1M
// from 10M people it took 2.2 CPU-s against 3.1 for 2^16 windows (and the same at 3M people).
const WINDOW_SHIFT = 14;
const MAX_SETS = 8191; // a set index and a status code share one 16-bit slot (13 + 3 bits)

/**
 * Every pair's cross-table in one pass over the id range, a window of ids at a time: each
 * set's ids in the window are listed per id (set, status), then each id with g sets adds
 * one to the g(g−1)/2 pair tables it belongs to. Cost: one read of every id plus one step
 * per shared (id, pair), whatever the number of sets. Same results as `crossTab` on each pair.
 */
export function crossTabsAll(sets: readonly MemberSet[]): PairTables {
  const k = sets.length;
  if (k > MAX_SETS) throw new Error(`crossTabsAll: at most ${MAX_SETS} communities, got ${k}.`);
  const pairs = (k * (k - 1)) / 2;
  const counts = new Uint32Array(pairs * CELLS);
  // rowBase[i] * CELLS + (j * CELLS) is pair (i, j)'s table: pairIndex(k, i, j) = rowBase[i] + j.
  const rowBase = new Int32Array(k);
  for (let i = 0; i < k; i++) rowBase[i] = pairIndex(k, i, i + 1) - (i + 1);
  const W = 1 << WINDOW_SHIFT;
  const held = new Uint16Array(W); // sets holding each id of the window
  const slots = new Uint16Array(W * Math.max(1, k)); // (set << 3 | status) per id, sets ascending
  const touched = new Int32Array(W);
  const pos = new Int32Array(k);
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of sets) {
    if (s.ids.length === 0) continue;
    lo = Math.min(lo, s.ids[0]);
    hi = Math.max(hi, s.ids[s.ids.length - 1]);
  }
  // Each window starts at the smallest id not yet read, so empty stretches of the id range cost nothing.
  for (let base = lo; base <= hi;) {
    const end = base + W;
    let nt = 0;
    for (let c = 0; c < k; c++) {
      const ids = sets[c].ids;
      const codes = sets[c].codes;
      const tag = c << 3;
      let p = pos[c];
      for (; p < ids.length; p++) {
        const id = ids[p];
        if (id >= end) break;
        const off = id - base;
        const g = held[off];
        if (g === 0) touched[nt++] = off;
        slots[off * k + g] = tag | codes[p];
        held[off] = g + 1;
      }
      pos[c] = p;
    }
    for (let t = 0; t < nt; t++) {
      const off = touched[t];
      const g = held[off];
      held[off] = 0;
      const s0 = off * k;
      for (let x = 0; x < g - 1; x++) {
        const e = slots[s0 + x];
        const row = rowBase[e >> 3] * CELLS + (e & 7) * STATUS_COUNT;
        for (let y = x + 1; y < g; y++) {
          const f = slots[s0 + y];
          counts[row + (f >> 3) * CELLS + (f & 7)]++;
        }
      }
    }
    base = Infinity;
    for (let c = 0; c < k; c++)
      if (pos[c] < sets[c].ids.length && sets[c].ids[pos[c]] < base) base = sets[c].ids[pos[c]];
  }
  const check = (i: number, j: number): number => {
    if (!(Number.isInteger(i) && Number.isInteger(j) && 0 <= i && i < j && j < k)) {
      throw new Error(`PairTables: need 0 <= i < j < ${k}, got (${i}, ${j}).`);
    }
    return pairIndex(k, i, j) * CELLS;
  };
  return {
    k,
    table(i, j) {
      const o = check(i, j);
      return Float64Array.from(counts.subarray(o, o + CELLS));
    },
    common(i, j) {
      const o = check(i, j);
      let n = 0;
      for (let c = 0; c < CELLS; c++) n += counts[o + c];
      return n;
    },
  };
}

/** Total of a cross-table: the members both communities have. */
export function tableTotal(t: ArrayLike<number>): number {
  let n = 0;
  for (let c = 0; c < CELLS; c++) n += t[c];
  return n;
}

/** The overlap measures of one pair from its sizes and the shared count. */
export function overlapMeasures(
  nA: number,
  nB: number,
  common: number,
): { common: number; jaccard: number; share_of_a_in_b: number; share_of_b_in_a: number } {
  const union = nA + nB - common;
  return {
    common,
    jaccard: union > 0 ? common / union : NaN,
    share_of_a_in_b: nA > 0 ? common / nA : NaN,
    share_of_b_in_a: nB > 0 ? common / nB : NaN,
  };
}
