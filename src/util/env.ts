/**
 * The one reader of environment variables. The study's parameters reach notebooks as
 * environment variables (nbconvert passes the environment to the kernel; papermill has no
 * TypeScript translator: docs/toolchain.md), and the command-line tools read the same ones,
 * so every variable is read here with the same rules:
 *
 * - unset or blank means "use the default";
 * - numbers are written in decimal (`2_500_000` and `2.5e6` are fine: src/util/number-text.ts);
 * - a bad value is an `EnvError` naming the variable, the value and what to set, always in
 *   one form: `STUDY_MEMBERS="lots" is not a whole number: set STUDY_MEMBERS to a whole
 *   number from 1 to 5000000 (default 20000) or unset it.`
 *
 * Every variable is documented in environment.md.
 */
import * as path from 'node:path';
import { describeNumber, inRange, numberFromText, type Range } from './number-text';

export type Env = Readonly<Record<string, string | undefined>>;

/** A bad or missing environment variable: the command-line tools exit 2 on it. */
export class EnvError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = 'EnvError';
  }
}

/** The trimmed value, or null when the variable is unset or blank. */
export function envText(env: Env, name: string): string | null {
  const v = env[name];
  return v === undefined || v.trim() === '' ? null : v.trim();
}

/** Whether the variable has a value (blank counts as unset), e.g. to mark defaults when printing. */
export function envIsSet(env: Env, name: string): boolean {
  return envText(env, name) !== null;
}

function fail(name: string, raw: string, problem: string, expected: string, fallback: string): never {
  throw new EnvError(
    name,
    `${name}=${JSON.stringify(raw)} ${problem}: set ${name} to ${expected} (default ${fallback}) or unset it.`,
  );
}

export interface NumberSpec<D extends number | undefined> extends Range {
  default: D;
  /** How the default reads when it is not a fixed number, e.g. "MODEL_ITER / 2", "all rows". */
  defaultText?: string;
}

function readNumber<D extends number | undefined>(
  env: Env,
  name: string,
  spec: NumberSpec<D>,
  integer: boolean,
): number | D {
  const raw = env[name];
  const text = envText(env, name);
  if (raw === undefined || text === null) return spec.default;
  const expected = describeNumber({ ...spec, integer });
  const fallback = spec.defaultText ?? (spec.default === undefined ? 'none' : String(spec.default));
  const n = numberFromText(text);
  if (n === null || (integer && !Number.isInteger(n)))
    fail(name, raw, integer ? 'is not a whole number' : 'is not a number', expected, fallback);
  if (!inRange(n, spec)) fail(name, raw, 'is out of range', expected, fallback);
  return n;
}

/** A whole number within the bounds, or the default when unset. */
export function envInt<D extends number | undefined>(
  env: Env,
  name: string,
  spec: NumberSpec<D>,
): number | D {
  return readNumber(env, name, spec, true);
}

/** Any finite number within the bounds, or the default when unset. */
export function envNumber<D extends number | undefined>(
  env: Env,
  name: string,
  spec: NumberSpec<D>,
): number | D {
  return readNumber(env, name, spec, false);
}

/** One of a fixed set of words (exact, case-sensitive), or the default when unset. */
export function envEnum<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const raw = env[name];
  const text = envText(env, name);
  if (raw === undefined || text === null) return fallback;
  if ((choices as readonly string[]).includes(text)) return text as T;
  const listed =
    choices.length <= 2 ? choices.join(' or ') : `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`;
  return fail(name, raw, `is not one of ${choices.join(', ')}`, listed, fallback);
}

const FALSE_WORDS = new Set(['0', 'false', 'no', 'off']);

/** A switch: on when set to anything but 0, false, no or off (any case); never an error. */
export function envFlag(env: Env, name: string): boolean {
  const text = envText(env, name);
  return text !== null && !FALSE_WORDS.has(text.toLowerCase());
}

/**
 * A folder or file. A relative value is taken from `base` (the repository root for the
 * study's paths, so a kernel in notebooks/ and a command run anywhere agree). With `off`,
 * that word turns the path off (null).
 */
export function envPath<D extends string | null>(
  env: Env,
  name: string,
  spec: { base: string; default: D },
): string | D;
export function envPath<D extends string | null>(
  env: Env,
  name: string,
  spec: { base: string; default: D; off: string },
): string | D | null;
export function envPath(
  env: Env,
  name: string,
  spec: { base: string; default: string | null; off?: string },
): string | null {
  const text = envText(env, name);
  if (text === null) return spec.default;
  if (spec.off !== undefined && text === spec.off) return null;
  return path.resolve(spec.base, text);
}

/**
 * An http(s) base URL without query or fragment (trailing slashes dropped). A rejected value
 * is shown without its query: a token pasted into a URL must not reach an error message.
 */
export function envUrl(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  const text = envText(env, name);
  if (raw === undefined || text === null) return fallback;
  const shown = raw.replace(/[?#].*$/s, '?…');
  const expected = `an http(s) URL such as ${fallback}`;
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {
    // reported below
  }
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:') || /\s/.test(text))
    fail(name, shown, 'is not an http(s) URL', expected, fallback);
  if (/[?#]/.test(text))
    fail(
      name,
      shown,
      'must not carry a query string (the token goes in the request body only)',
      expected,
      fallback,
    );
  return text.replace(/\/+$/, '');
}

/** `NAME = value` lines for a notebook's parameter cell; "(default)" marks values not taken from `env`. */
export function formatSettings(
  rows: readonly (readonly [name: string, value: string | number])[],
  env: Env,
  opts: { width?: number; neverDefault?: readonly string[] } = {},
): string {
  const width = opts.width ?? Math.max(...rows.map(([n]) => n.length)) + 1;
  return rows
    .map(
      ([name, value]) =>
        `${name.padEnd(width)}= ${value}${envIsSet(env, name) || opts.neverDefault?.includes(name) ? '' : '  (default)'}`,
    )
    .join('\n');
}
