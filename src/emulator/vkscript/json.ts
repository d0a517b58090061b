/**
 * A script value as JSON, byte for byte as `JSON.stringify` writes the same data; host
 * values (users) write their own JSON, so they are never built as objects on the way out.
 */
import { type HostValue, type Value, checkDepth } from './values';

/** Where serialised JSON goes (a string builder or a `JsonSink`). */
export interface JsonWriter {
  write(s: string): void;
  /**
   * Optional: a list as JSON, `[` … `]`, written by the writer itself: null, booleans,
   * numbers and strings exactly as `JSON.stringify` writes them, any other item through
   * `other`. (`JsonSink` writes them as bytes: the columns answer is 26 lists of 25,000.)
   */
  list?(items: readonly unknown[], other: (item: unknown) => void): void;
}

/** Writes one host value's JSON. */
export type HostWriter = (h: HostValue, out: JsonWriter) => void;

/**
 * Writes a script value as JSON. Host values supply their own JSON (so 25,000 users are
 * written straight from the generator, never through an intermediate object).
 */
export function writeValueJson(v: Value, writeHost: HostWriter, out: JsonWriter, depth = 0): void {
  if (v === null) out.write('null');
  else if (typeof v === 'boolean') out.write(v ? 'true' : 'false');
  else if (typeof v === 'number') out.write(Number.isFinite(v) ? String(v) : 'null');
  else if (typeof v === 'string') out.write(JSON.stringify(v));
  else if (Array.isArray(v)) {
    checkDepth(depth);
    if (out.list) {
      out.list(v, (x) => writeValueJson(x as Value, writeHost, out, depth + 1));
      return;
    }
    // Arrays of plain values go through the native serialiser, which writes them exactly
    // as the loop below would.
    let primitive = true;
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x !== null && typeof x === 'object') {
        primitive = false;
        break;
      }
    }
    if (primitive) {
      out.write(JSON.stringify(v));
      return;
    }
    out.write('[');
    for (let i = 0; i < v.length; i++) {
      if (i) out.write(',');
      writeValueJson(v[i], writeHost, out, depth + 1);
    }
    out.write(']');
  } else if (v instanceof Map) {
    checkDepth(depth);
    out.write('{');
    let first = true;
    for (const [k, val] of v) {
      out.write(first ? `${JSON.stringify(k)}:` : `,${JSON.stringify(k)}:`);
      first = false;
      writeValueJson(val, writeHost, out, depth + 1);
    }
    out.write('}');
  } else writeHost(v, out);
}

/** `writeValueJson` into a string. */
export function valueToJson(v: Value, hostJson: (h: HostValue) => string): string {
  const parts: string[] = [];
  writeValueJson(v, (h, out) => out.write(hostJson(h)), { write: (s) => parts.push(s) });
  return parts.join('');
}
