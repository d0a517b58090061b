import { ModelSpecError } from '../formula/errors';
import { makeDist, type PriorDist } from './dists';

export type PriorClass = 'b' | 'Intercept' | 'sd' | 'cor' | 'L' | 'sigma' | 'shape' | 'zi' | 'hu';
const CLASSES: readonly PriorClass[] = ['b', 'Intercept', 'sd', 'cor', 'L', 'sigma', 'shape', 'zi', 'hu'];

/** One user prior as brms's `set_prior()` records it. */
export interface UserPrior {
  dist: PriorDist;
  class: PriorClass;
  coef: string;
  group: string;
  /** The text it came from (for messages and the prior table). */
  text: string;
}

/**
 * Parses priors in brms notation. Accepted forms (several may be joined with "+", as in R):
 *   prior(normal(0, 1), class = b, coef = sexmale)
 *   set_prior("normal(0, 1)", class = "b", coef = "sexmale")   (also prior_string)
 *   normal(0, 1)                                                (class b, as set_prior's default)
 * Arguments may be positional in set_prior's order (prior, class, coef, group).
 */
export function parsePriors(texts: readonly string[]): UserPrior[] {
  const out: UserPrior[] = [];
  for (const text of texts) {
    if (typeof text !== 'string')
      throw new ModelSpecError(`priors must be strings in brms notation, got ${typeof text}`);
    for (const piece of splitTopLevel(text, '+')) out.push(parseOne(piece.trim(), text));
  }
  return out;
}

function splitTopLevel(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth += 1;
    else if (ch === ')') depth -= 1;
    else if (depth === 0 && ch === sep) {
      // "+" inside a number such as 1e+3 is not a separator.
      if (sep === '+' && /[0-9.]e$/i.test(text.slice(0, i).trimEnd())) continue;
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  if (depth !== 0 || quote) throw new ModelSpecError(`prior "${text}": unbalanced parentheses or quotes`);
  return parts.filter((p) => p.trim() !== '');
}

function unquote(s: string): string {
  const t = s.trim();
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))) return t.slice(1, -1);
  return t;
}

const ARG_ORDER = ['prior', 'class', 'coef', 'group', 'resp', 'dpar', 'nlpar', 'lb', 'ub'];

function parseOne(piece: string, whole: string): UserPrior {
  const ctx = `prior "${whole}"`;
  const call = /^([A-Za-z_][A-Za-z0-9_.]*)\s*\(([\s\S]*)\)$/.exec(piece);
  if (!call) {
    if (piece === '' || /^flat$/i.test(piece))
      return { dist: { dist: 'flat', args: [] }, class: 'b', coef: '', group: '', text: piece };
    throw new ModelSpecError(`${ctx}: expected e.g. prior(normal(0, 1), class = b) or normal(0, 1)`);
  }
  const fn = call[1];
  if (fn !== 'prior' && fn !== 'set_prior' && fn !== 'prior_string') {
    // A bare distribution: set_prior's default class is "b".
    return { dist: parseDist(piece, ctx), class: 'b', coef: '', group: '', text: piece };
  }
  const args = splitTopLevel(call[2], ',');
  const named: Record<string, string> = {};
  let position = 0;
  for (const arg of args) {
    const m = /^\s*([A-Za-z_.]+)\s*=(?!=)\s*([\s\S]*)$/.exec(arg);
    if (m) {
      if (!ARG_ORDER.includes(m[1]))
        throw new ModelSpecError(`${ctx}: unknown argument '${m[1]}'; use class, coef, group`);
      named[m[1]] = m[2].trim();
    } else {
      while (ARG_ORDER[position] in named) position += 1;
      if (position >= ARG_ORDER.length) throw new ModelSpecError(`${ctx}: too many arguments`);
      named[ARG_ORDER[position]] = arg.trim();
      position += 1;
    }
  }
  if (!('prior' in named)) throw new ModelSpecError(`${ctx}: no distribution given`);
  for (const k of ['resp', 'dpar', 'nlpar']) {
    if (named[k] && unquote(named[k]) !== '') {
      throw new ModelSpecError(
        `${ctx}: '${k}' is not supported (single-response models with no predicted distributional parameters)`,
      );
    }
  }
  for (const k of ['lb', 'ub']) {
    if (named[k] && unquote(named[k]) !== '' && unquote(named[k]) !== 'NA') {
      throw new ModelSpecError(
        `${ctx}: bounds ('${k}') are not supported; sd, sigma and shape are already bounded below by 0, zi and hu to (0, 1)`,
      );
    }
  }
  const distText = fn === 'prior' ? named.prior : unquote(named.prior);
  const cls = named.class === undefined ? 'b' : unquote(named.class);
  if (!CLASSES.includes(cls as PriorClass)) {
    throw new ModelSpecError(
      `${ctx}: class '${cls}' is not a parameter class of these models; use one of ${CLASSES.join(', ')}`,
    );
  }
  return {
    dist: distText.trim() === '' ? { dist: 'flat', args: [] } : parseDist(distText, ctx),
    class: cls as PriorClass,
    coef: named.coef === undefined ? '' : unquote(named.coef),
    group: named.group === undefined ? '' : unquote(named.group),
    text: piece,
  };
}

function parseDist(text: string, ctx: string): PriorDist {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(([^()]*)\)\s*$/.exec(text);
  if (!m) throw new ModelSpecError(`${ctx}: cannot read the distribution '${text}'; write e.g. normal(0, 1)`);
  if (m[1] === 'flat' && m[2].trim() === '') return { dist: 'flat', args: [] };
  const args =
    m[2].trim() === ''
      ? []
      : m[2].split(',').map((s) => {
          const t = s.trim();
          if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) {
            throw new ModelSpecError(`${ctx}: distribution arguments must be numbers, got '${t}'`);
          }
          return Number(t);
        });
  return makeDist(m[1], args, ctx);
}
