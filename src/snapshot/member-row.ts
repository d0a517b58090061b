/**
 * VK user object (as `groups.getMembers` returns it with `MEMBER_FIELDS`) → stored values,
 * by the rules of the member schema (schema.ts). This is the readable definition of every
 * rule; the byte-level decoder of the execute answer (vk/columns-decoder.ts) is the fast
 * one, and a test holds them equal on adversarial input.
 *
 * Per docs/vk-api.md: "never rely on a field being absent or present" — deleted
 * profiles often still carry `first_name:"DELETED"`, `sex`, `online`…, hidden fields are
 * simply missing, and flags come as 0/1 numbers (sometimes booleans). So every field is
 * read defensively: a value of the wrong shape becomes `null` (unknown), never a guess.
 * A member without a value for a non-nullable column (`id`) is a protocol error.
 *
 * Personal data minimisation: only the paths the schema names are read, so last names,
 * photo URLs, day and month of birth and occupation names are never copied.
 */
import { LENGTH_MAX, MEMBERS, type ColumnSpec, type MemberRow, type MemberSchema, type Rule } from './schema';
import type { MemberBatch } from './member-batch';
import type { ColumnValue } from './typed-column';
import { isObject } from '../util/json-shape';

/** The VK user object as it arrives: any JSON. */
export type VkUser = Record<string, unknown>;

export class MemberConversionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MemberConversionError';
  }
}

/** An integer in [min, max], or null. VK sometimes sends numbers as strings: accept those. */
export function int(v: unknown, min: number, max: number): number | null {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) return null;
  return n;
}

/** VK flags are 0/1 numbers (some fields are real booleans, e.g. `is_closed`). */
export function flag(v: unknown): boolean | null {
  if (v === true || v === 1 || v === '1') return true;
  if (v === false || v === 0 || v === '0') return false;
  return null;
}

export function text(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/** A positive unix time in seconds, or null. */
export function unixTime(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null;
}

/** `v` when it is one of `values` (other values are unknown rather than guessed). */
export function oneOf(v: unknown, values: readonly string[]): string | null {
  return typeof v === 'string' && values.includes(v) ? v : null;
}

const BDATE_FULL = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;
const BDATE_NO_YEAR = /^(\d{1,2})\.(\d{1,2})$/;

export interface Bdate {
  visibility: 'full' | 'no_year' | null;
  year: number | null;
}

/**
 * `bdate` "D.M.YYYY" | "D.M" → visibility + year (the day and month are dropped). A year
 * outside [yearMin, yearMax] is not a birth year we can use: the visibility stays "full"
 * (so the visibility statistic stays right) but no year is stored.
 */
export function parseBdate(v: unknown, yearMin = 1900, yearMax = 2100): Bdate {
  if (typeof v !== 'string') return { visibility: null, year: null };
  const full = BDATE_FULL.exec(v);
  if (full) {
    const year = Number(full[3]);
    return { visibility: 'full', year: year >= yearMin && year <= yearMax ? year : null };
  }
  if (BDATE_NO_YEAR.test(v)) return { visibility: 'no_year', year: null };
  return { visibility: null, year: null };
}

/** The number of items of an array, or null. */
export function count(v: unknown): number | null {
  return Array.isArray(v) ? v.length : null;
}

/** The number of Unicode code points of a string, or null. */
export function textLength(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    // A surrogate pair is one code point (a lone surrogate counts as one).
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < v.length) {
      const d = v.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** true for a string, array or object with something in it, false when empty, else null. */
export function nonEmpty(v: unknown): boolean | null {
  if (typeof v === 'string' || Array.isArray(v)) return v.length > 0;
  if (isObject(v)) return Object.keys(v).length > 0;
  return null;
}

/** One value by one rule. */
export function convert(rule: Rule, v: unknown): ColumnValue {
  switch (rule.kind) {
    case 'int':
      return int(v, rule.min, rule.max);
    case 'time':
      return unixTime(v);
    case 'flag':
      return flag(v);
    case 'text':
      return text(v);
    case 'one_of':
      return oneOf(v, rule.values);
    case 'bdate_visibility':
      return parseBdate(v).visibility;
    case 'bdate_year':
      return parseBdate(v, rule.min, rule.max).year;
    case 'count':
      return count(v);
    case 'length': {
      const n = textLength(v);
      return n === null ? null : Math.min(n, LENGTH_MAX);
    }
    case 'non_empty':
      return nonEmpty(v);
  }
}

/** The value at `path` in a user object (undefined when a step is missing or not an object). */
export function valueAt(user: VkUser, path: readonly string[]): unknown {
  let v: unknown = user;
  for (const p of path) {
    if (!isObject(v)) return undefined;
    v = v[p];
  }
  return v;
}

/** The error for a member without a value for a non-nullable column. */
export function missingValue(column: ColumnSpec, got: unknown): MemberConversionError {
  return new MemberConversionError(
    `VK member item has no valid "${column.path.join('.')}" (got ${JSON.stringify(got) ?? 'nothing'}); the API answer is malformed.`,
  );
}

/** One column's value of a user object; throws for a missing non-nullable value. */
export function columnValue(user: VkUser, column: ColumnSpec): ColumnValue {
  const raw = valueAt(user, column.path);
  const v = convert(column.rule, raw);
  if (v === null && !column.nullable) throw missingValue(column, raw);
  return v;
}

function asUser(user: unknown): VkUser {
  if (!isObject(user)) {
    throw new MemberConversionError(
      `VK member item is not a user object (got ${user === null ? 'null' : typeof user}); the API answer is malformed — request the members with "fields" set.`,
    );
  }
  return user;
}

/**
 * Convert one VK user object. Throws `MemberConversionError` only when the object is not
 * an object or lacks a non-nullable value (`id`, the one thing every later stage keys on).
 */
export function toMemberRow(user: unknown, schema: MemberSchema = MEMBERS): MemberRow {
  const u = asUser(user);
  const row: Record<string, ColumnValue> = {};
  for (const c of schema.columns) row[c.name] = columnValue(u, c);
  return row as MemberRow;
}

/** Convert one VK user object straight into a batch (no row object). */
export function appendUser(batch: MemberBatch, user: unknown, schema: MemberSchema = MEMBERS): void {
  const u = asUser(user);
  // Converted first, pushed after: a malformed member leaves the batch as it was.
  const values = schema.columns.map((c) => columnValue(u, c));
  schema.columns.forEach((c, i) => batch.columns[c.name].push(values[i]));
  batch.length++;
}
