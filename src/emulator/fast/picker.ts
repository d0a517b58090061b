/**
 * The generator's table draw, fast: the same entry as generator.ts `pick` for the same
 * draw (test/emulator/serialize.test.ts compares them on skewed, tied and zero weights).
 */
import type { Rng } from '../../util/rng';

/** 2^-32: a 32-bit draw as a uniform in [0, 1) (as generator.ts `u`). */
const U32 = 2.3283064365386963e-10;

/**
 * `pick` for long tables (names, cities, minutes of the day) in near-constant time: a
 * guide table gives, for each of `n` equal slices of the total weight, the first entry
 * that can hold a point of that slice, and a short scan finishes. It returns exactly what
 * `pick`'s binary search returns (the first entry whose cumulative weight exceeds the
 * point) for the same draw, so the community is unchanged; it saves the ~10 hard-to-
 * predict branches of a binary search over hundreds of entries.
 */
export class Picker {
  private readonly guide: Int32Array;
  private readonly slicesPerWeight: number;
  private readonly last: number;
  constructor(readonly cum: Float64Array) {
    const n = cum.length;
    const total = cum[n - 1];
    this.last = n - 1;
    this.guide = new Int32Array(n);
    this.slicesPerWeight = n / total;
    let i = 0;
    for (let k = 0; k < n; k++) {
      const start = (k * total) / n;
      while (i < n - 1 && cum[i] <= start) i++;
      this.guide[k] = i;
    }
  }

  pick(r: Rng): number {
    const cum = this.cum;
    const x = r.nextU32() * U32 * cum[this.last];
    let k = Math.floor(x * this.slicesPerWeight);
    if (k > this.last) k = this.last;
    let i = this.guide[k];
    // The guide is a start, not the answer: step back over rounding at a slice edge, then forward.
    while (i > 0 && cum[i - 1] > x) i--;
    while (i < this.last && cum[i] <= x) i++;
    return i;
  }
}
