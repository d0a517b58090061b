/**
 * Who is a member at each moment, compactly. Members are generator indices; ids increase
 * with the index, so "sorted by id" = "sorted by index". The initial community is
 * 0..initial-1; joiners get the next indices (hence the largest ids, as new VK accounts do).
 *
 * Time is the emulator's request counter: drift for request `c` is applied before request
 * `c` is served, so "state c" is what request c sees. A member is present in state c iff
 * joinedAt ≤ c < leftAt (initial members joined at 0; leftAt 0 = never left).
 *
 * Without drift everything is arithmetic. With drift a Fenwick tree over presence bits
 * answers "the k-th member by id" in O(log n), so offset paging stays cheap at 2.5M.
 */
import { Rng } from '../util/rng';

export class Membership {
  private size: number; // indices allocated so far (initial + joined)
  private present: Uint8Array | null = null;
  private fenwick: Int32Array | null = null;
  private leftAt: Int32Array | null = null;
  private joinedAt: Int32Array | null = null;
  private current: number;
  private capacity = 0;

  constructor(
    readonly initial: number,
    private readonly maxIndex: number,
  ) {
    if (!Number.isInteger(initial) || initial < 0)
      throw new Error(`membership: initial must be a non-negative integer, got ${initial}`);
    this.size = initial;
    this.current = initial;
  }

  count(): number {
    return this.current;
  }

  /** Number of indices ever allocated (members past and present). */
  allocated(): number {
    return this.size;
  }

  private get drifted(): boolean {
    return this.present !== null;
  }

  isMember(index: number): boolean {
    if (index < 0 || index >= this.size) return false;
    return this.present ? this.present[index] === 1 : true;
  }

  /** The request counter at which `index` joined (0 for the initial community), or -1 if unknown. */
  joinedAtOf(index: number): number {
    if (index < 0 || index >= this.size) return -1;
    return index < this.initial || !this.joinedAt ? 0 : this.joinedAt[index];
  }

  private ensureDriftState(extra: number): void {
    const needed = this.size + extra;
    if (this.present && needed <= this.capacity) return;
    const capacity = Math.max(needed, Math.ceil(this.capacity * 1.5), this.initial + 1024);
    const present = new Uint8Array(capacity);
    const leftAt = new Int32Array(capacity);
    const joinedAt = new Int32Array(capacity);
    if (this.present) {
      present.set(this.present.subarray(0, this.size));
      leftAt.set(this.leftAt!.subarray(0, this.size));
      joinedAt.set(this.joinedAt!.subarray(0, this.size));
    } else {
      present.fill(1, 0, this.size);
    }
    // Fenwick tree built in O(n) from the presence bits.
    const fenwick = new Int32Array(capacity + 1);
    for (let i = 1; i <= capacity; i++) {
      fenwick[i] += present[i - 1];
      const j = i + (i & -i);
      if (j <= capacity) fenwick[j] += fenwick[i];
    }
    this.present = present;
    this.leftAt = leftAt;
    this.joinedAt = joinedAt;
    this.fenwick = fenwick;
    this.capacity = capacity;
  }

  private fenwickAdd(index: number, delta: number): void {
    const f = this.fenwick!;
    for (let i = index + 1; i <= this.capacity; i += i & -i) f[i] += delta;
  }

  /** Applies one request's drift: `leave` random current members leave, `join` new ones join. */
  applyDrift(counter: number, leave: number, join: number, rng: Rng): void {
    if (leave <= 0 && join <= 0) return;
    this.ensureDriftState(Math.max(0, join));
    for (let k = 0; k < leave && this.current > 0; k++) {
      const index = this.indexAtRank(rng.int(this.current));
      this.present![index] = 0;
      this.leftAt![index] = counter;
      this.fenwickAdd(index, -1);
      this.current--;
    }
    for (let k = 0; k < join; k++) {
      if (this.size > this.maxIndex) throw new Error('membership: id space exhausted by joins');
      const index = this.size++;
      this.present![index] = 1;
      this.joinedAt![index] = counter;
      this.fenwickAdd(index, 1);
      this.current++;
    }
  }

  /** The member with 0-based rank `rank` in id order, or -1 past the end. */
  indexAtRank(rank: number): number {
    if (rank < 0 || rank >= this.current) return -1;
    if (!this.drifted) return rank;
    const f = this.fenwick!;
    let pos = 0;
    let rem = rank + 1;
    let step = 1;
    while (step * 2 <= this.capacity) step *= 2;
    for (; step > 0; step >>= 1) {
      const next = pos + step;
      if (next <= this.capacity && f[next] < rem) {
        pos = next;
        rem -= f[next];
      }
    }
    return pos; // 0-based index = 1-based Fenwick position - 1 + 1
  }

  /**
   * Up to `count` member indices starting at rank `offset`, ascending (or descending by
   * rank from the end when `desc`).
   */
  page(offset: number, count: number, desc = false): number[] {
    const out: number[] = [];
    if (count <= 0 || offset >= this.current) return out;
    const n = Math.min(count, this.current - offset);
    if (!desc) {
      let index = this.indexAtRank(offset);
      while (out.length < n && index < this.size) {
        if (this.isMember(index)) out.push(index);
        index++;
      }
    } else {
      let index = this.indexAtRank(this.current - 1 - offset);
      while (out.length < n && index >= 0) {
        if (this.isMember(index)) out.push(index);
        index--;
      }
    }
    return out;
  }

  /** All current member indices, ascending. */
  memberIndices(): Int32Array {
    const out = new Int32Array(this.current);
    let k = 0;
    for (let i = 0; i < this.size; i++) if (this.isMember(i)) out[k++] = i;
    return out;
  }

  /** Indices present in every state from `from` to `to` (request counters, inclusive). */
  presentThroughout(from: number, to: number): Int32Array {
    if (!(Number.isInteger(from) && Number.isInteger(to)) || from > to) {
      throw new Error(`presentThroughout: need integer counters from <= to, got ${from}, ${to}`);
    }
    if (!this.drifted) return Int32Array.from({ length: this.size }, (_, i) => i);
    const out: number[] = [];
    for (let i = 0; i < this.size; i++) {
      const joined = i < this.initial ? 0 : this.joinedAt![i];
      const left = this.leftAt![i];
      if (joined <= from && (left === 0 || left > to)) out.push(i);
    }
    return Int32Array.from(out);
  }
}
