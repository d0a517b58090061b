/**
 * VKScript's parser: tokens (lexer.ts) to a syntax tree (ast.ts) by recursive descent, JS
 * precedence. Syntax outside the paging subset is a compile error naming what and where.
 */
import type { Expr, Program, Stmt } from './ast';
import { tokenize, type Token } from './lexer';
import { VKScriptCompileError } from './values';

/**
 * How deeply code may nest: parentheses, brackets, braces, blocks, operators and chains
 * (`a + b + c`, `a.b.c`) all count, one level each. The paging scripts nest under 15
 * levels. Without a bound, 50,000 nested parentheses overflow the parser's (or the
 * interpreter's) stack, which the emulator would answer with error 10 — a retryable
 * internal error — where VK refuses code it cannot compile with error 12.
 */
export const MAX_NESTING = 128;

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
  /** Recursive descents under way (statements, expressions, unary operators). */
  private depth = 0;
  constructor(private readonly toks: Token[]) {}

  /** One level deeper, or a compile error past MAX_NESTING (before the stack runs out). */
  private enter(): void {
    if (++this.depth > MAX_NESTING) throw tooDeep(this.peek().pos);
  }

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
    this.enter();
    try {
      return this.statementAt();
    } finally {
      this.depth--;
    }
  }

  private statementAt(): Stmt {
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
    this.enter();
    try {
      return this.assignmentAt();
    } finally {
      this.depth--;
    }
  }

  private assignmentAt(): Expr {
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
      this.enter();
      try {
        return { t: 'unary', op: t.value, arg: this.unary() };
      } finally {
        this.depth--;
      }
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

function tooDeep(pos?: number): VKScriptCompileError {
  return new VKScriptCompileError(
    `code nested too deeply${pos === undefined ? '' : ` at ${pos}`} (more than ${MAX_NESTING} levels of parentheses, brackets, blocks or operators)`,
  );
}

/** The children of a node (statements and expressions alike). */
function children(n: Stmt | Expr): (Stmt | Expr)[] {
  switch (n.t) {
    case 'var':
      return n.decls.flatMap(([, e]) => (e ? [e] : []));
    case 'expr':
      return [n.e];
    case 'while':
      return [n.test, n.body];
    case 'if':
      return n.else ? [n.test, n.then, n.else] : [n.test, n.then];
    case 'block':
      return n.body;
    case 'return':
      return n.e ? [n.e] : [];
    case 'arr':
      return n.items;
    case 'obj':
      return n.entries.map(([, e]) => e);
    case 'member':
    case 'pluck':
      return [n.obj];
    case 'index':
      return [n.obj, n.index];
    case 'call':
      return [n.callee, ...n.args];
    case 'unary':
      return [n.arg];
    case 'bin':
    case 'logic':
      return [n.left, n.right];
    case 'cond':
      return [n.test, n.then, n.else];
    case 'assign':
      return [n.target, n.value];
    default:
      return [];
  }
}

/**
 * The parser's recursion is bounded as it reads, but chains are read by loops and build
 * trees as deep as they are long (`1+1+…+1` is a left-leaning tree), which the interpreter
 * walks recursively: the finished tree is measured too, without recursion.
 */
function checkTreeDepth(program: Program): void {
  const stack: [Stmt | Expr, number][] = program.map((s) => [s, 1]);
  while (stack.length) {
    const [node, d] = stack.pop()!;
    if (d > MAX_NESTING) throw tooDeep();
    for (const c of children(node)) stack.push([c, d + 1]);
  }
}

export function parseVKScript(code: string): Program {
  const program = new Parser(tokenize(code)).program();
  checkTreeDepth(program);
  return program;
}
