/**
 * Builds a large JSON answer directly as UTF-8 bytes in reusable-size chunks. Joining
 * 25,000 user strings into one JS string and then encoding it costs two extra full copies
 * and most of the garbage-collector time in the serving benchmark; writing each piece into
 * a Buffer as it is produced avoids both, and the byte length (for the 5 MB execute limit
 * and Content-Length) comes for free.
 *
 * Besides text (`write`), the sink takes bytes (`raw`: pre-encoded key text and cached
 * UTF-8 strings), single ASCII bytes and integers written digit by digit: user-writer.ts
 * writes every user through these, so no per-user JS string is built or encoded.
 */
const CHUNK = 1 << 20;

/** Text shorter than this is copied char by char when it is ASCII (no call into the encoder). */
const SHORT_TEXT = 64;

/** Byte fragments shorter than this are copied with a loop; longer ones with `set` (one native call). */
const SHORT_BYTES = 16;

/**
 * Answer-sized chunks handed back by `release` once an answer has been sent. A fresh
 * 1 MB buffer per request is a fresh mapping the kernel must fault in page by page (about
 * 130 faults per groups.getMembers page); a reused one is already mapped. Chunks hold
 * bytes only while one answer is built and sent, never from one request to the next.
 */
const pool: Buffer[] = [];
const EMPTY = Buffer.alloc(0);
const POOL_MAX = 8;

const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NULL = new Uint8Array(Buffer.from('null'));

/**
 * Short strings that need escapes or UTF-8 encoding, as quoted JSON bytes: the columns
 * answer repeats a few hundred first names, city and country titles and statuses 25,000
 * times each. Bounded, so a stream of distinct strings cannot grow it forever.
 */
const quoted = new Map<string, Uint8Array>();
const QUOTED_MAX = 50_000;
let lastQuoted = '';
let lastQuotedBytes: Uint8Array = new Uint8Array(Buffer.from('""'));

/** ASCII "00", "01", … "99", two bytes each. */
const DIGIT_PAIRS = Uint8Array.from(
  { length: 200 },
  (_, i) => 48 + (i % 2 === 0 ? Math.floor(i / 20) : (i >> 1) % 10),
);

export class JsonSink {
  private chunks: Buffer[] = [];
  /** Every chunk this sink took (whole), for `release`. */
  private taken: Buffer[] = [];
  private cur: Buffer;
  private pos = 0;
  private done = 0;
  /** Where the bytes not yet handed out by `drain` begin in `cur`. */
  private start = 0;

  /** `chunkBytes`: size of each chunk (1 MB for answers; small for one user's JSON). */
  constructor(private readonly chunkBytes = CHUNK) {
    this.cur = this.take(chunkBytes);
  }

  private take(size: number): Buffer {
    const b = size === CHUNK && pool.length > 0 ? pool.pop()! : Buffer.allocUnsafe(size);
    this.taken.push(b);
    return b;
  }

  /**
   * Gives this sink's chunks back for reuse. Only when nothing refers to its bytes any
   * more (the server calls it when the HTTP answer has been handed to the kernel); the
   * sink must not be used afterwards.
   */
  release(): void {
    for (const b of this.taken) if (b.length === CHUNK && pool.length < POOL_MAX) pool.push(b);
    this.taken = [];
    this.chunks = [];
    this.cur = EMPTY;
    this.pos = 0;
    this.done = 0;
    this.start = 0;
  }

  /** Bytes written so far (drained ones included). */
  get length(): number {
    return this.done + this.pos - this.start;
  }

  /** Room for `n` more bytes in the current chunk: a new chunk if it is short. */
  private room(n: number): void {
    if (this.pos + n > this.cur.length) this.flushChunk(n);
  }

  /** Text (any characters): encoded as UTF-8. */
  write(s: string): void {
    const n = s.length;
    if (n < SHORT_TEXT) {
      if (this.pos + n > this.cur.length) this.flushChunk(n * 3);
      const buf = this.cur;
      const p = this.pos;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[p + i] = c;
      }
      if (i === n) {
        this.pos = p + n;
        return;
      }
      // Not ASCII: the bytes copied so far are overwritten by the encoder.
    }
    // A UTF-8 char takes at most 3 bytes per UTF-16 unit.
    this.room(n * 3);
    this.pos += this.cur.write(s, this.pos, 'utf8');
  }

  /** Bytes, copied as they are (pre-encoded UTF-8 text). */
  raw(bytes: Uint8Array): void {
    const n = bytes.length;
    if (this.pos + n > this.cur.length) this.flushChunk(n);
    const buf = this.cur;
    const p = this.pos;
    if (n < SHORT_BYTES) {
      for (let i = 0; i < n; i++) buf[p + i] = bytes[i];
    } else {
      buf.set(bytes, p);
    }
    this.pos = p + n;
  }

  /** One byte (an ASCII character code). */
  byte(c: number): void {
    if (this.pos >= this.cur.length) this.flushChunk(1);
    this.cur[this.pos++] = c;
  }

  /** A number as `String(v)` writes it; whole numbers in 0…2^53 digit by digit (the ids, times and counts of every user). */
  num(v: number): void {
    if (!(v >= 0 && v <= Number.MAX_SAFE_INTEGER && Math.floor(v) === v)) {
      this.write(String(v));
      return;
    }
    // Digit count by comparisons, digits in int32 arithmetic below 2^31 (ids, times,
    // counts): `(t / 100) | 0` compiles to a multiply, where Math.floor of a double divides.
    let digits: number;
    if (v < 1e5) digits = v < 1e2 ? (v < 1e1 ? 1 : 2) : v < 1e3 ? 3 : v < 1e4 ? 4 : 5;
    else if (v < 1e10) digits = v < 1e7 ? (v < 1e6 ? 6 : 7) : v < 1e8 ? 8 : v < 1e9 ? 9 : 10;
    else {
      digits = 10;
      for (let t = v; t >= 1e10; t = Math.floor(t / 10)) digits++;
    }
    if (this.pos + digits > this.cur.length) this.flushChunk(digits);
    const buf = this.cur;
    let p = this.pos + digits;
    this.pos = p;
    let t = v;
    // Two digits per division (a table of "00".."99").
    while (t > 0x7fffffff) {
      const q = Math.floor(t / 100);
      const r = (t - q * 100) * 2;
      buf[--p] = DIGIT_PAIRS[r + 1];
      buf[--p] = DIGIT_PAIRS[r];
      t = q;
    }
    let ti = t | 0;
    while (ti >= 100) {
      const q = (ti / 100) | 0;
      const r = (ti - q * 100) * 2;
      buf[--p] = DIGIT_PAIRS[r + 1];
      buf[--p] = DIGIT_PAIRS[r];
      ti = q;
    }
    if (ti >= 10) {
      buf[p - 1] = DIGIT_PAIRS[ti * 2 + 1];
      buf[p - 2] = DIGIT_PAIRS[ti * 2];
    } else {
      buf[p - 1] = 48 + ti;
    }
  }

  /**
   * A list as JSON (`JsonWriter.list`): null, booleans, numbers and strings written here
   * byte for byte as `JSON.stringify` writes them (execute's columns: 26 lists of 25,000
   * values per answer), anything else (objects, users) by `other`.
   */
  list(items: readonly unknown[], other: (item: unknown) => void): void {
    const n = items.length;
    // One-digit numbers (flags, sexes, relations, platforms), null, true and false are
    // most of the columns' values: written here with their comma (room for the longest,
    // ",false", checked once); longer numbers and strings through the methods below.
    let buf = this.cur;
    let p = this.pos;
    if (p >= buf.length) {
      this.flushChunk(1);
      buf = this.cur;
      p = this.pos;
    }
    buf[p++] = 0x5b; // [
    for (let i = 0; i < n; i++) {
      const x = items[i];
      if (p + 6 > buf.length) {
        this.pos = p;
        this.flushChunk(6);
        buf = this.cur;
        p = this.pos;
      }
      if (i) buf[p++] = COMMA;
      if (typeof x === 'number') {
        if (x >= 0 && x < 10 && (x | 0) === x) {
          buf[p++] = 48 + x;
          continue;
        }
        this.pos = p;
        if (Number.isFinite(x)) this.num(x);
        else this.raw(NULL);
      } else if (x === null) {
        buf[p] = 0x6e; // null
        buf[p + 1] = 0x75;
        buf[p + 2] = 0x6c;
        buf[p + 3] = 0x6c;
        p += 4;
        continue;
      } else if (x === true) {
        buf[p] = 0x74; // true
        buf[p + 1] = 0x72;
        buf[p + 2] = 0x75;
        buf[p + 3] = 0x65;
        p += 4;
        continue;
      } else if (x === false) {
        buf[p] = 0x66; // false
        buf[p + 1] = 0x61;
        buf[p + 2] = 0x6c;
        buf[p + 3] = 0x73;
        buf[p + 4] = 0x65;
        p += 5;
        continue;
      } else {
        this.pos = p;
        if (typeof x === 'string') this.jsonString(x);
        else other(x);
      }
      buf = this.cur;
      p = this.pos;
    }
    this.pos = p;
    this.byte(0x5d); // ]
  }

  /** A string as `JSON.stringify` writes it: printable ASCII copied, anything else encoded once and remembered. */
  jsonString(s: string): void {
    const n = s.length;
    if (n < SHORT_TEXT) {
      if (this.pos + n + 2 > this.cur.length) this.flushChunk(n + 2);
      const buf = this.cur;
      const p = this.pos;
      buf[p] = QUOTE;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c < 0x20 || c >= 0x80 || c === QUOTE || c === BACKSLASH) break;
        buf[p + 1 + i] = c;
      }
      if (i === n) {
        buf[p + 1 + n] = QUOTE;
        this.pos = p + n + 2;
        return;
      }
      // Escapes or non-ASCII: the bytes copied so far are overwritten below. A column
      // often repeats its last string (country titles): that one is kept at hand.
      if (s === lastQuoted) {
        this.raw(lastQuotedBytes);
        return;
      }
      let bytes = quoted.get(s);
      if (bytes === undefined) {
        bytes = new Uint8Array(Buffer.from(JSON.stringify(s), 'utf8'));
        if (quoted.size < QUOTED_MAX) quoted.set(s, bytes);
      }
      lastQuoted = s;
      lastQuotedBytes = bytes;
      this.raw(bytes);
      return;
    }
    this.write(JSON.stringify(s));
  }

  private flushChunk(need: number): void {
    if (this.pos > this.start) {
      this.chunks.push(this.cur.subarray(this.start, this.pos));
      this.done += this.pos - this.start;
    }
    this.cur = this.take(Math.max(this.chunkBytes, need));
    this.pos = 0;
    this.start = 0;
  }

  /** The bytes written (since the last `drain`), as a list of buffers (no final copy). */
  buffers(): Buffer[] {
    return this.pos > this.start
      ? [...this.chunks, this.cur.subarray(this.start, this.pos)]
      : [...this.chunks];
  }

  /**
   * The bytes written since the last drain, handed out to be sent while writing goes on
   * (a getMembers page is sent in parts). They stay this sink's: `release` only once they are sent.
   */
  drain(): Buffer[] {
    const out = this.buffers();
    this.done += this.pos - this.start;
    this.start = this.pos;
    this.chunks = [];
    return out;
  }

  /** The bytes written (since the last `drain`), decoded with `encoding`. */
  toString(encoding: 'utf8' | 'latin1' = 'utf8'): string {
    if (this.chunks.length === 0) return this.cur.toString(encoding, this.start, this.pos);
    return Buffer.concat(this.buffers()).toString(encoding);
  }
}
