/**
 * Fast path for the execute answer in the "columns" shape (members-script.ts):
 * `{"response":{"counts":[…],"lens":[…],"cols":[[ids…],[first names…],…]}}`, decoded from
 * the HTTP body's bytes straight into Arrow-ready columns (snapshot/member-batch.ts).
 *
 * Why: the general path — UTF-8 bytes → JS string → JSON.parse → one JS value per field →
 * converters → Arrow buffers, re-encoding every string to UTF-8 — was most of the pull's
 * CPU (profile in the README). Here text is copied byte for byte (the body is checked to be
 * valid UTF-8 once), integers are read digit by digit into typed arrays, and nothing per
 * field is allocated.
 *
 * What goes where comes from the member schema (snapshot/schema.ts): one array per
 * projected path, each feeding one sink per column, with the column's rule and bounds.
 * The rules are implemented here again, on bytes, with the meaning member-row.ts gives
 * them — a test compares the two paths value for value on adversarial answers, over every
 * rule kind. Anything this decoder does not expect (an error answer, `execute_errors`,
 * another key, a missing or non-numeric required value, columns of the wrong number or
 * length, malformed JSON, invalid UTF-8) makes it return null, and the caller parses the
 * answer the general way, which then classifies or reports it as before.
 */
import { isUtf8 } from 'node:buffer';
import { flag, int, parseBdate, textLength, type Bdate } from '../snapshot/member-row';
import { LENGTH_MAX, MEMBERS, type MemberSchema, type RuleKind } from '../snapshot/schema';
import { memberBatch, type BatchPool, type MemberBatch } from '../snapshot/member-batch';
import type { TypedColumn } from '../snapshot/typed-column';

export class DecodedColumns {
  constructor(
    readonly counts: number[],
    readonly lens: number[],
    readonly batch: MemberBatch,
  ) {}
}

// Token kinds returned by Decoder.value().
const NUM = 0;
const STR = 1;
const TRUE = 2;
const FALSE = 3;
const NULL = 4;
const ARR = 5;
const OBJ = 6;
const FAIL = -1;

/**
 * The rule kinds this decoder implements (`store` has a case for each); typed against the
 * schema's, so a new kind does not compile until it is decoded here too.
 */
export const DECODED_KINDS = {
  int: true,
  time: true,
  flag: true,
  text: true,
  one_of: true,
  bdate_visibility: true,
  bdate_year: true,
  count: true,
  length: true,
  non_empty: true,
} as const satisfies Record<RuleKind, true>;

/** Where one column's values go: its typed column and its rule (one shape for every kind). */
export class Sink {
  constructor(
    readonly name: string,
    readonly kind: RuleKind,
    readonly col: TypedColumn,
    /** Non-nullable: a value that is not a plain in-range number sends the answer the general way. */
    readonly required: boolean,
    readonly min: number,
    readonly max: number,
    /** `one_of`: the accepted values, as strings and as UTF-8 bytes. */
    readonly values: readonly string[],
    readonly words: readonly Uint8Array[],
  ) {}
}

const NONE: readonly string[] = [];

/** Per projected path (answer column), the sinks of the columns it feeds, from the schema. */
export function sinksFor(batch: MemberBatch, schema: MemberSchema = MEMBERS): Sink[][] {
  return schema.projections.map((p) =>
    p.columns.map((ci) => {
      const c = schema.columns[ci];
      const r = c.rule;
      const bounded = r.kind === 'int' || r.kind === 'bdate_year';
      const values = r.kind === 'one_of' ? r.values : NONE;
      return new Sink(
        c.name,
        r.kind,
        batch.columns[c.name],
        !c.nullable,
        bounded ? r.min : 0,
        bounded ? r.max : 0,
        values,
        values.map((v) => Buffer.from(v)),
      );
    }),
  );
}

const FULL = Buffer.from('full');
const NO_YEAR = Buffer.from('no_year');
const KEY_RESPONSE = Buffer.from('response');
const KEY_COUNTS = Buffer.from('counts');
const KEY_LENS = Buffer.from('lens');
const KEY_COLS = Buffer.from('cols');

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

class Decoder {
  p = 0;
  /** The number just read (NUM). */
  num = 0;
  /** The string just read (STR): bytes [s0, s1) between the quotes; `esc` if it has escapes. */
  s0 = 0;
  s1 = 0;
  esc = false;
  /** The number of elements (ARR) or keys (OBJ) of the nested value just read. */
  items = 0;

  constructor(readonly b: Uint8Array) {}

  ws(): void {
    const b = this.b;
    let p = this.p;
    for (;;) {
      const c = b[p];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
      else break;
    }
    this.p = p;
  }

  /** Consume byte `c` (after whitespace). */
  eat(c: number): boolean {
    this.ws();
    if (this.b[this.p] !== c) return false;
    this.p++;
    return true;
  }

  private word(w: string, kind: number): number {
    const b = this.b;
    for (let i = 0; i < w.length; i++) if (b[this.p + i] !== w.charCodeAt(i)) return FAIL;
    this.p += w.length;
    return kind;
  }

  /** One JSON value; of an array or object only its grammar is checked and its size kept (`items`). */
  value(): number {
    this.ws();
    const b = this.b;
    const c = b[this.p];
    if (c === 0x22) return this.string();
    if (c === 0x6e) return this.word('null', NULL);
    if (c === 0x74) return this.word('true', TRUE);
    if (c === 0x66) return this.word('false', FALSE);
    if (c === 0x2d || isDigit(c)) return this.number();
    if (c === 0x5b || c === 0x7b) return this.nested(c === 0x5b);
    return FAIL;
  }

  /** An array or object (at its opening bracket): ARR or OBJ with `items` set, or FAIL. */
  private nested(isArray: boolean): number {
    const close = isArray ? 0x5d : 0x7d;
    this.p++;
    let n = 0;
    if (!this.eat(close)) {
      for (;;) {
        if (!isArray && (this.value() !== STR || !this.eat(0x3a))) return FAIL;
        if (this.value() === FAIL) return FAIL;
        n++;
        if (this.eat(0x2c)) continue;
        if (this.eat(close)) break;
        return FAIL;
      }
    }
    this.items = n;
    return isArray ? ARR : OBJ;
  }

  private string(): number {
    const b = this.b;
    const n = b.length;
    let q = this.p + 1;
    let esc = false;
    for (;;) {
      if (q >= n) return FAIL;
      const c = b[q];
      if (c === 0x22) break;
      if (c === 0x5c) {
        // Only JSON's escapes (JSON.parse rejects the others): \" \\ \/ \b \f \n \r \t \uXXXX.
        const e = b[q + 1];
        if (e === 0x75) {
          for (let i = 2; i < 6; i++) if (!isHex(b[q + i])) return FAIL;
          q += 6;
        } else if (
          e === 0x22 ||
          e === 0x5c ||
          e === 0x2f ||
          e === 0x62 ||
          e === 0x66 ||
          e === 0x6e ||
          e === 0x72 ||
          e === 0x74
        ) {
          q += 2;
        } else {
          return FAIL;
        }
        esc = true;
        continue;
      }
      if (c < 0x20) return FAIL; // JSON.parse rejects raw control characters
      q++;
    }
    this.s0 = this.p + 1;
    this.s1 = q;
    this.esc = esc;
    this.p = q + 1;
    return STR;
  }

  /** A JSON number (its grammar checked, as JSON.parse would); integers are read exactly. */
  private number(): number {
    const b = this.b;
    const start = this.p;
    let q = start;
    let neg = false;
    if (b[q] === 0x2d) {
      neg = true;
      q++;
    }
    let c = b[q];
    if (!isDigit(c)) return FAIL;
    let v = 0;
    let digits = 0;
    if (c === 0x30) {
      q++;
      if (isDigit(b[q])) return FAIL; // leading zero
    } else {
      while (isDigit(c)) {
        v = v * 10 + (c - 0x30);
        digits++;
        q++;
        c = b[q];
      }
    }
    c = b[q];
    if (c === 0x2e || c === 0x65 || c === 0x45 || digits > 15) {
      if (c === 0x2e) {
        q++;
        if (!isDigit(b[q])) return FAIL;
        while (isDigit(b[q])) q++;
      }
      c = b[q];
      if (c === 0x65 || c === 0x45) {
        q++;
        if (b[q] === 0x2b || b[q] === 0x2d) q++;
        if (!isDigit(b[q])) return FAIL;
        while (isDigit(b[q])) q++;
      }
      v = Number(Buffer.from(b.buffer, b.byteOffset + start, q - start).toString('latin1'));
      this.num = v;
    } else {
      this.num = neg ? -v : v;
    }
    this.p = q;
    return NUM;
  }

  /** The string just read as a JS string (only for rare cases: escapes, strings in number columns). */
  jsString(): string {
    const s = Buffer.from(this.b.buffer, this.b.byteOffset + this.s0, this.s1 - this.s0).toString('utf8');
    return this.esc ? (JSON.parse(`"${s}"`) as string) : s;
  }

  /** The string just read equals `w` byte for byte (no escapes). */
  strIs(w: Uint8Array): boolean {
    if (this.esc || this.s1 - this.s0 !== w.length) return false;
    const b = this.b;
    for (let i = 0; i < w.length; i++) if (b[this.s0 + i] !== w[i]) return false;
    return true;
  }

  key(): Uint8Array | null {
    if (this.value() !== STR || this.esc) return null;
    const k = this.b.subarray(this.s0, this.s1);
    return this.eat(0x3a) ? k : null;
  }

  ints(): number[] | null {
    if (!this.eat(0x5b)) return null;
    const out: number[] = [];
    if (this.eat(0x5d)) return out;
    for (;;) {
      if (this.value() !== NUM || !Number.isInteger(this.num)) return null;
      out.push(this.num);
      if (this.eat(0x2c)) continue;
      return this.eat(0x5d) ? out : null;
    }
  }

  /** The separator after the value just read: ',' or ']' (0 = neither). */
  sep = 0;

  /** After a value: whitespace, then ',' or ']' (consumed, in `sep`); false if neither. */
  private separator(): boolean {
    this.ws();
    const c = this.b[this.p];
    if (c !== 0x2c && c !== 0x5d) return false;
    this.sep = c;
    this.p++;
    return true;
  }

  /**
   * Fast path: a plain unsigned integer (≤ 15 digits: exact in a double; no sign, fraction, exponent or
   * leading zero) directly followed by ',' or ']' — most values of an answer. Its value,
   * with the separator consumed; -1 (nothing consumed) for anything else.
   */
  private quickUint(): number {
    const b = this.b;
    let p = this.p;
    let c = b[p];
    if (c < 0x30 || c > 0x39) return -1;
    let v = c - 0x30;
    c = b[++p];
    if (v !== 0) {
      let k = 1;
      while (c >= 0x30 && c <= 0x39) {
        if (++k > 15) return -1;
        v = v * 10 + c - 0x30;
        c = b[++p];
      }
    }
    if (c !== 0x2c && c !== 0x5d) return -1;
    this.sep = c;
    this.p = p + 1;
    return v;
  }

  /** Fast path: `null` directly followed by ',' or ']' (consumed). */
  private quickNull(): boolean {
    const b = this.b;
    const p = this.p;
    if (b[p] !== 0x6e || b[p + 1] !== 0x75 || b[p + 2] !== 0x6c || b[p + 3] !== 0x6c) return false;
    const c = b[p + 4];
    if (c !== 0x2c && c !== 0x5d) return false;
    this.sep = c;
    this.p = p + 5;
    return true;
  }

  /**
   * One answer column's values into its sinks (one per schema column it feeds); false on
   * anything unexpected. Integer, time and flag columns have a loop each, so each loop's
   * stores go to one typed-array type, with fast paths tried before the general value
   * reader; the others (text mostly, copied as bytes) share one loop.
   */
  column(sinks: readonly Sink[]): boolean {
    if (!this.eat(0x5b)) return false;
    if (this.eat(0x5d)) return true;
    if (sinks.length === 1) {
      const s = sinks[0];
      if (s.kind === 'int') return s.required ? this.requiredInts(s) : this.intColumn(s.col, s.min, s.max);
      if (s.kind === 'time' && !s.required) return this.timeColumn(s.col);
      if (s.kind === 'flag' && !s.required) return this.flagColumn(s.col);
    }
    for (;;) {
      if (this.quickNull()) {
        for (let k = 0; k < sinks.length; k++) sinks[k].col.pushNull();
      } else {
        const t = this.b[this.p] === 0x22 ? this.string() : this.value();
        if (t === FAIL) return false;
        for (let k = 0; k < sinks.length; k++) this.store(sinks[k], t);
        if (!this.separator()) return false;
      }
      if (this.sep === 0x5d) return true;
    }
  }

  /** A non-nullable integer column (`id`): plain in-range JSON numbers only, else the general path. */
  private requiredInts(s: Sink): boolean {
    const { col, min, max } = s;
    for (;;) {
      let v = this.quickUint();
      if (v < 0) {
        if (this.value() !== NUM) return false;
        v = this.num;
        if (!this.separator()) return false;
      }
      if (!Number.isInteger(v) || v < min || v > max) return false;
      col.pushInt(v);
      if (this.sep === 0x5d) return true;
    }
  }

  private intColumn(col: TypedColumn, min: number, max: number): boolean {
    for (;;) {
      const q = this.quickUint();
      if (q >= 0) {
        if (q >= min && q <= max) col.pushInt(q);
        else col.pushNull();
      } else if (this.quickNull()) {
        col.pushNull();
      } else {
        const t = this.value();
        if (t === FAIL) return false;
        const v = t === NUM ? this.num : t === STR ? int(this.jsString(), min, max) : null;
        if (v !== null && Number.isInteger(v) && v >= min && v <= max) col.pushInt(v);
        else col.pushNull();
        if (!this.separator()) return false;
      }
      if (this.sep === 0x5d) return true;
    }
  }

  private timeColumn(col: TypedColumn): boolean {
    for (;;) {
      const q = this.quickUint();
      if (q > 0) {
        col.pushFloat(q);
      } else if (q === 0 || this.quickNull()) {
        col.pushNull();
      } else {
        const t = this.value();
        if (t === FAIL) return false;
        if (t === NUM && this.num > 0 && Number.isFinite(this.num)) col.pushFloat(this.num);
        else col.pushNull();
        if (!this.separator()) return false;
      }
      if (this.sep === 0x5d) return true;
    }
  }

  /** Fast path: `true` or `false` directly followed by ',' or ']' (consumed): 1, 0, or -1. */
  private quickBool(): number {
    const b = this.b;
    const p = this.p;
    let v: number;
    let end: number;
    if (b[p] === 0x74 && b[p + 1] === 0x72 && b[p + 2] === 0x75 && b[p + 3] === 0x65) {
      v = 1;
      end = p + 4;
    } else if (
      b[p] === 0x66 &&
      b[p + 1] === 0x61 &&
      b[p + 2] === 0x6c &&
      b[p + 3] === 0x73 &&
      b[p + 4] === 0x65
    ) {
      v = 0;
      end = p + 5;
    } else return -1;
    const c = b[end];
    if (c !== 0x2c && c !== 0x5d) return -1;
    this.sep = c;
    this.p = end + 1;
    return v;
  }

  private flagColumn(col: TypedColumn): boolean {
    for (;;) {
      let q = this.quickUint();
      if (q < 0) q = this.quickBool();
      if (q === 0 || q === 1) {
        col.pushBool(q === 1);
      } else if (q > 1 || this.quickNull()) {
        col.pushNull();
      } else {
        const t = this.value();
        if (t === FAIL) return false;
        const v =
          t === TRUE
            ? true
            : t === FALSE
              ? false
              : t === NUM
                ? flag(this.num)
                : t === STR
                  ? flag(this.jsString())
                  : null;
        if (v === null) col.pushNull();
        else col.pushBool(v);
        if (!this.separator()) return false;
      }
      if (this.sep === 0x5d) return true;
    }
  }

  /** The value just read (token `t`) into one sink, by the sink's rule (member-row.ts's meaning). */
  private store(s: Sink, t: number): void {
    const col = s.col;
    switch (s.kind) {
      case 'text':
        if (t !== STR) col.pushNull();
        else if (this.esc) col.pushString(this.jsString());
        else col.pushBytes(this.b, this.s0, this.s1);
        return;
      case 'one_of': {
        if (t === STR && !this.esc) {
          for (const w of s.words) if (this.strIs(w)) return col.pushBytes(w, 0, w.length);
        } else if (t === STR) {
          const v = this.jsString();
          if (s.values.includes(v)) return col.pushString(v);
        }
        return col.pushNull();
      }
      case 'bdate_visibility': {
        const vis = t === STR ? this.bdate().visibility : null;
        if (vis === 'full') col.pushBytes(FULL, 0, FULL.length);
        else if (vis === 'no_year') col.pushBytes(NO_YEAR, 0, NO_YEAR.length);
        else col.pushNull();
        return;
      }
      case 'bdate_year': {
        const year = t === STR ? this.bdate().year : null;
        if (year !== null && year >= s.min && year <= s.max) col.pushInt(year);
        else col.pushNull();
        return;
      }
      case 'count':
        return t === ARR ? col.pushInt(this.items) : col.pushNull();
      case 'length':
        if (t !== STR) return col.pushNull();
        return col.pushInt(
          Math.min(
            LENGTH_MAX,
            this.esc ? textLength(this.jsString())! : codePoints(this.b, this.s0, this.s1),
          ),
        );
      case 'non_empty':
        if (t === STR) return col.pushBool(this.s1 > this.s0);
        return t === ARR || t === OBJ ? col.pushBool(this.items > 0) : col.pushNull();
      case 'int': {
        const v =
          t === NUM ? int(this.num, s.min, s.max) : t === STR ? int(this.jsString(), s.min, s.max) : null;
        return v === null ? col.pushNull() : col.pushInt(v);
      }
      case 'time':
        return t === NUM && this.num > 0 && Number.isFinite(this.num)
          ? col.pushFloat(this.num)
          : col.pushNull();
      case 'flag': {
        const v =
          t === TRUE
            ? true
            : t === FALSE
              ? false
              : t === NUM
                ? flag(this.num)
                : t === STR
                  ? flag(this.jsString())
                  : null;
        return v === null ? col.pushNull() : col.pushBool(v);
      }
    }
  }

  /** Where `bdateMemo` was read: two columns (visibility, year) read each `bdate` once. */
  private bdateAt = -1;
  private bdateMemo: Bdate = { visibility: null, year: null };

  /** `bdate` (the string just read) as visibility and year, any year (the sink bounds it). */
  private bdate(): Bdate {
    if (this.bdateAt !== this.s0) {
      this.bdateMemo = this.parseBdate();
      this.bdateAt = this.s0;
    }
    return this.bdateMemo;
  }

  /** `parseBdate` on the string just read, without making it a JS string when it is plain ASCII "D.M[.YYYY]". */
  private parseBdate(): Bdate {
    const slow = () => parseBdate(this.jsString(), -Infinity, Infinity);
    if (this.esc) return slow();
    const b = this.b;
    let q = this.s0;
    const end = this.s1;
    const digits = (min: number, max: number): number => {
      let n = 0;
      let v = 0;
      while (q < end && isDigit(b[q]) && n < max) {
        v = v * 10 + b[q] - 0x30;
        q++;
        n++;
      }
      return n >= min ? v : -1;
    };
    if (digits(1, 2) < 0 || b[q] !== 0x2e || q >= end) return slow();
    q++;
    if (digits(1, 2) < 0) return slow();
    if (q === end) return { visibility: 'no_year', year: null };
    if (b[q] !== 0x2e) return slow();
    q++;
    const year = digits(4, 4);
    if (year < 0 || q !== end) return slow();
    return { visibility: 'full', year };
  }
}

/** Unicode code points of valid UTF-8 bytes [from, to): every byte but continuation bytes. */
function codePoints(b: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if ((b[i] & 0xc0) !== 0x80) n++;
  return n;
}

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Decode a columns answer, or null when it is anything else (see the file comment). */
export function decodeColumnsAnswer(
  body: Uint8Array,
  pool?: BatchPool,
  schema: MemberSchema = MEMBERS,
): DecodedColumns | null {
  if (!isUtf8(body)) return null;
  const taken: { batch?: MemberBatch } = {};
  let out: DecodedColumns | null = null;
  try {
    out = decode(body, pool, taken, schema);
  } catch {
    // e.g. a string whose escapes JSON.parse refuses: the general path reports it
  }
  if (!out && taken.batch) pool?.release(taken.batch);
  return out;
}

function decode(
  body: Uint8Array,
  pool: BatchPool | undefined,
  taken: { batch?: MemberBatch },
  schema: MemberSchema,
): DecodedColumns | null {
  const d = new Decoder(body);
  if (!d.eat(0x7b)) return null;
  const top = d.key();
  if (!top || !same(top, KEY_RESPONSE) || !d.eat(0x7b)) return null;
  let counts: number[] | null = null;
  let lens: number[] | null = null;
  let batch: MemberBatch | null = null;
  for (;;) {
    const k = d.key();
    if (!k) return null;
    if (same(k, KEY_COUNTS) && !counts) {
      if (!(counts = d.ints())) return null;
    } else if (same(k, KEY_LENS) && !lens) {
      if (!(lens = d.ints())) return null;
    } else if (same(k, KEY_COLS) && !batch) {
      const total = lens ? lens.reduce((a, x) => a + x, 0) : 1024;
      batch = taken.batch = pool ? pool.take(total) : memberBatch(total, schema);
      const sinks = sinksFor(batch, schema);
      if (!d.eat(0x5b)) return null;
      for (let c = 0; c < sinks.length; c++) {
        if (c > 0 && !d.eat(0x2c)) return null;
        if (!d.column(sinks[c])) return null;
      }
      if (!d.eat(0x5d)) return null;
    } else {
      return null;
    }
    if (d.eat(0x2c)) continue;
    if (!d.eat(0x7d)) return null;
    break;
  }
  // Only `response` at the top: `execute_errors` and the like go the general way.
  if (!d.eat(0x7d)) return null;
  d.ws();
  if (d.p !== body.length || !counts || !lens || !batch) return null;
  const total = lens.reduce((a, x) => a + x, 0);
  const n = batch.columns.id.length;
  for (const col of Object.values(batch.columns)) if (col.length !== n) return null;
  if (n !== total) return null;
  // A required column's value missing: the general path reports the member.
  for (const c of schema.columns)
    if (!c.nullable && !batch.columns[c.name].valid.subarray(0, n).every((v) => v === 1)) return null;
  batch.length = n;
  return new DecodedColumns(counts, lens, batch);
}
