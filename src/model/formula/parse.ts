import { ModelSpecError } from './errors';

/**
 * brms / lme4 formula syntax, the subset the engine supports:
 *
 *   response ~ terms
 *   terms:  a + b, a:b, a * b (= a + b + a:b), (a + b) * c, 1, 0, -1,
 *           0 + Intercept (brms's uncentred intercept, a population-level coefficient),
 *           (lhs | g) group-level effects correlated within the term, (lhs || g) uncorrelated,
 *           where lhs is 1, x, 1 + x, 0 + x, x:z, … (the same syntax, no nested groups).
 *
 * Terms are expanded and ordered as R's `terms()` does (keep.order = FALSE): all main
 * effects first, then two-way interactions, …, each degree in order of appearance;
 * the variables inside an interaction are ordered by their first appearance in the
 * formula, so `b:a + a` is labelled `b:a` exactly as R would. The left side of a group
 * term is ordered the same way on its own (brms builds its design from that sub-formula).
 */
export interface FormulaTerm {
  /** Variables of the term in formula order; one for a main effect. */
  readonly variables: readonly string[];
  /** R's term label, e.g. `zBase:Trt`. */
  readonly label: string;
}

/** One `(lhs | g)` or `(lhs || g)` term. */
export interface GroupTerm {
  /** The grouping column. */
  readonly group: string;
  /** Whether lhs has an intercept (`1 + x`, `x`; not `0 + x` / `x - 1`). */
  readonly intercept: boolean;
  /** lhs terms besides the intercept, R's order. */
  readonly terms: readonly FormulaTerm[];
  /** `|` (correlated effects) or `||` (independent ones). */
  readonly correlated: boolean;
  /** The term as written, e.g. "(1 + Days | Subject)". */
  readonly text: string;
}

export interface ParsedFormula {
  /** The formula text as given (trimmed). */
  readonly text: string;
  readonly response: string;
  /** The implicit intercept brms centres (absent with `0 +` / `- 1`). */
  readonly intercept: boolean;
  /** `0 + Intercept`: an uncentred intercept column with coefficient `b_Intercept`. */
  readonly interceptTerm: boolean;
  /** Population-level terms, R's order (without `Intercept`). */
  readonly terms: readonly FormulaTerm[];
  /** Group-level terms in formula order. */
  readonly groupTerms: readonly GroupTerm[];
  /** Grouping columns of the group terms, in formula order, without duplicates. */
  readonly groups: readonly string[];
}

type Token =
  | { kind: 'name'; value: string; pos: number }
  | { kind: 'number'; value: string; pos: number }
  | { kind: 'op'; value: string; pos: number }
  | { kind: 'end'; pos: number };

const OPS = new Set(['~', '+', '-', ':', '*', '(', ')', '|']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    if (ch === '`') {
      const close = text.indexOf('`', i + 1);
      if (close < 0) throw specError(text, i, 'unclosed backquote');
      tokens.push({ kind: 'name', value: text.slice(i + 1, close), pos: i });
      i = close + 1;
      continue;
    }
    const name = /^[A-Za-z_.][A-Za-z0-9_.]*/.exec(text.slice(i));
    if (name && !/^\.[0-9]/.test(name[0])) {
      tokens.push({ kind: 'name', value: name[0], pos: i });
      i += name[0].length;
      continue;
    }
    const num = /^[0-9]+(\.[0-9]*)?/.exec(text.slice(i));
    if (num) {
      tokens.push({ kind: 'number', value: num[0], pos: i });
      i += num[0].length;
      continue;
    }
    if (ch === '|' && text[i + 1] === '|') {
      tokens.push({ kind: 'op', value: '||', pos: i });
      i += 2;
      continue;
    }
    if (OPS.has(ch)) {
      tokens.push({ kind: 'op', value: ch, pos: i });
      i += 1;
      continue;
    }
    const hint =
      ch === '/'
        ? " (nesting 'a/b' is not supported: make a combined column and use (1 | a_b))"
        : ch === '^'
          ? " ('(a + b)^2' expansion is not supported: write the interactions out)"
          : '';
    throw specError(text, i, `unsupported character '${ch}'${hint}`);
  }
  tokens.push({ kind: 'end', pos: text.length });
  return tokens;
}

function specError(text: string, pos: number, what: string): ModelSpecError {
  return new ModelSpecError(
    `formula "${text}": ${what} at position ${pos + 1} ("${text.slice(pos, pos + 12)}")`,
  );
}

/** A set of terms, each a set of variable names; the intercept is tracked apart. */
interface Expansion {
  terms: string[][];
  intercept: 'add' | 'remove' | 'none';
  groups: GroupTerm[];
  /** Variables in order of first appearance. */
  order: string[];
}

const empty = (): Expansion => ({ terms: [], intercept: 'none', groups: [], order: [] });

function mergeOrder(a: string[], b: string[]): string[] {
  const out = [...a];
  for (const v of b) if (!out.includes(v)) out.push(v);
  return out;
}

/** Deduplicated terms in R's order: by degree, then appearance; variables by first appearance. */
function orderTerms(terms: string[][], order: string[]): FormulaTerm[] {
  const rank = new Map(order.map((v, i) => [v, i] as const));
  const seen = new Set<string>();
  const unique: string[][] = [];
  for (const vars of terms) {
    const sorted = [...vars].sort((x, y) => (rank.get(x) ?? 0) - (rank.get(y) ?? 0));
    const key = sorted.join(':');
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(sorted);
  }
  return unique
    .map((vars, i) => ({ vars, i }))
    .sort((x, y) => x.vars.length - y.vars.length || x.i - y.i)
    .map(({ vars }) => ({ variables: vars, label: vars.join(':') }));
}

class Parser {
  private i = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  private peek(): Token {
    return this.tokens[this.i];
  }

  private next(): Token {
    return this.tokens[this.i++];
  }

  private fail(tok: Token, what: string): never {
    throw specError(this.text, tok.pos, what);
  }

  private expectOp(value: string): void {
    const t = this.next();
    if (t.kind !== 'op' || t.value !== value) this.fail(t, `expected '${value}'`);
  }

  parseFormula(): { response: string; rhs: Expansion } {
    const r = this.next();
    if (r.kind === 'op' && r.value === '~')
      this.fail(r, 'the formula needs a response before ~ (e.g. "y ~ x")');
    if (r.kind !== 'name') this.fail(r, 'the response must be a column name');
    const after = this.peek();
    if (after.kind === 'op' && after.value === '|') {
      this.fail(after, "response addition terms ('y | weights(w)', 'y | trials(n)') are not supported");
    }
    if (after.kind === 'op' && after.value === '(') {
      this.fail(
        after,
        `transformations of the response ('${r.value}(...)') are not supported: add a transformed column to the data`,
      );
    }
    this.expectOp('~');
    const rhs = this.parseSum(true);
    const end = this.peek();
    if (end.kind !== 'end') this.fail(end, 'unexpected input');
    return { response: r.value, rhs };
  }

  /** sum := ['-'] product (('+' | '-') product)* */
  private parseSum(topLevel: boolean): Expansion {
    const out = empty();
    let sign: '+' | '-' = '+';
    const first = this.peek();
    if (first.kind === 'op' && first.value === '-') {
      this.next();
      sign = '-';
    }
    for (;;) {
      const start = this.peek();
      const part = this.parseProduct(topLevel);
      if (sign === '-') {
        if (part.intercept === 'add' && part.terms.length === 0 && part.groups.length === 0) {
          out.intercept = 'remove';
        } else {
          this.fail(start, "removing terms with '-' is supported only for the intercept ('- 1')");
        }
      } else {
        if (part.intercept !== 'none') out.intercept = part.intercept;
        out.terms.push(...part.terms);
        out.groups.push(...part.groups);
        out.order = mergeOrder(out.order, part.order);
      }
      const t = this.peek();
      if (t.kind === 'op' && (t.value === '+' || t.value === '-')) {
        this.next();
        sign = t.value;
        continue;
      }
      return out;
    }
  }

  /** product := inter ('*' inter)*; A * B = A + B + A:B */
  private parseProduct(topLevel: boolean): Expansion {
    let acc = this.parseInteraction(topLevel);
    for (;;) {
      const t = this.peek();
      if (!(t.kind === 'op' && t.value === '*')) return acc;
      this.next();
      const rhs = this.parseInteraction(false);
      this.assertPlain(acc, t, '*');
      this.assertPlain(rhs, t, '*');
      acc = {
        terms: [...acc.terms, ...rhs.terms, ...cross(acc.terms, rhs.terms)],
        intercept: 'none',
        groups: [],
        order: mergeOrder(acc.order, rhs.order),
      };
    }
  }

  /** inter := atom (':' atom)* */
  private parseInteraction(topLevel: boolean): Expansion {
    let acc = this.parseAtom(topLevel);
    for (;;) {
      const t = this.peek();
      if (!(t.kind === 'op' && t.value === ':')) return acc;
      this.next();
      const rhs = this.parseAtom(false);
      this.assertPlain(acc, t, ':');
      this.assertPlain(rhs, t, ':');
      acc = {
        terms: cross(acc.terms, rhs.terms),
        intercept: 'none',
        groups: [],
        order: mergeOrder(acc.order, rhs.order),
      };
    }
  }

  private assertPlain(e: Expansion, at: Token, op: string): void {
    if (e.groups.length > 0) this.fail(at, `group terms (... | g) cannot be combined with '${op}'`);
    if (e.intercept !== 'none') this.fail(at, `the intercept (0 / 1) cannot be combined with '${op}'`);
  }

  private parseAtom(topLevel: boolean): Expansion {
    const t = this.next();
    if (t.kind === 'number') {
      if (t.value === '1') return { ...empty(), intercept: 'add' };
      if (t.value === '0') return { ...empty(), intercept: 'remove' };
      this.fail(t, `the only numbers allowed in a formula are 0 and 1, not ${t.value}`);
    }
    if (t.kind === 'name') {
      const after = this.peek();
      if (after.kind === 'op' && after.value === '(') {
        this.fail(
          t,
          `functions in formulas ('${t.value}(...)') are not supported: add the transformed variable as a column`,
        );
      }
      return { terms: [[t.value]], intercept: 'none', groups: [], order: [t.value] };
    }
    if (t.kind === 'op' && t.value === '(') {
      // A group term "(lhs | g)" or a parenthesised sub-formula "(a + b)".
      const inner = this.parseSum(false);
      const sep = this.peek();
      if (sep.kind === 'op' && (sep.value === '|' || sep.value === '||')) {
        if (!topLevel) this.fail(t, 'group terms (... | g) must be added at the top level of the formula');
        if (inner.groups.length > 0) this.fail(t, 'group terms cannot be nested inside group terms');
        this.next();
        const g = this.next();
        if (g.kind !== 'name') this.fail(g, `expected a grouping column name after ${sep.value}`);
        const close = this.peek();
        if (close.kind === 'op' && close.value === ':') {
          this.fail(
            close,
            `interaction or nested grouping factors such as (1 | a${close.value}b) are not supported: add a combined column`,
          );
        }
        if (close.kind === 'op' && close.value === '|') {
          this.fail(
            close,
            "group-level terms with an ID ('(1 | id | g)', correlations across terms) are not supported; use one term per grouping factor",
          );
        }
        this.expectOp(')');
        const end = this.tokens[this.i - 1];
        const lhsTerms = orderTerms(inner.terms, inner.order);
        for (const term of lhsTerms) {
          if (term.variables.includes('Intercept')) {
            this.fail(t, "'Intercept' is not a group-level term; write 1 for the group-level intercept");
          }
        }
        const intercept = inner.intercept !== 'remove';
        if (!intercept && lhsTerms.length === 0) this.fail(t, `group term has no effects (0 | ${g.value})`);
        const gt: GroupTerm = {
          group: g.value,
          intercept,
          terms: lhsTerms,
          correlated: sep.value === '|',
          text: this.text.slice(t.pos, end.pos + 1),
        };
        return { terms: [], intercept: 'none', groups: [gt], order: [] };
      }
      this.expectOp(')');
      if (inner.groups.length > 0) this.fail(t, 'group terms (... | g) cannot be nested in parentheses');
      return inner;
    }
    if (t.kind === 'end') this.fail(t, 'the formula ends too early');
    return this.fail(t, `unexpected '${t.kind === 'op' ? t.value : ''}'`);
  }
}

function cross(a: string[][], b: string[][]): string[][] {
  const out: string[][] = [];
  for (const x of a) for (const y of b) out.push([...new Set([...x, ...y])]);
  return out;
}

/** Parses a brms/lme4 formula; throws ModelSpecError with the position of any problem. */
export function parseFormula(text: string): ParsedFormula {
  if (typeof text !== 'string' || !text.includes('~')) {
    throw new ModelSpecError(
      `formula "${String(text)}": expected "response ~ terms", e.g. "y ~ x + (1 | g)"`,
    );
  }
  const trimmed = text.trim();
  const parser = new Parser(trimmed, tokenize(trimmed));
  const { response, rhs } = parser.parseFormula();
  const intercept = rhs.intercept !== 'remove';
  const ordered = orderTerms(rhs.terms, rhs.order);
  let interceptTerm = false;
  const terms: FormulaTerm[] = [];
  for (const term of ordered) {
    if (term.variables.includes('Intercept')) {
      if (term.variables.length > 1) {
        throw new ModelSpecError(
          `formula "${trimmed}": 'Intercept' cannot be part of an interaction ('${term.label}')`,
        );
      }
      if (intercept) {
        throw new ModelSpecError(
          `formula "${trimmed}": 'Intercept' as a term is brms's uncentred intercept and needs the implicit one removed: write "${response} ~ 0 + Intercept + ..."`,
        );
      }
      interceptTerm = true;
      continue;
    }
    terms.push(term);
  }
  for (const term of terms) {
    if (term.variables.includes(response)) {
      throw new ModelSpecError(
        `formula "${trimmed}": the response '${response}' also appears as a predictor`,
      );
    }
  }
  for (const gt of rhs.groups) {
    if (gt.group === response) {
      throw new ModelSpecError(
        `formula "${trimmed}": the response '${response}' cannot also be a grouping factor`,
      );
    }
    for (const term of gt.terms) {
      if (term.variables.includes(response)) {
        throw new ModelSpecError(
          `formula "${trimmed}": the response '${response}' also appears in the group term ${gt.text}`,
        );
      }
      if (term.variables.includes(gt.group)) {
        throw new ModelSpecError(
          `formula "${trimmed}": the grouping factor '${gt.group}' also appears inside its own term ${gt.text}`,
        );
      }
    }
  }
  // The same term written twice is one term (R's terms() drops duplicates too).
  const seenTerms = new Set<string>();
  const groupTerms = rhs.groups.filter((gt) => {
    const key = `${gt.group}|${gt.correlated}|${gt.intercept}|${gt.terms.map((t) => t.label).join('+')}`;
    if (seenTerms.has(key)) return false;
    seenTerms.add(key);
    return true;
  });
  const groups = [...new Set(groupTerms.map((g) => g.group))];
  return {
    text: trimmed,
    response,
    intercept,
    interceptTerm,
    terms,
    groupTerms,
    groups,
  };
}
