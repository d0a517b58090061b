/**
 * How a number is written on a command line or in an environment variable: decimal digits,
 * an optional sign, fraction and exponent, and `_` between digits for readability
 * (`2_500_000`). Hexadecimal, `Infinity`, blanks inside and empty text are not numbers.
 * One grammar for `src/util/env.ts` and `src/cli/command.ts`, so a value accepted in one
 * place is accepted in the other.
 */

const DECIMAL = /^[+-]?(\d+(_\d+)*)?(\.\d+(_\d+)*)?([eE][+-]?\d+)?$/;

/** The number `text` spells (surrounding blanks ignored), or null when it is not one. */
export function numberFromText(text: string): number | null {
  const t = text.trim();
  if (!DECIMAL.test(t) || !/\d/.test(t.replace(/[eE].*$/, ''))) return null;
  const n = Number(t.replace(/_/g, ''));
  return Number.isFinite(n) ? n : null;
}

export interface Range {
  min?: number;
  max?: number;
  /** Bounds that are themselves excluded, e.g. an acceptance rate in (0, 1). */
  exclusive?: boolean;
}

export function inRange(n: number, r: Range): boolean {
  if (r.min !== undefined && (r.exclusive ? n <= r.min : n < r.min)) return false;
  if (r.max !== undefined && (r.exclusive ? n >= r.max : n > r.max)) return false;
  return true;
}

/** "a whole number >= 1", "a whole number from 0 to 1440", "a number in (0, 1)". */
export function describeNumber(r: Range & { integer: boolean }): string {
  const kind = r.integer ? 'a whole number' : 'a number';
  const { min, max } = r;
  if (r.exclusive) {
    if (min !== undefined && max !== undefined) return `${kind} in (${min}, ${max})`;
    if (min !== undefined) return `${kind} > ${min}`;
    if (max !== undefined) return `${kind} < ${max}`;
  }
  if (min !== undefined && max !== undefined) return `${kind} from ${min} to ${max}`;
  if (min !== undefined) return `${kind} >= ${min}`;
  if (max !== undefined) return `${kind} <= ${max}`;
  return kind;
}
