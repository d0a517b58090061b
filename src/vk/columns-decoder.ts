/**
 * Fast path for the execute answer in the "columns" shape (members-script.ts):
 * `{"response":{"counts":[…],"lens":[…],"cols":[[ids…],[first names…],…]}}`, decoded from
 * the HTTP body's bytes straight into Arrow-ready columns (snapshot/typed-batch.ts).
 *
 * Why: the general path — UTF-8 bytes → JS string → JSON.parse → one JS value per field →
 * converters → JS arrays → Arrow buffers, re-encoding every string to UTF-8 — was most of
 * the pull's CPU (profile in the README). Here text is copied byte for byte (the body is
 * checked to be valid UTF-8 once), integers are read digit by digit into typed arrays,
 * and nothing per field is allocated.
 *
 * The rules are those of `appendProjected` / `toMemberRow` (snapshot/member-row.ts),
 * value for value — a test compares the two paths on adversarial answers. Anything this
 * decoder does not expect (an error answer, `execute_errors`, another key, a nested value,
 * an invalid id, columns of the wrong number or length, malformed JSON, invalid UTF-8)
 * makes it return null, and the caller parses the answer the general way, which then
 * classifies or reports it as before.
 */
import { isUtf8 } from 'node:buffer';
import { INT32_MAX, deactivated, flag, int, parseBdate, text } from '../snapshot/member-row';
import type { MemberRow } from '../snapshot/schema';
import { typedBatch, type BatchPool, type TypedBatch, type TypedColumn } from '../snapshot/typed-batch';
import { PROJECTED } from './members-script';

export class DecodedColumns {
  constructor(
    readonly counts: number[],
    readonly lens: number[],
    readonly batch: TypedBatch,
  ) {}
}

// Token kinds returned by Decoder.value().
const NUM = 0;
const STR = 1;
const TRUE = 2;
const FALSE = 3;
const NULL = 4;
const FAIL = -1;

type Sink =
  | { kind: 'id'; col: TypedColumn }
  | { kind: 'int'; col: TypedColumn; min: number; max: number }
  | { kind: 'time'; col: TypedColumn }
  | { kind: 'flag'; col: TypedColumn }
  | { kind: 'text'; col: TypedColumn }
  | { kind: 'deactivated'; col: TypedColumn }
  | { kind: 'bdate'; vis: TypedColumn; year: TypedColumn };

/** Projected field → how its values are stored (the same table as members-script's DIRECT). */
const RULES: Readonly<
  Record<string, { kind: Sink['kind']; column: keyof MemberRow; min?: number; max?: number }>
> = {
  id: { kind: 'id', column: 'id' },
  first_name: { kind: 'text', column: 'first_name' },
  deactivated: { kind: 'deactivated', column: 'deactivated' },
  is_closed: { kind: 'flag', column: 'is_closed' },
  can_access_closed: { kind: 'flag', column: 'can_access_closed' },
  sex: { kind: 'int', column: 'sex', min: 0, max: 2 },
  bdate: { kind: 'bdate', column: 'bdate_visibility' },
  city_id: { kind: 'int', column: 'city_id', min: 0, max: INT32_MAX },
  city_title: { kind: 'text', column: 'city_title' },
  country_id: { kind: 'int', column: 'country_id', min: 0, max: INT32_MAX },
  country_title: { kind: 'text', column: 'country_title' },
  has_photo: { kind: 'flag', column: 'has_photo' },
  last_seen_time: { kind: 'time', column: 'last_seen_time' },
  last_seen_platform: { kind: 'int', column: 'last_seen_platform', min: 0, max: 127 },
  online_info_visible: { kind: 'flag', column: 'online_info_visible' },
  online_info_status: { kind: 'text', column: 'online_info_status' },
  followers_count: { kind: 'int', column: 'followers_count', min: 0, max: INT32_MAX },
  can_send_friend_request: { kind: 'flag', column: 'can_send_friend_request' },
  can_write_private_message: { kind: 'flag', column: 'can_write_private_message' },
  can_see_all_posts: { kind: 'flag', column: 'can_see_all_posts' },
  relation: { kind: 'int', column: 'relation', min: 0, max: 127 },
  university: { kind: 'int', column: 'university_id', min: 0, max: INT32_MAX },
  graduation: { kind: 'int', column: 'graduation_year', min: 0, max: 32767 },
  education_status: { kind: 'text', column: 'education_status' },
  occupation_type: { kind: 'text', column: 'occupation_type' },
  verified: { kind: 'flag', column: 'verified' },
};

function sinksFor(batch: TypedBatch): Sink[] {
  return PROJECTED.map(([name]) => {
    const r = RULES[name];
    const col = batch.columns[r.column];
    if (r.kind === 'bdate')
      return { kind: 'bdate', vis: batch.columns.bdate_visibility, year: batch.columns.birth_year };
    if (r.kind === 'int') return { kind: 'int', col, min: r.min!, max: r.max! };
    return { kind: r.kind, col } as Sink;
  });
}

const DELETED = Buffer.from('deleted');
const BANNED = Buffer.from('banned');
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

  /** One scalar JSON value; nested arrays and objects are FAIL (the general path takes them). */
  value(): number {
    this.ws();
    const b = this.b;
    const c = b[this.p];
    if (c === 0x22) return this.string();
    if (c === 0x6e) return this.word('null', NULL);
    if (c === 0x74) return this.word('true', TRUE);
    if (c === 0x66) return this.word('false', FALSE);
    if (c === 0x2d || isDigit(c)) return this.number();
    return FAIL;
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
   * One column's values into its sink; false on anything unexpected. One loop per kind of
   * column, so each loop's stores go to one typed-array type; each tries the fast paths
   * before the general value reader.
   */
  column(sink: Sink): boolean {
    if (!this.eat(0x5b)) return false;
    if (this.eat(0x5d)) return true;
    switch (sink.kind) {
      case 'id':
        return this.ids(sink.col);
      case 'int':
        return this.intColumn(sink.col, sink.min, sink.max);
      case 'time':
        return this.timeColumn(sink.col);
      case 'flag':
        return this.flagColumn(sink.col);
      default: {
        for (;;) {
          if (this.quickNull()) {
            this.storeNull(sink);
          } else {
            const t = this.b[this.p] === 0x22 ? this.string() : this.value();
            if (t === FAIL) return false;
            this.store(sink, t);
            if (!this.separator()) return false;
          }
          if (this.sep === 0x5d) return true;
        }
      }
    }
  }

  private ids(col: TypedColumn): boolean {
    for (;;) {
      let v = this.quickUint();
      if (v < 0) {
        if (this.value() !== NUM) return false;
        v = this.num;
        if (!this.separator()) return false;
      }
      if (!Number.isInteger(v) || v < 1 || v > INT32_MAX) return false;
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

  private storeNull(sink: Sink): void {
    if (sink.kind === 'bdate') {
      sink.vis.pushNull();
      sink.year.pushNull();
    } else if (sink.kind === 'text' || sink.kind === 'deactivated') {
      sink.col.pushNull();
    }
  }

  /** Text, deactivated and bdate columns (few per answer, strings mostly copied as bytes). */
  private store(sink: Sink, t: number): void {
    switch (sink.kind) {
      case 'text': {
        if (t !== STR) sink.col.pushNull();
        else if (this.esc) sink.col.pushString(text(this.jsString())!);
        else sink.col.pushBytes(this.b, this.s0, this.s1);
        return;
      }
      case 'deactivated': {
        if (t === STR && this.strIs(DELETED)) sink.col.pushBytes(DELETED, 0, DELETED.length);
        else if (t === STR && this.strIs(BANNED)) sink.col.pushBytes(BANNED, 0, BANNED.length);
        else if (t === STR && this.esc) {
          const v = deactivated(this.jsString());
          if (v === null) sink.col.pushNull();
          else sink.col.pushString(v);
        } else sink.col.pushNull();
        return;
      }
      case 'bdate': {
        const { visibility, year } = t === STR ? this.bdate() : { visibility: null, year: null };
        if (visibility === 'full') sink.vis.pushBytes(FULL, 0, FULL.length);
        else if (visibility === 'no_year') sink.vis.pushBytes(NO_YEAR, 0, NO_YEAR.length);
        else sink.vis.pushNull();
        if (year === null) sink.year.pushNull();
        else sink.year.pushInt(year);
        return;
      }
      default:
        throw new Error(`internal: column kind ${sink.kind} has its own loop`);
    }
  }

  /** `parseBdate` on the string just read, without making it a JS string when it is plain ASCII "D.M[.YYYY]". */
  private bdate(): ReturnType<typeof parseBdate> {
    if (this.esc) return parseBdate(this.jsString());
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
    if (digits(1, 2) < 0 || b[q] !== 0x2e || q >= end) return parseBdate(this.jsString());
    q++;
    if (digits(1, 2) < 0) return parseBdate(this.jsString());
    if (q === end) return { visibility: 'no_year', year: null };
    if (b[q] !== 0x2e) return parseBdate(this.jsString());
    q++;
    const year = digits(4, 4);
    if (year < 0 || q !== end) return parseBdate(this.jsString());
    return { visibility: 'full', year: year >= 1900 && year <= 2100 ? year : null };
  }
}

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Decode a columns answer, or null when it is anything else (see the file comment). */
export function decodeColumnsAnswer(body: Uint8Array, pool?: BatchPool): DecodedColumns | null {
  if (!isUtf8(body)) return null;
  const taken: { batch?: TypedBatch } = {};
  let out: DecodedColumns | null = null;
  try {
    out = decode(body, pool, taken);
  } catch {
    // e.g. a string whose escapes JSON.parse refuses: the general path reports it
  }
  if (!out && taken.batch) pool?.release(taken.batch);
  return out;
}

function decode(
  body: Uint8Array,
  pool: BatchPool | undefined,
  taken: { batch?: TypedBatch },
): DecodedColumns | null {
  const d = new Decoder(body);
  if (!d.eat(0x7b)) return null;
  const top = d.key();
  if (!top || !same(top, KEY_RESPONSE) || !d.eat(0x7b)) return null;
  let counts: number[] | null = null;
  let lens: number[] | null = null;
  let batch: TypedBatch | null = null;
  for (;;) {
    const k = d.key();
    if (!k) return null;
    if (same(k, KEY_COUNTS) && !counts) {
      if (!(counts = d.ints())) return null;
    } else if (same(k, KEY_LENS) && !lens) {
      if (!(lens = d.ints())) return null;
    } else if (same(k, KEY_COLS) && !batch) {
      const total = lens ? lens.reduce((a, x) => a + x, 0) : 1024;
      batch = taken.batch = pool ? pool.take(total) : typedBatch(total);
      const sinks = sinksFor(batch);
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
  batch.length = n;
  return new DecodedColumns(counts, lens, batch);
}
