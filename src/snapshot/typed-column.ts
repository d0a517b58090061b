/**
 * One column of members as Arrow-ready buffers: a typed array of values (UTF-8 bytes and
 * offsets for text) and one validity byte per row. The pull's fast path
 * (vk/columns-decoder.ts) decodes an execute answer straight into these, and the Arrow
 * encoder (arrow-ipc.ts) only packs the validity bytes into bits — no JS value per field
 * ever exists on that path.
 */
import type { ColumnType } from './schema';

/** A stored value as JS sees it (`MemberRow`'s values). */
export type ColumnValue = number | boolean | string | null;

/**
 * One growable column. Values live in one array per representation — integers of every
 * width in `ints` (narrowed when encoded), `floats`, booleans as 0/1 in `bits`, text as
 * UTF-8 `bytes` with `offsets` — so each push writes one typed-array type (a store into
 * "one of five typed-array types" is megamorphic and was the decoder's hottest line).
 */
export class TypedColumn {
  length = 0;
  valid: Uint8Array;
  ints: Int32Array;
  floats: Float64Array;
  bits: Uint8Array;
  offsets: Int32Array;
  bytes: Buffer;
  byteLength = 0;

  constructor(
    readonly kind: ColumnType,
    capacity = 1024,
  ) {
    const n = Math.max(16, capacity);
    const isInt = kind === 'int32' || kind === 'int16' || kind === 'int8';
    this.valid = new Uint8Array(n);
    this.ints = new Int32Array(isInt ? n : 0);
    this.floats = new Float64Array(kind === 'float64' ? n : 0);
    this.bits = new Uint8Array(kind === 'bool' ? n : 0);
    this.offsets = new Int32Array(kind === 'utf8' ? n + 1 : 0);
    this.bytes = Buffer.allocUnsafe(kind === 'utf8' ? n * 12 : 0);
  }

  private grow(min: number): void {
    const n = Math.max(min, this.valid.length * 2);
    const len = this.length;
    const valid = new Uint8Array(n);
    valid.set(this.valid.subarray(0, len));
    this.valid = valid;
    if (this.ints.length) {
      const a = new Int32Array(n);
      a.set(this.ints.subarray(0, len));
      this.ints = a;
    }
    if (this.floats.length) {
      const a = new Float64Array(n);
      a.set(this.floats.subarray(0, len));
      this.floats = a;
    }
    if (this.bits.length) {
      const a = new Uint8Array(n);
      a.set(this.bits.subarray(0, len));
      this.bits = a;
    }
    if (this.offsets.length) {
      const a = new Int32Array(n + 1);
      a.set(this.offsets.subarray(0, len + 1));
      this.offsets = a;
    }
  }

  /** Room for `extra` more UTF-8 bytes. */
  reserveBytes(extra: number): void {
    if (this.byteLength + extra <= this.bytes.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.byteLength + extra));
    this.bytes.copy(bigger, 0, 0, this.byteLength);
    this.bytes = bigger;
  }

  /** An integer; the caller has checked it fits the column's width. */
  pushInt(v: number): void {
    if (this.length === this.valid.length) this.grow(this.length + 1);
    this.ints[this.length] = v;
    this.valid[this.length++] = 1;
  }

  pushFloat(v: number): void {
    if (this.length === this.valid.length) this.grow(this.length + 1);
    this.floats[this.length] = v;
    this.valid[this.length++] = 1;
  }

  pushBool(v: boolean): void {
    if (this.length === this.valid.length) this.grow(this.length + 1);
    this.bits[this.length] = v ? 1 : 0;
    this.valid[this.length++] = 1;
  }

  pushNull(): void {
    if (this.length === this.valid.length) this.grow(this.length + 1);
    if (this.kind === 'utf8') this.offsets[this.length + 1] = this.byteLength;
    this.valid[this.length++] = 0;
  }

  /** UTF-8 text from `src[start…end]` (already valid UTF-8). */
  pushBytes(src: Uint8Array, start: number, end: number): void {
    if (this.length === this.valid.length) this.grow(this.length + 1);
    const n = end - start;
    this.reserveBytes(n);
    if (n < 32) {
      const dst = this.bytes;
      let at = this.byteLength;
      for (let i = start; i < end; i++) dst[at++] = src[i];
    } else {
      this.bytes.set(src.subarray(start, end), this.byteLength);
    }
    this.byteLength += n;
    this.offsets[this.length + 1] = this.byteLength;
    this.valid[this.length++] = 1;
  }

  pushString(s: string): void {
    if (this.length === this.valid.length) this.grow(this.length + 1);
    this.reserveBytes(s.length * 3);
    this.byteLength += this.bytes.write(s, this.byteLength, 'utf8');
    this.offsets[this.length + 1] = this.byteLength;
    this.valid[this.length++] = 1;
  }

  /** Empty the column for reuse; values go back to 0 so a null row never shows an old value. */
  clear(): void {
    // All of it: `keep` may have left moved-from values past the length.
    this.ints.fill(0);
    this.floats.fill(0);
    this.bits.fill(0);
    this.length = 0;
    this.byteLength = 0;
  }

  /** Keep rows [from, to) of each range (increasing), moved down in place; returns the new length. */
  keep(ranges: readonly (readonly [number, number])[]): number {
    let at = 0;
    let byteAt = 0;
    for (const [from, to] of ranges) {
      if (from < at || to < from || to > this.length)
        throw new RangeError(`keep: range [${from}, ${to}) is out of order or outside 0…${this.length}`);
      const n = to - from;
      this.valid.copyWithin(at, from, to);
      if (this.kind === 'utf8') {
        const b0 = this.offsets[from];
        const b1 = this.offsets[to];
        this.bytes.copy(this.bytes, byteAt, b0, b1);
        const shift = byteAt - b0;
        for (let i = 1; i <= n; i++) this.offsets[at + i] = this.offsets[from + i] + shift;
        byteAt += b1 - b0;
      } else if (this.ints.length) {
        this.ints.copyWithin(at, from, to);
      } else if (this.floats.length) {
        this.floats.copyWithin(at, from, to);
      } else {
        this.bits.copyWithin(at, from, to);
      }
      at += n;
    }
    if (this.kind === 'utf8') this.byteLength = byteAt;
    this.length = at;
    return at;
  }

  /** The values in the column's Arrow width (bool still one byte per row). */
  arrowValues(): Int32Array | Int16Array | Int8Array | Float64Array | Uint8Array {
    const n = this.length;
    switch (this.kind) {
      case 'int32':
        return this.ints.subarray(0, n);
      case 'int16': {
        const a = new Int16Array(n);
        a.set(this.ints.subarray(0, n));
        return a;
      }
      case 'int8': {
        const a = new Int8Array(n);
        a.set(this.ints.subarray(0, n));
        return a;
      }
      case 'float64':
        return this.floats.subarray(0, n);
      case 'bool':
        return this.bits.subarray(0, n);
      case 'utf8':
        return new Uint8Array(this.bytes.buffer, this.bytes.byteOffset, this.byteLength);
    }
  }

  /** A JS value of the column's type, or null (rows, tests). */
  push(v: ColumnValue): void {
    if (v === null) this.pushNull();
    else if (this.kind === 'utf8') this.pushString(v as string);
    else if (this.kind === 'bool') this.pushBool(v as boolean);
    else if (this.kind === 'float64') this.pushFloat(v as number);
    else this.pushInt(v as number);
  }

  /** Row `i` as the JS value `MemberRow` would hold (tests, checks). */
  get(i: number): ColumnValue {
    if (!this.valid[i]) return null;
    switch (this.kind) {
      case 'utf8':
        return this.bytes.toString('utf8', this.offsets[i], this.offsets[i + 1]);
      case 'bool':
        return this.bits[i] === 1;
      case 'float64':
        return this.floats[i];
      default:
        return this.ints[i];
    }
  }
}
