/**
 * A safe interpreter for the subset of VKScript (the language of VK's `execute` method)
 * that paging clients send: vk-io's `collect/execute-code.ts` loop and python vk_api's
 * `VkTools.get_all_iter` / old `VK_SCRIPT_GET_ALL` functions (see test/emulator/vkscript.test.ts for the shapes we accept).
 *
 * The request text is tokenised and parsed into a small AST and walked by this file;
 * nothing is ever handed to `eval` / `new Function`. Unsupported syntax is a compile error
 * (VK error 12); runtime failures (too many API calls, runaway loops) are VK error 13.
 *
 * Supported: `var a = 1, b;`, assignment (`=`, `+=`, `-=`) to names, `.prop` and `[i]`;
 * `while`, `if`/`else`, blocks, `return`; literals (numbers, strings, true/false/null,
 * arrays, objects with bare or quoted keys); `+ - * / %`, comparisons, `== != === !==`,
 * `&& || !`, unary minus, `?:`; `.length`, `.slice`, `.splice`, `.push`, `.pop`, `.shift`,
 * `.indexOf`, `.join`, `parseInt`, `parseFloat`, `Args.<name>`, `API.<section>.<method>(params)`
 * and VKScript's `list@.field` projection. `a + b` concatenates arrays and merges objects
 * as VKScript does.
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

// ------------------------------------------------------------------ tokens

type TokKind = 'num' | 'str' | 'id' | 'punc' | 'eof';
interface Token {
  kind: TokKind;
  value: string;
  num?: number;
  pos: number;
  /** A line break precedes this token (lets a newline end a statement, as in JS). */
  nl: boolean;
}

const PUNCT = [
  '===',
  '!==',
  '@.',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '+=',
  '-=',
  '++',
  '--',
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ';',
  ',',
  '.',
  ':',
  '?',
  '!',
  '+',
  '-',
  '*',
  '/',
  '%',
  '<',
  '>',
  '=',
];

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = src.length;
  let nl = false;
  const push = (t: Omit<Token, 'nl'>): void => {
    out.push({ ...t, nl });
    nl = false;
  };
  while (i < n) {
    const c = src[i];
    if (c === '\n') {
      nl = true;
      i++;
      continue;
    }
    if (
      c === ' ' ||
      c === '\t' ||
      c === '\r' ||
      c === '\f' ||
      c === '\v' ||
      c === '\u00a0' ||
      c === '\ufeff'
    ) {
      i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw new VKScriptCompileError(`unterminated comment at ${i}`);
      if (src.slice(i, end).includes('\n')) nl = true;
      i = end + 2;
      continue;
    }
    if ((c >= '0' && c <= '9') || (c === '.' && src[i + 1] >= '0' && src[i + 1] <= '9')) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i, i + 64));
      if (!m) throw new VKScriptCompileError(`bad number at ${i}`);
      push({ kind: 'num', value: m[0], num: Number(m[0]), pos: i });
      i += m[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      const start = i;
      let s = '';
      i++;
      for (;;) {
        if (i >= n) throw new VKScriptCompileError(`unterminated string at ${start}`);
        const d = src[i];
        if (d === c) {
          i++;
          break;
        }
        if (d === '\\') {
          const e = src[i + 1];
          i += 2;
          switch (e) {
            case 'n':
              s += '\n';
              break;
            case 't':
              s += '\t';
              break;
            case 'r':
              s += '\r';
              break;
            case 'b':
              s += '\b';
              break;
            case 'f':
              s += '\f';
              break;
            case 'u': {
              const hex = src.slice(i, i + 4);
              if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new VKScriptCompileError(`bad \\u escape at ${i}`);
              s += String.fromCharCode(parseInt(hex, 16));
              i += 4;
              break;
            }
            case undefined:
              throw new VKScriptCompileError(`unterminated string at ${start}`);
            default:
              s += e;
          }
          continue;
        }
        s += d;
        i++;
      }
      push({ kind: 'str', value: s, pos: start });
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w$]/.test(src[j])) j++;
      push({ kind: 'id', value: src.slice(i, j), pos: i });
      i = j;
      continue;
    }
    const p = PUNCT.find((q) => src.startsWith(q, i));
    if (!p) throw new VKScriptCompileError(`unexpected character '${c}' at ${i}`);
    push({ kind: 'punc', value: p, pos: i });
    i += p.length;
  }
  push({ kind: 'eof', value: '', pos: n });
  return out;
}

// ------------------------------------------------------------------ AST

type Expr =
  | { t: 'lit'; v: Value }
  | { t: 'name'; name: string }
  | { t: 'arr'; items: Expr[] }
  | { t: 'obj'; entries: [string, Expr][] }
  | { t: 'member'; obj: Expr; prop: string }
  | { t: 'index'; obj: Expr; index: Expr }
  | { t: 'pluck'; obj: Expr; prop: string }
  | { t: 'call'; callee: Expr; args: Expr[] }
  | { t: 'unary'; op: string; arg: Expr }
  | { t: 'bin'; op: string; left: Expr; right: Expr }
  | { t: 'logic'; op: '&&' | '||'; left: Expr; right: Expr }
  | { t: 'cond'; test: Expr; then: Expr; else: Expr }
  | { t: 'assign'; op: string; target: Expr; value: Expr };
type PluckExpr = Extract<Expr, { t: 'pluck' }>;

type Stmt =
  | { t: 'var'; decls: [string, Expr | null][] }
  | { t: 'expr'; e: Expr }
  | { t: 'while'; test: Expr; body: Stmt }
  | { t: 'if'; test: Expr; then: Stmt; else: Stmt | null }
  | { t: 'block'; body: Stmt[] }
  | { t: 'return'; e: Expr | null }
  | { t: 'empty' };

const RESERVED = new Set(['var', 'while', 'if', 'else', 'return', 'true', 'false', 'null']);
const UNSUPPORTED = new Set([
  'for',
  'function',
  'do',
  'switch',
  'new',
  'delete',
  'this',
  'break',
  'continue',
  'let',
  'const',
  'typeof',
  'in',
  'of',
  'try',
  'throw',
]);

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(): Token {
    return this.toks[this.i];
  }
  private next(): Token {
    return this.toks[this.i++];
  }
  private isP(v: string): boolean {
    const t = this.peek();
    return t.kind === 'punc' && t.value === v;
  }
  private isId(v: string): boolean {
    const t = this.peek();
    return t.kind === 'id' && t.value === v;
  }
  private eatP(v: string): boolean {
    if (this.isP(v)) {
      this.i++;
      return true;
    }
    return false;
  }
  private expectP(v: string): void {
    const t = this.peek();
    if (!this.eatP(v))
      throw new VKScriptCompileError(`expected '${v}' at ${t.pos}, found '${t.value || 'end of code'}'`);
  }
  private ident(): string {
    const t = this.next();
    if (t.kind !== 'id' || RESERVED.has(t.value)) {
      throw new VKScriptCompileError(`expected a name at ${t.pos}, found '${t.value || 'end of code'}'`);
    }
    if (UNSUPPORTED.has(t.value))
      throw new VKScriptCompileError(`'${t.value}' is not supported (at ${t.pos})`);
    return t.value;
  }

  program(): Stmt[] {
    const body: Stmt[] = [];
    while (this.peek().kind !== 'eof') body.push(this.statement());
    return body;
  }

  private statement(): Stmt {
    const t = this.peek();
    if (t.kind === 'punc' && t.value === ';') {
      this.i++;
      return { t: 'empty' };
    }
    if (t.kind === 'punc' && t.value === '{') {
      this.i++;
      const body: Stmt[] = [];
      while (!this.isP('}')) {
        if (this.peek().kind === 'eof')
          throw new VKScriptCompileError(`missing '}' for the block at ${t.pos}`);
        body.push(this.statement());
      }
      this.i++;
      return { t: 'block', body };
    }
    if (t.kind === 'id') {
      if (UNSUPPORTED.has(t.value))
        throw new VKScriptCompileError(`'${t.value}' is not supported (at ${t.pos})`);
      if (t.value === 'var') {
        this.i++;
        const decls: [string, Expr | null][] = [];
        do {
          const name = this.ident();
          decls.push([name, this.eatP('=') ? this.assignment() : null]);
        } while (this.eatP(','));
        this.endStatement();
        return { t: 'var', decls };
      }
      if (t.value === 'while') {
        this.i++;
        this.expectP('(');
        const test = this.expression();
        this.expectP(')');
        return { t: 'while', test, body: this.statement() };
      }
      if (t.value === 'if') {
        this.i++;
        this.expectP('(');
        const test = this.expression();
        this.expectP(')');
        const then = this.statement();
        const otherwise = this.isId('else') ? (this.i++, this.statement()) : null;
        return { t: 'if', test, then, else: otherwise };
      }
      if (t.value === 'return') {
        this.i++;
        const e = this.isP(';') || this.isP('}') || this.peek().kind === 'eof' ? null : this.expression();
        this.endStatement();
        return { t: 'return', e };
      }
    }
    const e = this.expression();
    this.endStatement();
    return { t: 'expr', e };
  }

  /** `;` or, as JS's automatic semicolons allow here, the end of a block / of the code. */
  private endStatement(): void {
    if (this.eatP(';')) return;
    if (this.isP('}') || this.peek().kind === 'eof') return;
    // A line break also ends a statement (JS's automatic semicolon, which VK accepts too).
    const cur = this.peek();
    if (cur.nl) return;
    throw new VKScriptCompileError(`expected ';' at ${cur.pos}`);
  }

  private expression(): Expr {
    return this.assignment();
  }

  private assignment(): Expr {
    const left = this.conditional();
    const t = this.peek();
    if (t.kind === 'punc' && (t.value === '=' || t.value === '+=' || t.value === '-=')) {
      if (left.t !== 'name' && left.t !== 'member' && left.t !== 'index') {
        throw new VKScriptCompileError(`cannot assign to this expression (at ${t.pos})`);
      }
      this.i++;
      return { t: 'assign', op: t.value, target: left, value: this.assignment() };
    }
    return left;
  }

  private conditional(): Expr {
    const test = this.binary(0);
    if (this.eatP('?')) {
      const then = this.assignment();
      this.expectP(':');
      return { t: 'cond', test, then, else: this.assignment() };
    }
    return test;
  }

  private static readonly LEVELS: readonly (readonly string[])[] = [
    ['||'],
    ['&&'],
    ['==', '!=', '===', '!=='],
    ['<', '<=', '>', '>='],
    ['+', '-'],
    ['*', '/', '%'],
  ];

  private binary(level: number): Expr {
    if (level >= Parser.LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'punc' || !Parser.LEVELS[level].includes(t.value)) return left;
      this.i++;
      const right = this.binary(level + 1);
      left =
        t.value === '&&' || t.value === '||'
          ? { t: 'logic', op: t.value, left, right }
          : { t: 'bin', op: t.value, left, right };
    }
  }

  private unary(): Expr {
    const t = this.peek();
    if (t.kind === 'punc' && (t.value === '!' || t.value === '-' || t.value === '+')) {
      this.i++;
      return { t: 'unary', op: t.value, arg: this.unary() };
    }
    if (t.kind === 'punc' && (t.value === '++' || t.value === '--')) {
      this.i++;
      const target = this.postfix();
      if (target.t !== 'name' && target.t !== 'member' && target.t !== 'index') {
        throw new VKScriptCompileError(`cannot apply ${t.value} here (at ${t.pos})`);
      }
      return { t: 'assign', op: t.value === '++' ? '+=' : '-=', target, value: { t: 'lit', v: 1 } };
    }
    const e = this.postfix();
    const p = this.peek();
    if (p.kind === 'punc' && (p.value === '++' || p.value === '--')) {
      if (e.t !== 'name' && e.t !== 'member' && e.t !== 'index')
        throw new VKScriptCompileError(`cannot apply ${p.value} here (at ${p.pos})`);
      this.i++;
      // Postfix value semantics are not needed by paging loops: treated as prefix.
      return { t: 'assign', op: p.value === '++' ? '+=' : '-=', target: e, value: { t: 'lit', v: 1 } };
    }
    return e;
  }

  private postfix(): Expr {
    let e = this.primary();
    for (;;) {
      if (this.eatP('.')) {
        const t = this.next();
        if (t.kind !== 'id') throw new VKScriptCompileError(`expected a property name at ${t.pos}`);
        e = { t: 'member', obj: e, prop: t.value };
      } else if (this.eatP('@.')) {
        const t = this.next();
        if (t.kind !== 'id') throw new VKScriptCompileError(`expected a property name after @. at ${t.pos}`);
        e = { t: 'pluck', obj: e, prop: t.value };
      } else if (this.eatP('[')) {
        const index = this.expression();
        this.expectP(']');
        e = { t: 'index', obj: e, index };
      } else if (this.eatP('(')) {
        const args: Expr[] = [];
        if (!this.isP(')')) {
          do args.push(this.assignment());
          while (this.eatP(','));
        }
        this.expectP(')');
        e = { t: 'call', callee: e, args };
      } else {
        return e;
      }
    }
  }

  private primary(): Expr {
    const t = this.next();
    if (t.kind === 'num') return { t: 'lit', v: t.num! };
    if (t.kind === 'str') return { t: 'lit', v: t.value };
    if (t.kind === 'id') {
      if (t.value === 'true') return { t: 'lit', v: true };
      if (t.value === 'false') return { t: 'lit', v: false };
      if (t.value === 'null') return { t: 'lit', v: null };
      if (RESERVED.has(t.value) || UNSUPPORTED.has(t.value)) {
        throw new VKScriptCompileError(`unexpected '${t.value}' at ${t.pos}`);
      }
      return { t: 'name', name: t.value };
    }
    if (t.kind === 'punc' && t.value === '(') {
      const e = this.expression();
      this.expectP(')');
      return e;
    }
    if (t.kind === 'punc' && t.value === '[') {
      const items: Expr[] = [];
      while (!this.isP(']')) {
        items.push(this.assignment());
        if (!this.eatP(',')) break;
      }
      this.expectP(']');
      return { t: 'arr', items };
    }
    if (t.kind === 'punc' && t.value === '{') {
      const entries: [string, Expr][] = [];
      while (!this.isP('}')) {
        const k = this.next();
        if (k.kind !== 'id' && k.kind !== 'str' && k.kind !== 'num') {
          throw new VKScriptCompileError(`expected a key at ${k.pos}`);
        }
        this.expectP(':');
        entries.push([k.value, this.assignment()]);
        if (!this.eatP(',')) break;
      }
      this.expectP('}');
      return { t: 'obj', entries };
    }
    throw new VKScriptCompileError(`unexpected '${t.value || 'end of code'}' at ${t.pos}`);
  }
}

export function parseVKScript(code: string): Stmt[] {
  return new Parser(tokenize(code)).program();
}

// ------------------------------------------------------------------ evaluation

export interface VKScriptHost {
  /** `Args.<name>`: the request's other parameters, as strings. */
  args(name: string): string | null;
  /** One `API.<method>(params)` call. Returns the response value, or `false` after recording an execute error. */
  callApi(method: string, params: Map<string, string>): Value;
}

export interface VKScriptLimits {
  /** VK: at most 25 API calls per execute. */
  maxApiCalls: number;
  /** Guard against runaway loops (VK has an operations limit too). */
  maxSteps: number;
}

export const DEFAULT_LIMITS: VKScriptLimits = { maxApiCalls: 25, maxSteps: 1_000_000 };

class ReturnSignal {
  constructor(readonly value: Value) {}
}

/** Runs parsed code. Throws `VKScriptRuntimeError` on runtime failure. */
export function runVKScript(
  program: Stmt[],
  host: VKScriptHost,
  limits: VKScriptLimits = DEFAULT_LIMITS,
): Value {
  const vars = new Map<string, Value>();
  let steps = 0;
  let apiCalls = 0;
  // Arrays only one variable can reach. `x = x + y` on such an array appends in place: the
  // paging loops concatenate 25 pages into columns, and copying the growing array each
  // time is quadratic. Reading the variable any other way gives up the ownership, so an
  // alias (`var b = x;`, `return x`) can never see an in-place change.
  const owned = new WeakMap<Value[], string>();
  const freshArray = (e: Expr): boolean =>
    e.t === 'arr' || e.t === 'pluck' || (e.t === 'bin' && e.op === '+');
  const bind = (name: string, v: Value, source: Expr | null): void => {
    vars.set(name, v);
    if (Array.isArray(v) && source && freshArray(source)) owned.set(v, name);
  };
  // Projected pages appended to an owned array and not yet copied into it. A column of
  // 25,000 values grown push by push is reallocated a dozen times, the last ones in V8's
  // large-object space (~30 ns per push, against ~9 for short arrays); kept as pages it is
  // copied once, into an array of its final size, when something reads it (`settle`).
  // Only the owning variable reaches such an array, so every read goes through `settle`.
  interface Pending {
    name: string;
    pages: Value[][];
    length: number;
    full?: Value[];
  }
  const pending = new WeakMap<Value[], Pending>();
  /** `a` with its pending pages: a new array, which replaces `a` in its variable (and keeps its ownership). */
  const settle = (a: Value[]): Value[] => {
    const p = pending.get(a);
    if (p === undefined) return a;
    if (p.full === undefined && p.pages.length === 0) {
      pending.delete(a);
      return a;
    }
    if (p.full === undefined) {
      p.full = a.concat(...p.pages);
      p.pages = [];
      if (vars.get(p.name) === a) vars.set(p.name, p.full);
      if (owned.get(a) === p.name) owned.set(p.full, p.name);
    }
    return p.full;
  };
  /** Copies `a`'s pending pages into it, in place (amortised growth): for appends, which keep `a` owned. */
  const flush = (a: Value[], p: Pending): void => {
    for (const page of p.pages) for (let i = 0; i < page.length; i++) a.push(page[i]);
    p.pages = [];
    p.length = 0;
  };

  const tick = (): void => {
    if (++steps > limits.maxSteps) throw new VKScriptRuntimeError('too many operations');
  };

  const exec = (s: Stmt): void => {
    tick();
    switch (s.t) {
      case 'empty':
        return;
      case 'var':
        for (const [name, init] of s.decls) bind(name, init ? evaluate(init) : null, init);
        return;
      case 'expr':
        if (s.e.t === 'assign') {
          // The value is dropped: an in-place append need not settle its pages.
          tick();
          assignExpr(s.e, false);
        } else evaluate(s.e);
        return;
      case 'block':
        for (const b of s.body) exec(b);
        return;
      case 'if':
        if (truthy(evaluate(s.test))) exec(s.then);
        else if (s.else) exec(s.else);
        return;
      case 'while':
        while (truthy(evaluate(s.test))) {
          tick();
          exec(s.body);
        }
        return;
      case 'return':
        throw new ReturnSignal(s.e ? evaluate(s.e) : null);
    }
  };

  const apiPath = (e: Expr): string | null => {
    if (e.t === 'name') return e.name === 'API' ? '' : null;
    if (e.t === 'member') {
      const base = apiPath(e.obj);
      return base === null ? null : base === '' ? e.prop : `${base}.${e.prop}`;
    }
    return null;
  };

  const evaluate = (e: Expr): Value => {
    tick();
    switch (e.t) {
      case 'lit':
        return e.v;
      case 'name':
        if (e.name === 'API' || e.name === 'Args')
          throw new VKScriptRuntimeError(`${e.name} cannot be used as a value`);
        if (!vars.has(e.name)) throw new VKScriptRuntimeError(`${e.name} is not defined`);
        {
          const v = vars.get(e.name)!;
          if (!Array.isArray(v)) return v;
          const a = settle(v);
          owned.delete(a);
          return a;
        }
      case 'arr':
        return e.items.map(evaluate);
      case 'obj': {
        const m: VObject = new Map();
        for (const [k, v] of e.entries) m.set(k, evaluate(v));
        return m;
      }
      case 'member':
        if (e.obj.t === 'name' && e.obj.name === 'Args') return host.args(e.prop);
        return getProp(evaluate(e.obj), e.prop);
      case 'index': {
        const obj = evaluate(e.obj);
        const idx = evaluate(e.index);
        return typeof idx === 'number' ? getIndex(obj, idx) : getProp(obj, toStr(idx));
      }
      case 'pluck': {
        const base = pluckBase(e);
        if (!Array.isArray(base)) return null;
        return project(e, base);
      }
      case 'call':
        return call(e);
      case 'unary': {
        const v = evaluate(e.arg);
        if (e.op === '!') return !truthy(v);
        if (e.op === '-') return -toNum(v);
        return toNum(v);
      }
      case 'bin':
        return binary(e.op, evaluate(e.left), evaluate(e.right));
      case 'logic': {
        const l = evaluate(e.left);
        if (e.op === '&&') return truthy(l) ? evaluate(e.right) : l;
        return truthy(l) ? l : evaluate(e.right);
      }
      case 'cond':
        return truthy(evaluate(e.test)) ? evaluate(e.then) : evaluate(e.else);
      case 'assign':
        return assignExpr(e, true);
    }
  };

  /** An assignment; `wantValue` false when its value is dropped (an expression statement). */
  const assignExpr = (e: Extract<Expr, { t: 'assign' }>, wantValue: boolean): Value => {
    const appended = appendInPlace(e);
    if (appended !== undefined) {
      if (!wantValue) return null;
      // The array leaves through the expression's value: no longer only the variable's.
      if (!Array.isArray(appended)) return appended;
      const a = settle(appended);
      owned.delete(a);
      return a;
    }
    let v = evaluate(e.value);
    if (e.op !== '=') v = binary(e.op === '+=' ? '+' : '-', evaluate(e.target), v);
    if (e.target.t === 'name' && e.op === '=') {
      if (e.target.name === 'API' || e.target.name === 'Args')
        throw new VKScriptRuntimeError(`cannot assign to ${e.target.name}`);
      bind(e.target.name, v, e.value);
    } else {
      assign(e.target, v);
    }
    return v;
  };

  /**
   * The list a projection reads. `list@.a@.b` is one pass (no intermediate list; host
   * values may skip building the inner objects) with the step count of two passes.
   */
  const pluckBase = (e: PluckExpr): Value => {
    if (e.obj.t !== 'pluck') return evaluate(e.obj);
    tick();
    return evaluate(e.obj.obj);
  };

  /** `base@.prop` (or `base@.a@.b`): a new list. */
  const project = (e: PluckExpr, base: Value[]): Value[] => {
    const n = base.length;
    // Allocated at its final size (a page of 1000 grown push by push is reallocated ~12
    // times); beyond V8's limit for preallocated fast arrays, grown instead.
    const out: Value[] = n <= PREALLOCATE_MAX ? new Array<Value>(n) : [];
    if (e.obj.t === 'pluck') {
      const a = e.obj.prop;
      const b = e.prop;
      for (let i = 0; i < n; i++) {
        const x = base[i];
        let v: Value | undefined;
        if (isHostValue(x) && x.getPath) v = x.getPath(a, b);
        out[i] = v !== undefined ? v : getProp(getProp(x, a), b);
      }
    } else {
      const prop = e.prop;
      for (let i = 0; i < n; i++) out[i] = getProp(base[i], prop);
    }
    return out;
  };

  /** `x = x + y` / `x += y` on an array only `x` reaches: append, return it; else undefined. */
  const appendInPlace = (e: Extract<Expr, { t: 'assign' }>): Value | undefined => {
    if (e.target.t !== 'name') return undefined;
    const name = e.target.name;
    const rhs =
      e.op === '+='
        ? e.value
        : e.op === '=' &&
            e.value.t === 'bin' &&
            e.value.op === '+' &&
            e.value.left.t === 'name' &&
            e.value.left.name === name
          ? e.value.right
          : null;
    if (!rhs) return undefined;
    const cur = vars.get(name);
    if (!Array.isArray(cur) || owned.get(cur) !== name) return undefined;
    if (e.value !== rhs) tick(); // the `+` node the fast path skips
    // `col = col + r.items@.field` (the pull's columns script, 26 per inner call): the
    // projected page is kept as a page of the column (`pending`), copied once when read.
    let add: Value = null;
    let source: Value[] | null = null; // the list a projection reads, not yet projected
    if (rhs.t === 'pluck') {
      tick(); // what evaluate(rhs) would count
      const base = pluckBase(rhs);
      if (Array.isArray(base)) source = base;
    } else {
      add = evaluate(rhs);
    }
    if (owned.get(cur) === name && vars.get(name) === cur) {
      if (source !== null) {
        const page = project(rhs as PluckExpr, source);
        let p = pending.get(cur);
        checkArray(cur.length + (p ? p.length : 0) + page.length);
        if (p === undefined) pending.set(cur, (p = { name, pages: [], length: 0 }));
        p.pages.push(page);
        p.length += page.length;
        // Bounded, so `concat(...pages)` never meets the engine's argument limit; copied in
        // place, so a loop of many small appends stays linear.
        if (p.pages.length >= MAX_PENDING_PAGES) flush(cur, p);
        return cur;
      }
      const p = pending.get(cur);
      if (p !== undefined) flush(cur, p);
      checkArray(cur.length + (Array.isArray(add) ? add.length : 1));
      if (Array.isArray(add)) {
        const n = add.length;
        for (let i = 0; i < n; i++) cur.push(add[i]);
      } else if (add !== null) cur.push(add);
      return cur;
    }
    if (source !== null) {
      add = project(rhs as PluckExpr, source);
    }
    // Someone read the array while the right side ran: plain (copying) semantics.
    const v = binary('+', settle(cur), add);
    vars.set(name, v);
    return v;
  };

  const assign = (target: Expr, v: Value): void => {
    if (target.t === 'name') {
      if (target.name === 'API' || target.name === 'Args')
        throw new VKScriptRuntimeError(`cannot assign to ${target.name}`);
      vars.set(target.name, v);
      return;
    }
    if (target.t === 'member' || target.t === 'index') {
      const obj = evaluate(target.obj);
      const key = target.t === 'member' ? target.prop : evaluate(target.index);
      if (obj instanceof Map) {
        obj.set(toStr(key), v);
        return;
      }
      if (
        Array.isArray(obj) &&
        typeof key === 'number' &&
        Number.isInteger(key) &&
        key >= 0 &&
        key <= obj.length
      ) {
        obj[key] = v;
        return;
      }
      throw new VKScriptRuntimeError(`cannot set ${toStr(key)} here`);
    }
    throw new VKScriptRuntimeError('bad assignment target');
  };

  const call = (e: Extract<Expr, { t: 'call' }>): Value => {
    const path = apiPath(e.callee);
    if (path !== null) {
      if (!/^\w+\.\w+$/.test(path)) throw new VKScriptRuntimeError(`unknown API method ${path || 'API'}`);
      if (++apiCalls > limits.maxApiCalls)
        throw new VKScriptRuntimeError(`too many API calls (more than ${limits.maxApiCalls})`);
      const arg = e.args.length ? evaluate(e.args[0]) : new Map<string, Value>();
      const params = new Map<string, string>();
      if (arg instanceof Map) {
        for (const [k, v] of arg) if (v !== null) params.set(k, toParam(v));
      } else if (arg !== null) {
        throw new VKScriptRuntimeError(`API.${path} expects an object of parameters`);
      }
      return host.callApi(path, params);
    }
    if (e.callee.t === 'name') {
      const args = e.args.map(evaluate);
      if (e.callee.name === 'parseInt') {
        const n = parseInt(toStr(args[0] ?? null), 10);
        // Missing arguments (Args.x not sent) parse to 0: vk-io's first page relies on it.
        return Number.isNaN(n) ? 0 : n;
      }
      if (e.callee.name === 'parseFloat') {
        const n = parseFloat(toStr(args[0] ?? null));
        return Number.isNaN(n) ? 0 : n;
      }
      throw new VKScriptRuntimeError(`unknown function ${e.callee.name}`);
    }
    if (e.callee.t === 'member') {
      const obj = evaluate(e.callee.obj);
      const args = e.args.map(evaluate);
      return method(obj, e.callee.prop, args);
    }
    throw new VKScriptRuntimeError('this expression cannot be called');
  };

  try {
    for (const s of program) exec(s);
    return null;
  } catch (err) {
    if (err instanceof ReturnSignal) return err.value;
    throw err;
  }
}

function method(obj: Value, name: string, args: Value[]): Value {
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

function getProp(obj: Value, prop: string): Value {
  if (obj instanceof Map) return obj.has(prop) ? obj.get(prop)! : null;
  if (Array.isArray(obj) || typeof obj === 'string') {
    if (prop === 'length') return obj.length;
    const i = Number(prop);
    return Number.isInteger(i) ? getIndex(obj, i) : null;
  }
  if (obj !== null && typeof obj === 'object') return obj.get(prop);
  return null; // VKScript is lenient: a property of false/null is null, not a crash.
}

function getIndex(obj: Value, i: number): Value {
  if (Array.isArray(obj)) return i >= 0 && i < obj.length ? obj[i] : null;
  if (typeof obj === 'string') return i >= 0 && i < obj.length ? obj[i] : null;
  return getProp(obj, String(i));
}

function truthy(v: Value): boolean {
  if (v === null || v === false || v === 0 || v === '') return false;
  if (typeof v === 'number' && Number.isNaN(v)) return false;
  return true;
}

function toNum(v: Value): number {
  if (typeof v === 'number') return v;
  if (v === null || v === false) return 0;
  if (v === true) return 1;
  if (typeof v === 'string') return v.trim() === '' ? 0 : Number(v);
  return NaN;
}

function toStr(v: Value): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(toStr).join(',');
  return '[object]';
}

/** How a script value becomes a request parameter (VK sends params as strings). */
function toParam(v: Value): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  return toStr(v);
}

function looseEq(a: Value, b: Value): boolean {
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
/** Lists up to this long are allocated at their final size (V8 makes longer `new Array(n)` slow dictionaries). */
const PREALLOCATE_MAX = 50_000;
/** Pages an owned array keeps before they are copied into it (the columns script appends 25). */
const MAX_PENDING_PAGES = 64;
const MAX_STRING_CHARS = 10_000_000;

function checkArray(n: number): void {
  if (n > MAX_ARRAY_ITEMS)
    throw new VKScriptRuntimeError(`array too large (more than ${MAX_ARRAY_ITEMS} items)`);
}

function binary(op: string, a: Value, b: Value): Value {
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
export function writeValueJson(v: Value, writeHost: HostWriter, out: JsonWriter): void {
  if (v === null) out.write('null');
  else if (typeof v === 'boolean') out.write(v ? 'true' : 'false');
  else if (typeof v === 'number') out.write(Number.isFinite(v) ? String(v) : 'null');
  else if (typeof v === 'string') out.write(JSON.stringify(v));
  else if (Array.isArray(v)) {
    if (out.list) {
      out.list(v, (x) => writeValueJson(x as Value, writeHost, out));
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
      writeValueJson(v[i], writeHost, out);
    }
    out.write(']');
  } else if (v instanceof Map) {
    out.write('{');
    let first = true;
    for (const [k, val] of v) {
      out.write(first ? `${JSON.stringify(k)}:` : `,${JSON.stringify(k)}:`);
      first = false;
      writeValueJson(val, writeHost, out);
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
