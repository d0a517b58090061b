/**
 * The VKScript interpreter the emulator runs: the plain one (vkscript/evaluate.ts) with
 * three steps overridden for the paging scripts' two hot patterns, with the same results
 * and the same step counts (test/emulator/vkscript.test.ts runs every case on both).
 *
 * 1. `x = x + y` / `x += y` appends to `x` in place when no one else can see `x`'s array.
 *    The paging loops concatenate 25 pages into columns, and copying the growing array
 *    each time is quadratic. An array is owned by the one variable it was made fresh for
 *    (`[]`, a projection or a `+`); reading the variable any other way gives up the
 *    ownership, so an alias (`var b = x;`, `return x`) never sees an in-place change.
 *    A projected page appended this way (`col = col + r.items@.sex`: the pull's columns
 *    script, 26 per inner call) is kept aside as a page and copied once, into an array of
 *    its final size, when something reads the column (`settle`): a column of 25,000 values
 *    grown push by push is reallocated a dozen times, the last ones in V8's large-object
 *    space (~30 ns per push, against ~9 for short arrays).
 * 2. `list@.a@.b` is one pass, not two: no intermediate list, and host values may read the
 *    inner value without building the object (`HostValue.getPath`: a user's `city@.id`).
 */
import type { AssignExpr, Expr, PluckExpr, Stmt } from '../vkscript/ast';
import { DEFAULT_LIMITS, Interpreter, type VKScriptHost, type VKScriptLimits } from '../vkscript/evaluate';
import type { Program } from '../vkscript/ast';
import { binary, checkArray, getProp, isHostValue, type Value } from '../vkscript/values';

/** Lists up to this long are allocated at their final size (V8 makes longer `new Array(n)` slow dictionaries). */
const PREALLOCATE_MAX = 50_000;
/** Pages an owned array keeps before they are copied into it (the columns script appends 25). */
const MAX_PENDING_PAGES = 64;

/** Projected pages appended to an owned array and not yet copied into it. */
interface Pending {
  name: string;
  pages: Value[][];
  length: number;
  full?: Value[];
}

/** Expressions whose value is an array no variable holds yet. */
const freshArray = (e: Expr): boolean => e.t === 'arr' || e.t === 'pluck' || (e.t === 'bin' && e.op === '+');

export class FastInterpreter extends Interpreter {
  /** Arrays only one variable can reach, and which. */
  private readonly owned = new WeakMap<Value[], string>();
  private readonly pending = new WeakMap<Value[], Pending>();

  protected override exec(s: Stmt): void {
    if (s.t === 'expr' && s.e.t === 'assign') {
      // The value is dropped: an in-place append need not settle its pages. Two steps: the
      // statement's and the expression's, as the plain interpreter counts them.
      this.tick();
      this.tick();
      this.assignAndKeep(s.e, false);
      return;
    }
    super.exec(s);
  }

  protected override declare(name: string, init: Expr | null): void {
    super.declare(name, init);
    const v = this.vars.get(name);
    if (Array.isArray(v) && init && freshArray(init)) this.owned.set(v, name);
  }

  protected override readVar(name: string): Value {
    const v = super.readVar(name);
    if (!Array.isArray(v)) return v;
    const a = this.settle(v);
    this.owned.delete(a);
    return a;
  }

  protected override assign(e: AssignExpr): Value {
    return this.assignAndKeep(e, true);
  }

  protected override pluck(e: PluckExpr): Value {
    const base = this.pluckBase(e);
    if (!Array.isArray(base)) return null;
    return this.project(e, base);
  }

  /** An assignment; `wantValue` false when its value is dropped (then an append keeps its pages aside). */
  private assignAndKeep(e: AssignExpr, wantValue: boolean): Value {
    const appended = this.appendInPlace(e);
    if (appended !== undefined) {
      if (!wantValue) return null;
      // The array leaves through the expression's value: no longer only the variable's.
      if (!Array.isArray(appended)) return appended;
      const a = this.settle(appended);
      this.owned.delete(a);
      return a;
    }
    const v = super.assign(e);
    if (e.target.t === 'name' && e.op === '=' && Array.isArray(v) && freshArray(e.value)) {
      // Owned by the variable unless the value also leaves through the expression.
      if (wantValue) this.owned.delete(v);
      else this.owned.set(v, e.target.name);
    }
    return v;
  }

  /** `a` with its pending pages: a new array, which replaces `a` in its variable (and keeps its ownership). */
  private settle(a: Value[]): Value[] {
    const p = this.pending.get(a);
    if (p === undefined) return a;
    if (p.full === undefined && p.pages.length === 0) {
      this.pending.delete(a);
      return a;
    }
    if (p.full === undefined) {
      p.full = a.concat(...p.pages);
      p.pages = [];
      if (this.vars.get(p.name) === a) this.vars.set(p.name, p.full);
      if (this.owned.get(a) === p.name) this.owned.set(p.full, p.name);
    }
    return p.full;
  }

  /** Copies `a`'s pending pages into it, in place (amortised growth): for appends, which keep `a` owned. */
  private flush(a: Value[], p: Pending): void {
    for (const page of p.pages) for (let i = 0; i < page.length; i++) a.push(page[i]);
    p.pages = [];
    p.length = 0;
  }

  /**
   * The list a projection reads. `list@.a@.b` is one pass with the step count of two: the
   * inner projection's step is counted here.
   */
  private pluckBase(e: PluckExpr): Value {
    if (e.obj.t !== 'pluck') return this.evaluate(e.obj);
    this.tick();
    return this.evaluate(e.obj.obj);
  }

  /** `base@.prop` (or `base@.a@.b`): a new list. */
  private project(e: PluckExpr, base: Value[]): Value[] {
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
  }

  /** `x = x + y` / `x += y` on an array only `x` reaches: append, return it; else undefined (nothing evaluated). */
  private appendInPlace(e: AssignExpr): Value | undefined {
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
    const cur = this.vars.get(name);
    if (!Array.isArray(cur) || this.owned.get(cur) !== name) return undefined;
    if (e.value !== rhs) this.tick(); // the `+` node the fast path skips
    // `col = col + r.items@.field`: the projected page is kept as a page of the column
    // (`pending`), copied once when read.
    let add: Value = null;
    let source: Value[] | null = null; // the list a projection reads, not yet projected
    if (rhs.t === 'pluck') {
      this.tick(); // what evaluate(rhs) would count
      const base = this.pluckBase(rhs);
      if (Array.isArray(base)) source = base;
    } else {
      add = this.evaluate(rhs);
    }
    if (this.owned.get(cur) === name && this.vars.get(name) === cur) {
      if (source !== null) {
        const page = this.project(rhs as PluckExpr, source);
        let p = this.pending.get(cur);
        checkArray(cur.length + (p ? p.length : 0) + page.length);
        if (p === undefined) this.pending.set(cur, (p = { name, pages: [], length: 0 }));
        p.pages.push(page);
        p.length += page.length;
        // Bounded, so `concat(...pages)` never meets the engine's argument limit; copied in
        // place, so a loop of many small appends stays linear.
        if (p.pages.length >= MAX_PENDING_PAGES) this.flush(cur, p);
        return cur;
      }
      const p = this.pending.get(cur);
      if (p !== undefined) this.flush(cur, p);
      checkArray(cur.length + (Array.isArray(add) ? add.length : 1));
      if (Array.isArray(add)) {
        const n = add.length;
        for (let i = 0; i < n; i++) cur.push(add[i]);
      } else if (add !== null) cur.push(add);
      return cur;
    }
    if (source !== null) {
      add = this.project(rhs as PluckExpr, source);
    }
    // Someone read the array while the right side ran: plain (copying) semantics.
    const v = binary('+', this.settle(cur), add);
    this.vars.set(name, v);
    return v;
  }
}

/** Runs parsed code with the fast interpreter (what `execute` runs). */
export function runVKScriptFast(
  program: Program,
  host: VKScriptHost,
  limits: VKScriptLimits = DEFAULT_LIMITS,
): Value {
  return new FastInterpreter(host, limits).run(program);
}
