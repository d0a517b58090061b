import { ModelSpecError } from '../formula/errors';

/** One raw value of a data column as the engine accepts it. */
export type RawValue = number | string | boolean | bigint | null | undefined;
export type ColumnInput = ArrayLike<RawValue>;

/** The subset of an arquero table the engine reads (duck-typed, so arquero stays optional). */
export interface TableLike {
  columnNames(): string[];
  numRows(): number;
  array(name: string): ArrayLike<unknown>;
}

/** Data for a model: an arquero table or plain columns of equal length. */
export type DataInput = TableLike | Record<string, ColumnInput>;

function isTableLike(x: unknown): x is TableLike {
  const t = x as TableLike;
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof t.columnNames === 'function' &&
    typeof t.numRows === 'function' &&
    typeof t.array === 'function'
  );
}

/** Uniform access to named columns of either input shape, with clear errors. */
export class DataSource {
  readonly names: readonly string[];
  readonly nRows: number;
  private readonly get: (name: string) => ArrayLike<unknown>;

  constructor(data: DataInput) {
    if (isTableLike(data)) {
      this.names = data.columnNames();
      this.nRows = data.numRows();
      this.get = (name) => data.array(name);
    } else if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
      const rec = data as Record<string, ColumnInput>;
      this.names = Object.keys(rec);
      let n = -1;
      for (const name of this.names) {
        const col = rec[name];
        if (col === null || typeof col !== 'object' || typeof col.length !== 'number') {
          throw new ModelSpecError(
            `data column '${name}' is not an array (got ${typeof col}); pass arrays or typed arrays of equal length`,
          );
        }
        if (n < 0) n = col.length;
        else if (col.length !== n) {
          throw new ModelSpecError(
            `data columns differ in length: '${this.names[0]}' has ${n} rows, '${name}' has ${col.length}; pass columns of equal length`,
          );
        }
      }
      this.nRows = Math.max(n, 0);
      this.get = (name) => rec[name];
    } else {
      throw new ModelSpecError(
        'data must be an arquero table or an object of equal-length columns, e.g. { y: [...], x: [...] }',
      );
    }
  }

  column(name: string, role: string): ArrayLike<unknown> {
    if (!this.names.includes(name)) {
      const shown = this.names.slice(0, 20).join(', ') + (this.names.length > 20 ? ', …' : '');
      throw new ModelSpecError(`${role} '${name}' is not a column of the data; the columns are: ${shown}`);
    }
    return this.get(name);
  }
}

function isMissing(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));
}

/** Throws when a column used by the model has missing values, saying how many and where. */
export function assertNoMissing(name: string, role: string, values: ArrayLike<unknown>): void {
  let count = 0;
  let first = -1;
  for (let i = 0; i < values.length; i++) {
    if (isMissing(values[i])) {
      if (first < 0) first = i;
      count += 1;
    }
  }
  if (count > 0) {
    throw new ModelSpecError(
      `${role} '${name}' has ${count} missing value${count === 1 ? '' : 's'} (null/undefined/NaN) of ${values.length} rows, ` +
        `first at row ${first}; brms would drop these rows — filter them out (or impute) before fitting`,
    );
  }
}

export type ValueKind = 'numeric' | 'string' | 'boolean';

/** The kind of a column from its non-missing values; mixed kinds are an error. */
export function valueKind(name: string, role: string, values: ArrayLike<unknown>): ValueKind {
  let kind: ValueKind | null = null;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (isMissing(v)) continue;
    const k: ValueKind | null =
      typeof v === 'number' || typeof v === 'bigint'
        ? 'numeric'
        : typeof v === 'string'
          ? 'string'
          : typeof v === 'boolean'
            ? 'boolean'
            : null;
    if (k === null) {
      throw new ModelSpecError(
        `${role} '${name}' has a value of unsupported type at row ${i} (${Object.prototype.toString.call(v)}); use numbers, strings or booleans`,
      );
    }
    if (kind === null) kind = k;
    else if (kind !== k) {
      throw new ModelSpecError(
        `${role} '${name}' mixes ${kind} and ${k} values (row ${i}); convert the column to one type`,
      );
    }
  }
  return kind ?? 'numeric';
}

/** Reads a numeric column into a Float64Array (bigints converted). */
export function toFloat64(values: ArrayLike<unknown>): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = typeof v === 'bigint' ? Number(v) : (v as number);
  }
  return out;
}

// R sorts character levels with the locale's collation (en_US.UTF-8 on typical systems:
// letters case-insensitively first, lowercase before uppercase on ties). ICU's English
// collation agrees on letters and digits; exact ties are broken by code point so the
// order is total and the same on every machine.
const collator = new Intl.Collator('en', { sensitivity: 'variant', numeric: false });
export function compareR(a: string, b: string): number {
  const c = collator.compare(a, b);
  if (c !== 0) return c;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** R's as.character for a number used as a factor level (integers print without ".0"). */
export function numberLabel(x: number): string {
  if (Number.isInteger(x)) return String(x);
  return String(Number(x.toPrecision(15)));
}

export interface FactorColumn {
  /** Level labels in R's order (sorted; booleans FALSE < TRUE; numbers numerically). */
  levels: string[];
  /** 0-based level code per row. */
  codes: Int32Array;
}

/**
 * A column as a factor the way R's `factor()` builds one: strings sorted as R sorts
 * them, booleans as "FALSE" < "TRUE" (as `factor(c(TRUE, FALSE))` gives), numbers
 * sorted numerically and labelled as R prints them.
 */
export function toFactor(values: ArrayLike<unknown>, kind: ValueKind): FactorColumn {
  const labelOf = (v: unknown): string =>
    kind === 'boolean' ? (v ? 'TRUE' : 'FALSE') : kind === 'numeric' ? numberLabel(Number(v)) : (v as string);
  // One pass codes rows by first appearance (one map lookup per row, none when a value
  // repeats the previous row's — sorted or clustered columns), then a permutation maps
  // first-appearance codes to R's level order. Millions of rows at study scale.
  const seen = new Map<string, number>();
  const labels: string[] = [];
  const firstValue: number[] = [];
  const codes = new Int32Array(values.length);
  let prev: unknown = undefined;
  let prevCode = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (prevCode >= 0 && v === prev) {
      codes[i] = prevCode;
      continue;
    }
    const label = labelOf(v);
    let code = seen.get(label);
    if (code === undefined) {
      code = labels.length;
      seen.set(label, code);
      labels.push(label);
      firstValue.push(kind === 'numeric' ? Number(v) : 0);
    }
    codes[i] = code;
    prev = v;
    prevCode = code;
  }
  const order = labels.map((_, k) => k);
  if (kind === 'numeric') order.sort((a, b) => firstValue[a] - firstValue[b]);
  else order.sort((a, b) => compareR(labels[a], labels[b]));
  const levels = order.map((k) => labels[k]);
  const rank = new Int32Array(labels.length);
  order.forEach((k, r) => (rank[k] = r));
  for (let i = 0; i < codes.length; i++) codes[i] = rank[codes[i]];
  return { levels, codes };
}

/** Codes of `values` against known `levels` (for new data); unknown levels are an error. */
export function codesFor(name: string, values: ArrayLike<unknown>, levels: readonly string[]): Int32Array {
  const index = new Map(levels.map((l, i) => [l, i] as const));
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const label =
      typeof v === 'boolean'
        ? v
          ? 'TRUE'
          : 'FALSE'
        : typeof v === 'number' || typeof v === 'bigint'
          ? numberLabel(Number(v))
          : String(v);
    const code = index.get(label);
    if (code === undefined) {
      const known = levels.slice(0, 10).join(', ') + (levels.length > 10 ? ', …' : '');
      throw new ModelSpecError(
        `new data: '${name}' has level '${label}' (row ${i}) that the model was not fitted with; known levels: ${known}`,
      );
    }
    codes[i] = code;
  }
  return codes;
}
