/**
 * Column readers for the audit stage: turn one arquero column into a compact typed array
 * in a single pass, so the summaries are plain loops over typed arrays.
 *
 * Why not arquero verbs for everything: at 2.5M members a derive/groupby over several
 * columns costs ~1 s each (docs/toolchain.md), and status + time + geography must
 * finish in ≤ 3 s together (README, "Benchmarks"). Reading each needed column
 * once into a typed array and looping is several times faster (measured in
 * bench/audit.ts). Results are still returned as tidy arquero tables.
 *
 * Two kinds of column arrive here: plain JS arrays (tables built from objects, e.g. in the
 * tests) and flechette Arrow columns (snapshots loaded with `fromArrow`). Arrow columns
 * are read batch by batch straight from the value buffers and validity bitmaps (no string
 * decoding for the category columns); anything else goes through `at(i)`, which is
 * correct for every column kind, only slower.
 */
import type { ColumnTable } from 'arquero';

/** What the readers need from an arquero column (both kinds provide `length` and `at`). */
interface ColumnLike {
  length: number;
  at(index: number): unknown;
  data?: readonly ArrowBatchLike[];
}

/** The parts of a flechette batch the fast paths use (duck-typed: flechette is arquero's). */
interface ArrowBatchLike {
  length: number;
  nullCount: number;
  type: { typeId: number };
  validity: Uint8Array | null;
  values: unknown;
  offsets: unknown;
}

// Arrow type ids (Arrow format spec, Schema.fbs `Type` union).
const ARROW_INT = 2;
const ARROW_FLOAT = 3;
const ARROW_UTF8 = 5;
const ARROW_BOOL = 6;

/** Fails with a message naming the missing columns and what to do about it. */
export function requireColumns(table: ColumnTable, names: readonly string[], what: string): void {
  const missing = names.filter((n) => table.column(n) === undefined);
  if (missing.length > 0) {
    throw new Error(
      `${what}: the members table has no column(s) ${missing.map((m) => `"${m}"`).join(', ')}; ` +
        `it must follow the snapshot format (docs/snapshot.md): re-pull the snapshot, or add the columns as all-null.`,
    );
  }
}

/**
 * Reads are cached per table (a WeakMap: freed with the table), so status, time,
 * geography and quality reading the same column pay once. Callers must not modify the
 * arrays they get back.
 */
const cache = new WeakMap<ColumnTable, Map<string, unknown>>();

function cached<T>(table: ColumnTable, key: string, read: () => T): T {
  let m = cache.get(table);
  if (!m) {
    m = new Map();
    cache.set(table, m);
  }
  if (m.has(key)) return m.get(key) as T;
  const v = read();
  m.set(key, v);
  return v;
}

function getColumn(table: ColumnTable, name: string, what: string): ColumnLike {
  const col = table.column(name) as unknown as ColumnLike | undefined;
  if (col === undefined) requireColumns(table, [name], what);
  return col as ColumnLike;
}

function arrowBatches(col: ColumnLike, typeIds: readonly number[]): readonly ArrowBatchLike[] | null {
  const data = col.data;
  if (!Array.isArray(data)) return null;
  for (const b of data as ArrowBatchLike[]) {
    if (b === null || typeof b !== 'object' || !b.type || !typeIds.includes(b.type.typeId)) return null;
  }
  return data as ArrowBatchLike[];
}

function isValidBit(validity: Uint8Array | null, j: number): boolean {
  return validity === null || (validity[j >> 3] & (1 << (j & 7))) !== 0;
}

/**
 * A numeric column as Float64Array, NaN where null (or not a finite number: a string or a
 * boolean in a numeric column is a contract violation and is reported, not coerced).
 */
export function readNumber(table: ColumnTable, name: string, what: string): Float64Array {
  return cached(table, `number:${name}`, () => readNumberUncached(table, name, what));
}

function readNumberUncached(table: ColumnTable, name: string, what: string): Float64Array {
  const col = getColumn(table, name, what);
  const n = table.numRows();
  const out = new Float64Array(n);
  const batches = arrowBatches(col, [ARROW_INT, ARROW_FLOAT]);
  if (
    batches &&
    batches.every((b) => isPlainNumberArray(b.values)) &&
    !table.isFiltered() &&
    !table.isOrdered()
  ) {
    let row = 0;
    for (const b of batches) {
      const values = b.values as ArrayLike<number>;
      const validity = b.nullCount > 0 ? b.validity : null;
      for (let j = 0; j < b.length; j++) out[row + j] = isValidBit(validity, j) ? values[j] : NaN;
      row += b.length;
    }
    return out;
  }
  const values = table.array(name) as ArrayLike<unknown>;
  let bad: unknown = undefined;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) out[i] = NaN;
    else if (typeof v === 'number') out[i] = v;
    else {
      bad = v;
      out[i] = NaN;
    }
  }
  if (bad !== undefined) {
    throw new Error(
      `${what}: column "${name}" must hold numbers or nulls, found ${JSON.stringify(bad)}; check the snapshot against its format (docs/snapshot.md).`,
    );
  }
  return out;
}

function isPlainNumberArray(v: unknown): boolean {
  return (
    ArrayBuffer.isView(v) &&
    !(v instanceof BigInt64Array) &&
    !(v instanceof BigUint64Array) &&
    !(v instanceof DataView)
  );
}

/** Codes of a boolean column: 1 true, 0 false, -1 null. */
export function readBool(table: ColumnTable, name: string, what: string): Int8Array {
  return cached(table, `bool:${name}`, () => readBoolUncached(table, name, what));
}

function readBoolUncached(table: ColumnTable, name: string, what: string): Int8Array {
  const col = getColumn(table, name, what);
  const n = table.numRows();
  const out = new Int8Array(n);
  const batches = arrowBatches(col, [ARROW_BOOL]);
  if (batches && !table.isFiltered() && !table.isOrdered()) {
    let row = 0;
    for (const b of batches) {
      const bits = b.values as Uint8Array;
      const validity = b.nullCount > 0 ? b.validity : null;
      for (let j = 0; j < b.length; j++) {
        out[row + j] = !isValidBit(validity, j) ? -1 : (bits[j >> 3] & (1 << (j & 7))) !== 0 ? 1 : 0;
      }
      row += b.length;
    }
    return out;
  }
  const values = table.array(name) as ArrayLike<unknown>;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    // VK sends 0/1 for flags; a snapshot may keep them as numbers: accept both.
    if (v === null || v === undefined) out[i] = -1;
    else if (v === true || v === 1) out[i] = 1;
    else if (v === false || v === 0) out[i] = 0;
    else
      throw new Error(`${what}: column "${name}" must hold booleans or nulls, found ${JSON.stringify(v)}.`);
  }
  return out;
}

/** Category codes are small ints; these two mark the values outside `levels`. */
export const CODE_NULL = -1;
export const CODE_OTHER = -2;

/**
 * Codes of a string column against known `levels`: index into `levels`, CODE_NULL for
 * null, CODE_OTHER for any other string (callers decide whether that is an error; the
 * first such value is returned so the message can name it).
 */
export function readCategory(
  table: ColumnTable,
  name: string,
  levels: readonly string[],
  what: string,
): { codes: Int8Array; firstOther: string | null } {
  return cached(table, `category:${name}:${JSON.stringify(levels)}`, () =>
    readCategoryUncached(table, name, levels, what),
  );
}

function readCategoryUncached(
  table: ColumnTable,
  name: string,
  levels: readonly string[],
  what: string,
): { codes: Int8Array; firstOther: string | null } {
  if (levels.length > 120) throw new Error(`readCategory: too many levels for "${name}"`);
  const col = getColumn(table, name, what);
  const n = table.numRows();
  const codes = new Int8Array(n);
  let firstOther: string | null = null;
  const batches = arrowBatches(col, [ARROW_UTF8]);
  if (
    batches &&
    batches.every((b) => b.offsets instanceof Int32Array && b.values instanceof Uint8Array) &&
    !table.isFiltered() &&
    !table.isOrdered()
  ) {
    // Compare UTF-8 bytes with the encoded levels: no string is decoded on this path.
    const enc = levels.map((l) => new TextEncoder().encode(l));
    let row = 0;
    for (const b of batches) {
      const bytes = b.values as Uint8Array;
      const offs = b.offsets as Int32Array;
      const validity = b.nullCount > 0 ? b.validity : null;
      for (let j = 0; j < b.length; j++) {
        if (!isValidBit(validity, j)) {
          codes[row + j] = CODE_NULL;
          continue;
        }
        const start = offs[j];
        const len = offs[j + 1] - start;
        let code = CODE_OTHER;
        for (let k = 0; k < enc.length; k++) {
          const e = enc[k];
          if (e.length !== len) continue;
          let same = true;
          for (let m = 0; m < len; m++) {
            if (bytes[start + m] !== e[m]) {
              same = false;
              break;
            }
          }
          if (same) {
            code = k;
            break;
          }
        }
        if (code === CODE_OTHER && firstOther === null)
          firstOther = new TextDecoder().decode(bytes.subarray(start, start + len));
        codes[row + j] = code;
      }
      row += b.length;
    }
    return { codes, firstOther };
  }
  const values = table.array(name) as ArrayLike<unknown>;
  const lookup = new Map(levels.map((l, k) => [l, k] as const));
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      codes[i] = CODE_NULL;
      continue;
    }
    const k = typeof v === 'string' ? lookup.get(v) : undefined;
    if (k === undefined) {
      codes[i] = CODE_OTHER;
      if (firstOther === null) firstOther = String(v);
    } else codes[i] = k;
  }
  return { codes, firstOther };
}

/** One value of any column by row number in table order (for the few rows whose strings we need). */
export function valueAt(table: ColumnTable, name: string, row: number): unknown {
  return table.get(name, row);
}

/** A string column decoded in full (null stays null); for the quality name checks. */
export function readStrings(table: ColumnTable, name: string, what: string): (string | null)[] {
  getColumn(table, name, what);
  const n = table.numRows();
  const out = new Array<string | null>(n);
  const values = table.array(name) as ArrayLike<unknown>;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) out[i] = null;
    else if (typeof v === 'string') out[i] = v;
    else throw new Error(`${what}: column "${name}" must hold strings or nulls, found ${JSON.stringify(v)}.`);
  }
  return out;
}

/**
 * A string column dictionary-encoded: `codes[i]` indexes `values` (-1 = null). On Arrow
 * utf8 batches each distinct byte string is decoded once (an open-addressing hash over
 * the bytes, with an exact byte comparison on every hit), so a column of 2.5M first
 * names with a few thousand distinct values costs a few thousand decodes, not 2.5M.
 */
export function readDictionary(
  table: ColumnTable,
  name: string,
  what: string,
): { codes: Int32Array; values: string[] } {
  return cached(table, `dictionary:${name}`, () => readDictionaryUncached(table, name, what));
}

function fnv1a(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

function readDictionaryUncached(
  table: ColumnTable,
  name: string,
  what: string,
): { codes: Int32Array; values: string[] } {
  const col = getColumn(table, name, what);
  const n = table.numRows();
  const codes = new Int32Array(n);
  const values: string[] = [];
  const batches = arrowBatches(col, [ARROW_UTF8]);
  if (
    batches &&
    batches.every((b) => b.offsets instanceof Int32Array && b.values instanceof Uint8Array) &&
    !table.isFiltered() &&
    !table.isOrdered()
  ) {
    const decoder = new TextDecoder();
    const reps: Uint8Array[] = [];
    const hashes: number[] = [];
    let cap = 1024;
    let slots = new Int32Array(cap).fill(-1);
    const insertSlot = (h: number, k: number): void => {
      let idx = h & (cap - 1);
      while (slots[idx] !== -1) idx = (idx + 1) & (cap - 1);
      slots[idx] = k;
    };
    let row = 0;
    for (const b of batches) {
      const bytes = b.values as Uint8Array;
      const offs = b.offsets as Int32Array;
      const validity = b.nullCount > 0 ? b.validity : null;
      for (let j = 0; j < b.length; j++, row++) {
        if (!isValidBit(validity, j)) {
          codes[row] = -1;
          continue;
        }
        const start = offs[j];
        const end = offs[j + 1];
        const len = end - start;
        const h = fnv1a(bytes, start, end);
        let idx = h & (cap - 1);
        let code = -1;
        for (;;) {
          const s = slots[idx];
          if (s === -1) break;
          if (hashes[s] === h) {
            const rep = reps[s];
            if (rep.length === len) {
              let same = true;
              for (let m = 0; m < len; m++) {
                if (rep[m] !== bytes[start + m]) {
                  same = false;
                  break;
                }
              }
              if (same) {
                code = s;
                break;
              }
            }
          }
          idx = (idx + 1) & (cap - 1);
        }
        if (code === -1) {
          code = values.length;
          const rep = bytes.subarray(start, end);
          values.push(decoder.decode(rep));
          reps.push(rep);
          hashes.push(h);
          slots[idx] = code;
          if (values.length * 2 > cap) {
            cap *= 2;
            slots = new Int32Array(cap).fill(-1);
            for (let k = 0; k < values.length; k++) insertSlot(hashes[k], k);
          }
        }
        codes[row] = code;
      }
    }
    return { codes, values };
  }
  const raw = table.array(name) as ArrayLike<unknown>;
  const lookup = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const v = raw[i];
    if (v === null || v === undefined) {
      codes[i] = -1;
      continue;
    }
    if (typeof v !== 'string')
      throw new Error(`${what}: column "${name}" must hold strings or nulls, found ${JSON.stringify(v)}.`);
    let k = lookup.get(v);
    if (k === undefined) {
      k = values.length;
      values.push(v);
      lookup.set(v, k);
    }
    codes[i] = k;
  }
  return { codes, values };
}
