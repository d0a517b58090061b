/**
 * A safe interpreter for the subset of VKScript (the language of VK's `execute` method)
 * that paging clients send: vk-io's `collect/execute-code.ts` loop and python vk_api's
 * `VkTools.get_all_iter` / old `VK_SCRIPT_GET_ALL` functions (test/emulator/vkscript.test.ts
 * holds the shapes accepted).
 *
 * The request text is tokenised (lexer.ts), parsed into a small syntax tree (parser.ts,
 * ast.ts) and walked here; nothing is ever handed to `eval` / `new Function`. Unsupported
 * syntax is a compile error (VK error 12); runtime failures (too many API calls, runaway
 * loops) are VK error 13.
 *
 * Supported: `var a = 1, b;`, assignment (`=`, `+=`, `-=`, `++`, `--`) to names, `.prop`
 * and `[i]`; `while`, `if`/`else`, blocks, `return`; literals (numbers, strings,
 * true/false/null, arrays, objects with bare or quoted keys); `+ - * / %`, comparisons,
 * `== != === !==`, `&& || !`, unary minus, `?:`; `.length`, `.slice`, `.splice`, `.push`,
 * `.pop`, `.shift`, `.indexOf`, `.join`, `parseInt`, `parseFloat`, `Args.<name>`,
 * `API.<section>.<method>(params)` and VKScript's `list@.field` projection.
 *
 * This is the plain interpreter: every `a = a + b` copies, every `list@.a@.b` makes the
 * intermediate list. The emulator runs fast/interpreter.ts, which overrides three steps
 * of this class to append in place and project in one pass, with the same results.
 */
import type { AssignExpr, Expr, Program, PluckExpr, Stmt } from './ast';
import {
  VKScriptRuntimeError,
  binary,
  getIndex,
  getProp,
  method,
  toNum,
  toParam,
  toStr,
  truthy,
  type VObject,
  type Value,
} from './values';

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

/** One run of a program: its variables, and the step and API-call counts the limits bound. */
export class Interpreter {
  protected readonly vars = new Map<string, Value>();
  private steps = 0;
  private apiCalls = 0;

  constructor(
    protected readonly host: VKScriptHost,
    protected readonly limits: VKScriptLimits = DEFAULT_LIMITS,
  ) {}

  /** The value of the program's `return` (null without one). */
  run(program: Program): Value {
    try {
      for (const s of program) this.exec(s);
      return null;
    } catch (err) {
      if (err instanceof ReturnSignal) return err.value;
      throw err;
    }
  }

  /** One step: each statement, expression and loop turn counts one. */
  protected tick(): void {
    if (++this.steps > this.limits.maxSteps) throw new VKScriptRuntimeError('too many operations');
  }

  protected exec(s: Stmt): void {
    this.tick();
    switch (s.t) {
      case 'empty':
        return;
      case 'var':
        for (const [name, init] of s.decls) this.declare(name, init);
        return;
      case 'expr':
        this.evaluate(s.e);
        return;
      case 'block':
        for (const b of s.body) this.exec(b);
        return;
      case 'if':
        if (truthy(this.evaluate(s.test))) this.exec(s.then);
        else if (s.else) this.exec(s.else);
        return;
      case 'while':
        while (truthy(this.evaluate(s.test))) {
          this.tick();
          this.exec(s.body);
        }
        return;
      case 'return':
        throw new ReturnSignal(s.e ? this.evaluate(s.e) : null);
    }
  }

  /** The value of variable `name`. */
  protected readVar(name: string): Value {
    if (!this.vars.has(name)) throw new VKScriptRuntimeError(`${name} is not defined`);
    return this.vars.get(name)!;
  }

  /** `var name = init` (or `var name`). */
  protected declare(name: string, init: Expr | null): void {
    this.vars.set(name, init ? this.evaluate(init) : null);
  }

  protected evaluate(e: Expr): Value {
    this.tick();
    switch (e.t) {
      case 'lit':
        return e.v;
      case 'name':
        if (e.name === 'API' || e.name === 'Args')
          throw new VKScriptRuntimeError(`${e.name} cannot be used as a value`);
        return this.readVar(e.name);
      case 'arr':
        return e.items.map((x) => this.evaluate(x));
      case 'obj': {
        const m: VObject = new Map();
        for (const [k, v] of e.entries) m.set(k, this.evaluate(v));
        return m;
      }
      case 'member':
        if (e.obj.t === 'name' && e.obj.name === 'Args') return this.host.args(e.prop);
        return getProp(this.evaluate(e.obj), e.prop);
      case 'index': {
        const obj = this.evaluate(e.obj);
        const idx = this.evaluate(e.index);
        return typeof idx === 'number' ? getIndex(obj, idx) : getProp(obj, toStr(idx));
      }
      case 'pluck':
        return this.pluck(e);
      case 'call':
        return this.call(e);
      case 'unary': {
        const v = this.evaluate(e.arg);
        if (e.op === '!') return !truthy(v);
        if (e.op === '-') return -toNum(v);
        return toNum(v);
      }
      case 'bin':
        return binary(e.op, this.evaluate(e.left), this.evaluate(e.right));
      case 'logic': {
        const l = this.evaluate(e.left);
        if (e.op === '&&') return truthy(l) ? this.evaluate(e.right) : l;
        return truthy(l) ? l : this.evaluate(e.right);
      }
      case 'cond':
        return truthy(this.evaluate(e.test)) ? this.evaluate(e.then) : this.evaluate(e.else);
      case 'assign':
        return this.assign(e);
    }
  }

  /** `list@.prop`: a new list of each item's `prop` (null for a non-list). */
  protected pluck(e: PluckExpr): Value {
    const base = this.evaluate(e.obj);
    if (!Array.isArray(base)) return null;
    return base.map((x) => getProp(x, e.prop));
  }

  /** An assignment; its value is the value assigned. */
  protected assign(e: AssignExpr): Value {
    let v = this.evaluate(e.value);
    if (e.op !== '=') v = binary(e.op === '+=' ? '+' : '-', this.evaluate(e.target), v);
    if (e.target.t === 'name' && e.op === '=') {
      if (e.target.name === 'API' || e.target.name === 'Args')
        throw new VKScriptRuntimeError(`cannot assign to ${e.target.name}`);
      this.vars.set(e.target.name, v);
    } else {
      this.store(e.target, v);
    }
    return v;
  }

  /** `target = v` for a name (compound assignments), `.prop` or `[i]`. */
  private store(target: Expr, v: Value): void {
    if (target.t === 'name') {
      if (target.name === 'API' || target.name === 'Args')
        throw new VKScriptRuntimeError(`cannot assign to ${target.name}`);
      this.vars.set(target.name, v);
      return;
    }
    if (target.t === 'member' || target.t === 'index') {
      const obj = this.evaluate(target.obj);
      const key = target.t === 'member' ? target.prop : this.evaluate(target.index);
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
  }

  /** `API.a.b` → 'a.b'; `API` alone → ''; anything else → null. */
  private apiPath(e: Expr): string | null {
    if (e.t === 'name') return e.name === 'API' ? '' : null;
    if (e.t === 'member') {
      const base = this.apiPath(e.obj);
      return base === null ? null : base === '' ? e.prop : `${base}.${e.prop}`;
    }
    return null;
  }

  private call(e: Extract<Expr, { t: 'call' }>): Value {
    const path = this.apiPath(e.callee);
    if (path !== null) {
      if (!/^\w+\.\w+$/.test(path)) throw new VKScriptRuntimeError(`unknown API method ${path || 'API'}`);
      if (++this.apiCalls > this.limits.maxApiCalls)
        throw new VKScriptRuntimeError(`too many API calls (more than ${this.limits.maxApiCalls})`);
      const arg = e.args.length ? this.evaluate(e.args[0]) : new Map<string, Value>();
      const params = new Map<string, string>();
      if (arg instanceof Map) {
        for (const [k, v] of arg) if (v !== null) params.set(k, toParam(v));
      } else if (arg !== null) {
        throw new VKScriptRuntimeError(`API.${path} expects an object of parameters`);
      }
      return this.host.callApi(path, params);
    }
    if (e.callee.t === 'name') {
      const args = e.args.map((x) => this.evaluate(x));
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
      const obj = this.evaluate(e.callee.obj);
      const args = e.args.map((x) => this.evaluate(x));
      return method(obj, e.callee.prop, args);
    }
    throw new VKScriptRuntimeError('this expression cannot be called');
  }
}

/** Runs parsed code with the plain interpreter. Throws `VKScriptRuntimeError` on runtime failure. */
export function runVKScript(
  program: Program,
  host: VKScriptHost,
  limits: VKScriptLimits = DEFAULT_LIMITS,
): Value {
  return new Interpreter(host, limits).run(program);
}
