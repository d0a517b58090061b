/**
 * The command-line convention shared by every `npm run <command>` of the project.
 *
 * A command declares its options once (name, value placeholder, help text, how the value is
 * read); from that declaration come the usage text, the parse on `node:util`'s `parseArgs`
 * and typed values. The same rules hold for every command:
 *
 * - `--name VALUE` or `--name=VALUE`; switches take no value; the last of a repeated option
 *   wins unless it is declared `multiple`;
 * - `-h` / `--help` anywhere prints the usage on stdout and exits 0;
 * - an unknown option, a missing or bad value, a missing required option is ONE line on stderr
 *   naming the option (`error: --chains needs a whole number >= 1, got "two"`) and exit 2;
 * - errors while working are one sentence on stderr, never a stack trace, with the exit code
 *   the command documents for that kind of error (`EXIT`); an error nobody anticipated exits 1
 *   and says how to see its stack trace (`DEBUG=1`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { EnvError, envFlag, type Env } from '../util/env';
import { SetupError } from '../util/errors';
import { describeNumber, inRange, numberFromText, type Range } from '../util/number-text';

/**
 * Exit codes, the same meaning in every command (each documents the ones it uses):
 * 0 done; 1 failed (an unexpected error, or the work itself failed: a notebook of the
 * report); 2 usage: bad arguments, environment variables or setup; 3 VK refused the request;
 * 4 network or API unavailable, or malformed answers; 5 input data: a snapshot directory or
 * data file missing, unfinished or damaged; 130 interrupted (Ctrl-C / SIGTERM).
 */
export const EXIT = {
  OK: 0,
  FAILED: 1,
  USAGE: 2,
  VK_REFUSED: 3,
  NETWORK: 4,
  DATA: 5,
  INTERRUPTED: 130,
} as const;

/** A bad command line: one line naming the option, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export { SetupError } from '../util/errors';

/** `--help` was given: the usage goes to stdout and the command exits 0. */
export class HelpRequested extends Error {
  constructor() {
    super('help requested');
    this.name = 'HelpRequested';
  }
}

/** Reads an option's text into a value, or throws a `UsageError` naming `flag`. */
export type ValueReader<T> = (raw: string, flag: string) => T;

export interface StringOption<T = unknown> {
  type: 'string';
  /** Placeholder in the usage text: `--out DIR`. */
  value: string;
  /** Help text; `\n` starts a continuation line. */
  help: string;
  short?: string;
  /** Repeatable: the values are collected in order. */
  multiple?: boolean;
  required?: boolean;
  read?: ValueReader<T>;
}

export interface SwitchOption {
  type: 'boolean';
  help: string;
  short?: string;
}

export type OptionSpec = StringOption | SwitchOption;
export type OptionSpecs = Record<string, OptionSpec>;

type Read<S> = S extends { read: ValueReader<infer T> } ? T : string;
/** The parsed values of a command's options, typed from its declaration. */
export type Values<O extends OptionSpecs> = {
  -readonly [K in keyof O]: O[K] extends SwitchOption
    ? boolean
    : O[K] extends { multiple: true }
      ? Read<O[K]>[]
      : O[K] extends { required: true }
        ? Read<O[K]>
        : Read<O[K]> | undefined;
};

type ErrorClass = abstract new (...args: never[]) => Error;

export interface CommandSpec<O extends OptionSpecs> {
  /** `npm run <name>`. */
  name: string;
  /** What follows `npm run <name> --` in the usage line, e.g. `--snapshot DIR [options]`. */
  synopsis: string;
  /** A paragraph under the usage line. */
  about?: string;
  options: O;
  /** Sections after the options, e.g. the environment variables the command reads. */
  sections?: readonly { title: string; lines: readonly string[] }[];
  /** Every exit code the command can end with and what it means, for the usage text. */
  exits: readonly (readonly [code: number, meaning: string])[];
  /**
   * Which errors end with which code (first match wins). UsageError, EnvError and SetupError
   * always exit 2; anything unmatched is unexpected and exits 1.
   */
  errors?: readonly (readonly [ErrorClass, number])[];
}

export interface Command<O extends OptionSpecs> {
  readonly spec: CommandSpec<O>;
  /** `npm run <name> --` */
  readonly invocation: string;
  usage(): string;
  /** Parses `argv`; throws UsageError or HelpRequested. */
  parse(argv: readonly string[]): Values<O>;
  /** The documented exit code for an error thrown while the command works. */
  exitCodeFor(error: unknown): number;
}

// ---- value readers -----------------------------------------------------------------------

/** A whole number within the bounds: `--chains needs a whole number >= 1, got "two"`. */
export function wholeNumber(range: Range = {}): ValueReader<number> {
  return (raw, flag) => {
    const n = numberFromText(raw);
    if (n === null || !Number.isInteger(n) || !inRange(n, range))
      throw new UsageError(
        `${flag} needs ${describeNumber({ ...range, integer: true })}, got ${JSON.stringify(raw)}`,
      );
    return n;
  };
}

/** Any number within the bounds: `--adapt-delta needs a number in (0, 1), got "1.5"`. */
export function decimalNumber(range: Range = {}): ValueReader<number> {
  return (raw, flag) => {
    const n = numberFromText(raw);
    if (n === null || !inRange(n, range))
      throw new UsageError(
        `${flag} needs ${describeNumber({ ...range, integer: false })}, got ${JSON.stringify(raw)}`,
      );
    return n;
  };
}

/** One word of a fixed set: `--init must be one of random, laplace, got "mode"`. */
export function oneOf<const T extends string>(choices: readonly T[]): ValueReader<T> {
  return (raw, flag) => {
    if (!(choices as readonly string[]).includes(raw))
      throw new UsageError(`${flag} must be one of ${choices.join(', ')}, got ${JSON.stringify(raw)}`);
    return raw as T;
  };
}

/** Text that must not be blank. */
export function nonBlank(): ValueReader<string> {
  return (raw, flag) => {
    if (raw.trim() === '') throw new UsageError(`${flag} needs a value, got ""`);
    return raw;
  };
}

/** Why `target` cannot be written as a file, or null when it can (its folders may be created). */
export function outputFileProblem(target: string): string | null {
  const abs = path.resolve(target);
  const stat = (p: string): fs.Stats | null => {
    try {
      return fs.statSync(p);
    } catch {
      return null;
    }
  };
  const st = stat(abs);
  if (st?.isDirectory()) return 'is a folder: give a file path';
  let dir = st ? abs : path.dirname(abs);
  while (stat(dir) === null && path.dirname(dir) !== dir) dir = path.dirname(dir);
  if (!st && !stat(dir)?.isDirectory()) return `cannot be created: ${dir} is not a folder`;
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    return `cannot be written: ${dir} is not writable`;
  }
  return null;
}

/**
 * A file the command will write (`--json OUT`): refused while parsing, so that a path that
 * cannot be written does not surface after the work is done. The text is kept as given.
 */
export function outputFile(): ValueReader<string> {
  return (raw, flag) => {
    if (raw.trim() === '') throw new UsageError(`${flag} needs a file path, got ""`);
    const problem = outputFileProblem(raw);
    if (problem) throw new UsageError(`${flag} ${JSON.stringify(raw)} ${problem}`);
    return raw;
  };
}

// ---- the command -------------------------------------------------------------------------

const HELP_TEXT = 'print this help and exit';

/** A value that is really the next option (`--out --quiet`): the option's value is missing. */
function looksLikeOption(value: string): boolean {
  return value.startsWith('--') && value.length > 2 && !/^--?\d/.test(value);
}

function optionLabel(name: string, o: OptionSpec | { type: 'boolean'; short: string }): string {
  const long = `--${name}${o.type === 'string' ? ` ${o.value}` : ''}`;
  return o.short ? `-${o.short}, ${long}` : long;
}

function renderUsage<O extends OptionSpecs>(spec: CommandSpec<O>, invocation: string): string {
  const rows: [string, string][] = Object.entries(spec.options).map(([name, o]) => [
    optionLabel(name, o),
    o.help,
  ]);
  rows.push(['-h, --help', HELP_TEXT]);
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  const indent = ' '.repeat(2 + width);
  const block = (label: string, help: string): string =>
    `  ${label.padEnd(width)}${help.split('\n').join(`\n${indent}`)}`;
  const parts = [`usage: ${invocation} ${spec.synopsis}`];
  if (spec.about) parts.push(spec.about);
  parts.push(['options:', ...rows.map(([l, h]) => block(l, h))].join('\n'));
  for (const s of spec.sections ?? [])
    parts.push([`${s.title}:`, ...s.lines.map((l) => `  ${l}`)].join('\n'));
  const codeWidth = Math.max(...spec.exits.map(([c]) => String(c).length)) + 2;
  parts.push(
    [
      'exit codes:',
      ...spec.exits.map(
        ([c, m]) => `  ${String(c).padEnd(codeWidth)}${m.split('\n').join(`\n  ${' '.repeat(codeWidth)}`)}`,
      ),
    ].join('\n'),
  );
  return parts.join('\n\n') + '\n';
}

export function defineCommand<const O extends OptionSpecs>(spec: CommandSpec<O>): Command<O> {
  for (const name of Object.keys(spec.options))
    if (name === 'help' || !/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`bad option name "${name}"`);
  const invocation = `npm run ${spec.name} --`;
  const nodeOptions: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, o] of Object.entries(spec.options))
    nodeOptions[name] = { type: o.type, ...(o.short ? { short: o.short } : {}) };

  const parse = (argv: readonly string[]): Values<O> => {
    // strict: false, so that every problem is found here and named the project's way.
    const { tokens } = parseArgs({
      args: [...argv],
      options: nodeOptions,
      strict: false,
      allowPositionals: true,
      tokens: true,
    });
    if (tokens.some((t) => t.kind === 'option' && t.name === 'help')) throw new HelpRequested();
    const values: Record<string, unknown> = {};
    for (const [name, o] of Object.entries(spec.options))
      values[name] = o.type === 'boolean' ? false : o.type === 'string' && o.multiple ? [] : undefined;
    for (const t of tokens) {
      if (t.kind === 'option-terminator') continue;
      if (t.kind === 'positional') throw new UsageError(`unexpected argument ${JSON.stringify(t.value)}`);
      const o = Object.hasOwn(spec.options, t.name) ? spec.options[t.name] : undefined;
      if (o === undefined) throw new UsageError(`unknown option ${JSON.stringify(t.rawName)}`);
      const flag = `--${t.name}`;
      if (o.type === 'boolean') {
        if (t.value !== undefined)
          throw new UsageError(`${flag} takes no value, got ${JSON.stringify(t.value)}`);
        values[t.name] = true;
        continue;
      }
      if (t.value === undefined || (!t.inlineValue && looksLikeOption(t.value)))
        throw new UsageError(`${flag} needs a value`);
      const v = o.read ? o.read(t.value, flag) : t.value;
      if (o.multiple) (values[t.name] as unknown[]).push(v);
      else values[t.name] = v;
    }
    const missing = Object.entries(spec.options)
      .filter(([name, o]) => o.type === 'string' && o.required && values[name] === undefined)
      .map(([name]) => `--${name}`);
    if (missing.length) throw new UsageError(`missing ${missing.join(', ')}`);
    return values as Values<O>;
  };

  const exitCodeFor = (e: unknown): number => {
    if (e instanceof HelpRequested) return EXIT.OK;
    if (e instanceof UsageError || e instanceof EnvError || e instanceof SetupError) return EXIT.USAGE;
    for (const [cls, code] of spec.errors ?? []) if (e instanceof cls) return code;
    return EXIT.FAILED;
  };

  return { spec, invocation, usage: () => renderUsage(spec, invocation), parse, exitCodeFor };
}

/** Is this error one the command anticipated (a documented class), rather than a bug? */
function anticipated<O extends OptionSpecs>(cmd: Command<O>, e: unknown): boolean {
  return (
    e instanceof UsageError ||
    e instanceof EnvError ||
    e instanceof SetupError ||
    (cmd.spec.errors ?? []).some(([cls]) => e instanceof cls)
  );
}

/** Errors the language raises on a programming mistake (not our messages, not the system's). */
function isBug(e: unknown): boolean {
  return (
    !(e instanceof Error) ||
    e instanceof TypeError ||
    e instanceof ReferenceError ||
    e instanceof RangeError ||
    e instanceof SyntaxError
  );
}

export interface RunOptions {
  /** Applied to every line printed on an error (the pull removes its token). */
  redact?: (text: string) => string;
  /** A further line after the error message for this error and exit code, e.g. how to resume. */
  advice?: (error: unknown, code: number) => string | undefined;
  env?: Env;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
}

/**
 * Parses `argv`, runs `body` with the values and turns whatever it throws into the documented
 * exit code and a sentence on stderr. Resolves to the exit code; never rejects.
 */
export async function runCommand<O extends OptionSpecs>(
  cmd: Command<O>,
  argv: readonly string[],
  body: (values: Values<O>) => Promise<number | void> | number | void,
  opts: RunOptions = {},
): Promise<number> {
  const stdout = opts.stdout ?? ((s: string) => process.stdout.write(s));
  const stderr = opts.stderr ?? ((s: string) => process.stderr.write(s));
  const redact = opts.redact ?? ((s: string) => s);
  try {
    return (await body(cmd.parse(argv))) ?? EXIT.OK;
  } catch (e) {
    if (e instanceof HelpRequested) {
      stdout(cmd.usage());
      return EXIT.OK;
    }
    const code = cmd.exitCodeFor(e);
    const message = e instanceof Error ? e.message : String(e);
    const lines = [`error: ${message}`];
    if (e instanceof UsageError) lines[0] += ` (see \`${cmd.invocation} --help\`)`;
    const advice = opts.advice?.(e, code);
    if (advice) lines.push(advice);
    if (!anticipated(cmd, e)) {
      if (envFlag(opts.env ?? process.env, 'DEBUG') && e instanceof Error && e.stack) lines.push(e.stack);
      else if (isBug(e))
        lines.push(
          `(an unexpected ${(e as Error).name}: rerun with DEBUG=1 for the stack trace, and please report it)`,
        );
      else lines.push('(rerun with DEBUG=1 for the stack trace)');
    }
    stderr(redact(lines.join('\n')) + '\n');
    return code;
  }
}

/** Runs the command as the process's main module: the exit code becomes the process's. */
export function runMain<O extends OptionSpecs>(
  cmd: Command<O>,
  body: (values: Values<O>) => Promise<number | void> | number | void,
  opts: RunOptions = {},
): void {
  void runCommand(cmd, process.argv.slice(2), body, opts).then((code) => {
    process.exitCode = code;
  });
}
