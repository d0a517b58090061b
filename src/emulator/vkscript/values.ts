/**
 * VKScript's values and what the language does with them: the value types (a `HostValue`
 * lets the host keep big items lazy, e.g. users), the two error kinds, property reads,
 * loose equality and conversions, the operators (`a + b` also concatenates arrays and
 * merges objects, as VKScript does), the array and string methods, and the size guards.
 */

/** A value the script can hold. `HostValue` lets the host keep big items lazy (e.g. users). */
export type Value = null | boolean | number | string | Value[] | VObject | HostValue;
export type VObject = Map<string, Value>;

/** An opaque host object: serialised by the host, turned into an object only when the script reads it. */
export interface HostValue {
  readonly hostValue: true;
  /** One property (null when absent): `items@.sex` reads 25,000 of these per execute. */
  get(prop: string): Value;
  /**
   * Optional: `get(a)` then property `b` of that, without materialising the inner value
   * (`items@.city@.id`), or undefined to let the caller do the two steps.
   */
  getPath?(a: string, b: string): Value | undefined;
  toObject(): VObject;
}

export function isHostValue(v: Value): v is HostValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Map);
}

export class VKScriptCompileError extends Error {}
export class VKScriptRuntimeError extends Error {}

export function method(obj: Value, name: string, args: Value[]): Value {
  if (Array.isArray(obj)) {
    const len = obj.length;
    const rel = (v: Value | undefined, dflt: number): number => {
      if (v === undefined || v === null) return dflt;
      const n = Math.trunc(toNum(v));
      return n < 0 ? Math.max(0, len + n) : Math.min(n, len);
    };
    switch (name) {
      case 'slice':
        return obj.slice(rel(args[0], 0), rel(args[1], len));
      case 'splice': {
        const start = rel(args[0], 0);
        const count =
          args[1] === undefined || args[1] === null ? len - start : Math.max(0, Math.trunc(toNum(args[1])));
        return obj.splice(start, count);
      }
      case 'push':
        checkArray(obj.length + args.length);
        obj.push(...args);
        return obj.length;
      case 'pop':
        return obj.length ? obj.pop()! : null;
      case 'shift':
        return obj.length ? obj.shift()! : null;
      case 'indexOf':
        return obj.indexOf(args[0] ?? null);
      case 'join':
        return obj.map(toStr).join(args[0] === undefined ? ',' : toStr(args[0]));
      default:
        break;
    }
  }
  if (typeof obj === 'string') {
    switch (name) {
      case 'split':
        return obj.split(args[0] === undefined ? ',' : toStr(args[0]));
      case 'substr':
        return obj.substr(
          Math.trunc(toNum(args[0] ?? 0)),
          args[1] === undefined ? undefined : Math.trunc(toNum(args[1])),
        );
      case 'indexOf':
        return obj.indexOf(toStr(args[0] ?? null));
      default:
        break;
    }
  }
  throw new VKScriptRuntimeError(`unknown method ${name}`);
}

export function getProp(obj: Value, prop: string): Value {
  if (obj instanceof Map) return obj.has(prop) ? obj.get(prop)! : null;
  if (Array.isArray(obj) || typeof obj === 'string') {
    if (prop === 'length') return obj.length;
    const i = Number(prop);
    return Number.isInteger(i) ? getIndex(obj, i) : null;
  }
  if (obj !== null && typeof obj === 'object') return obj.get(prop);
  return null; // VKScript is lenient: a property of false/null is null, not a crash.
}

export function getIndex(obj: Value, i: number): Value {
  if (Array.isArray(obj)) return i >= 0 && i < obj.length ? obj[i] : null;
  if (typeof obj === 'string') return i >= 0 && i < obj.length ? obj[i] : null;
  return getProp(obj, String(i));
}

export function truthy(v: Value): boolean {
  if (v === null || v === false || v === 0 || v === '') return false;
  if (typeof v === 'number' && Number.isNaN(v)) return false;
  return true;
}

export function toNum(v: Value): number {
  if (typeof v === 'number') return v;
  if (v === null || v === false) return 0;
  if (v === true) return 1;
  if (typeof v === 'string') return v.trim() === '' ? 0 : Number(v);
  return NaN;
}

export function toStr(v: Value): string {
  return toStrAt(v, 0);
}

function toStrAt(v: Value, depth: number): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    checkDepth(depth);
    return v.map((x) => toStrAt(x, depth + 1)).join(',');
  }
  return '[object]';
}

/** How a script value becomes a request parameter (VK sends params as strings). */
export function toParam(v: Value): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  return toStr(v);
}

export function looseEq(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (
    (typeof a === 'number' || typeof a === 'boolean') &&
    (typeof b === 'number' || typeof b === 'string' || typeof b === 'boolean')
  )
    return toNum(a) === toNum(b);
  if (typeof a === 'string' && (typeof b === 'number' || typeof b === 'boolean'))
    return toNum(a) === toNum(b);
  return false;
}

/**
 * Size guards: a doubling loop (`a = a + a`) would otherwise exhaust the emulator's memory
 * long before the step limit. Far above anything paging needs (25 × 1000 items).
 */
const MAX_ARRAY_ITEMS = 5_000_000;
const MAX_STRING_CHARS = 10_000_000;

/**
 * How deeply values may nest (`a = [a]` in a loop, or an array pushed into itself): the
 * JSON writer and string conversion walk them recursively, and a runaway nesting must be
 * a runtime error (VK error 13), not a stack overflow (error 10, which clients retry).
 */
export const MAX_VALUE_DEPTH = 256;

export function checkDepth(depth: number): void {
  if (depth >= MAX_VALUE_DEPTH)
    throw new VKScriptRuntimeError(`value nested too deeply (more than ${MAX_VALUE_DEPTH} levels)`);
}

export function checkArray(n: number): void {
  if (n > MAX_ARRAY_ITEMS)
    throw new VKScriptRuntimeError(`array too large (more than ${MAX_ARRAY_ITEMS} items)`);
}

export function binary(op: string, a: Value, b: Value): Value {
  switch (op) {
    case '+': {
      if (Array.isArray(a) || Array.isArray(b)) {
        const left = Array.isArray(a) ? a : a === null ? [] : [a];
        const right = Array.isArray(b) ? b : b === null ? [] : [b];
        checkArray(left.length + right.length);
        return left.concat(right);
      }
      if (a instanceof Map && b instanceof Map) return new Map([...a, ...b]);
      if (typeof a === 'string' || typeof b === 'string') {
        const sa = toStr(a);
        const sb = toStr(b);
        if (sa.length + sb.length > MAX_STRING_CHARS)
          throw new VKScriptRuntimeError(`string too long (more than ${MAX_STRING_CHARS} characters)`);
        return sa + sb;
      }
      return toNum(a) + toNum(b);
    }
    case '-':
      return toNum(a) - toNum(b);
    case '*':
      return toNum(a) * toNum(b);
    case '/':
      return toNum(a) / toNum(b);
    case '%':
      return toNum(a) % toNum(b);
    case '==':
      return looseEq(a, b);
    case '!=':
      return !looseEq(a, b);
    case '===':
      return a === b;
    case '!==':
      return a !== b;
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const both = typeof a === 'string' && typeof b === 'string';
      const x: number | string = both ? (a as string) : toNum(a);
      const y: number | string = both ? (b as string) : toNum(b);
      if (op === '<') return x < y;
      if (op === '<=') return x <= y;
      if (op === '>') return x > y;
      return x >= y;
    }
    default:
      throw new VKScriptRuntimeError(`unknown operator ${op}`);
  }
}

/** Converts plain JSON-like data into script values (objects become Maps). */
export function fromPlain(x: unknown): Value {
  if (x === null || x === undefined) return null;
  if (typeof x === 'boolean' || typeof x === 'number' || typeof x === 'string') return x;
  if (Array.isArray(x)) return x.map(fromPlain);
  if (typeof x === 'object') {
    if ((x as HostValue).hostValue === true) return x as HostValue;
    const m: VObject = new Map();
    for (const [k, v] of Object.entries(x as Record<string, unknown>)) m.set(k, fromPlain(v));
    return m;
  }
  return null;
}
