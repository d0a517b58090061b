import { ModelSpecError } from '../formula/errors';
import type { FamilySpec } from '../families/spec';
import { scaleRule, type ScaleRule } from './defaults';
import { compareR } from '../design/columns';
import { CORRELATION_DISTS, formatDist, POSITIVE_SUPPORT, type PriorDist } from './dists';
import { parsePriors, type PriorClass, type UserPrior } from './parse';

export interface ResolvedPrior {
  dist: PriorDist;
  /** brms's printed form of the distribution. */
  text: string;
  source: 'default' | 'user';
}

/** One row of the prior table, as brms's `prior_summary()` lists it. */
export interface PriorTableRow {
  prior: string;
  class: PriorClass;
  coef: string;
  group: string;
  source: 'default' | 'user';
}

export interface ResolvedPriors {
  scaleRule: ScaleRule;
  /** Prior of the centered Intercept, null without an intercept. */
  intercept: ResolvedPrior | null;
  /** Per population-level coefficient, in term order. */
  b: ResolvedPrior[];
  /** Per group-level standard deviation: group terms in order, coefficients in order. */
  sd: ResolvedPrior[];
  /**
   * Per group term: the LKJ prior of its correlation matrix (lkj(1) by default), null for a
   * term without correlations (one coefficient, or `||`).
   */
  cor: (ResolvedPrior | null)[];
  /** sigma or shape, null when the family has neither. */
  aux: ResolvedPrior | null;
  /** zi or hu of a zero-inflated or hurdle family, else null. */
  mix: ResolvedPrior | null;
  table: PriorTableRow[];
}

/** A group-level term as the priors see it. */
export interface PriorGroupTerm {
  group: string;
  /** brms's coefficient names, e.g. ['Intercept', 'Days']. */
  coefs: readonly string[];
  correlated: boolean;
}

export interface PriorContext {
  family: FamilySpec;
  y: Float64Array;
  intercept: boolean;
  /** `0 + Intercept`: the intercept is the coefficient b_Intercept (class b). */
  interceptTerm?: boolean;
  coefNames: readonly string[];
  /** Grouping factors, in formula order. */
  groups: readonly string[];
  /** Group-level terms; absent: one `(1 | g)` term per grouping factor. */
  terms?: readonly PriorGroupTerm[];
}

/** Whether a group term has correlation parameters. */
const hasCor = (t: PriorGroupTerm): boolean => t.correlated && t.coefs.length > 1;

const def = (dist: PriorDist): ResolvedPrior => ({ dist, text: formatDist(dist), source: 'default' });
const usr = (p: UserPrior): ResolvedPrior => ({ dist: p.dist, text: formatDist(p.dist), source: 'user' });

/**
 * brms's default priors (docs/model-engine.md; R/priors.R): Intercept
 * student_t(3, location, scale) on the centered intercept; b flat; sd and sigma half
 * student_t(3, 0, scale); negbinomial shape inv_gamma(0.4, 0.3) (brms ≥ 2.21) — then the
 * user's priors by class, group and coefficient, the most specific winning.
 */
export function resolvePriors(ctx: PriorContext, userTexts: readonly string[] = []): ResolvedPriors {
  const rule = scaleRule(ctx.family, ctx.y);
  const terms: readonly PriorGroupTerm[] =
    ctx.terms ?? ctx.groups.map((g) => ({ group: g, coefs: ['Intercept'], correlated: true }));
  const user = parsePriors(userTexts);
  validate(ctx, terms, user);
  const find = (cls: PriorClass, coef: string, group: string) =>
    user.find((p) => p.class === cls && p.coef === coef && p.group === group);

  const studentT = (loc: number): PriorDist => ({ dist: 'student_t', args: [3, loc, rule.scale] });
  let intercept: ResolvedPrior | null = null;
  if (ctx.intercept) {
    const u = find('Intercept', '', '');
    intercept = u ? usr(u) : def(studentT(rule.location));
  }
  const bClass = find('b', '', '');
  const b = ctx.coefNames.map((name) => {
    const u = find('b', name, '') ?? bClass;
    return u ? usr(u) : def({ dist: 'flat', args: [] });
  });
  const sdClass = find('sd', '', '');
  const sd: ResolvedPrior[] = [];
  for (const t of terms) {
    for (const coef of t.coefs) {
      const u = find('sd', coef, t.group) ?? find('sd', '', t.group) ?? sdClass;
      sd.push(u ? usr(u) : def(studentT(0)));
    }
  }
  const corClass = find('cor', '', '') ?? find('L', '', '');
  const lkj1: PriorDist = { dist: 'lkj', args: [1] };
  const cor = terms.map((t) => {
    if (!hasCor(t)) return null;
    const u = find('cor', '', t.group) ?? find('L', '', t.group) ?? corClass;
    return u ? usr(u) : def(lkj1);
  });
  let aux: ResolvedPrior | null = null;
  if (ctx.family.aux) {
    const u = find(ctx.family.aux, '', '');
    aux = u
      ? usr(u)
      : def(ctx.family.aux === 'shape' ? { dist: 'inv_gamma', args: [0.4, 0.3] } : studentT(0));
  }
  let mix: ResolvedPrior | null = null;
  if (ctx.family.mix) {
    const u = find(ctx.family.mix, '', '');
    mix = u ? usr(u) : def({ dist: 'beta', args: [1, 1] });
  }

  // Rows as brms's prior_summary() lists them: classes alphabetically (b, cor, hu,
  // Intercept, sd, shape, sigma, zi), each class row first, then per group and coefficient.
  const table: PriorTableRow[] = [];
  if (ctx.coefNames.length > 0) {
    table.push({
      prior: bClass ? formatDist(bClass.dist) : '(flat)',
      class: 'b',
      coef: '',
      group: '',
      source: bClass ? 'user' : 'default',
    });
    ctx.coefNames.forEach((name, k) => {
      const specific = find('b', name, '');
      table.push({
        prior: specific ? formatDist(specific.dist) : '',
        class: 'b',
        coef: name,
        group: '',
        source: specific ? 'user' : b[k].source === 'user' ? 'user' : 'default',
      });
    });
  }
  const corGroups = [...new Set(terms.filter(hasCor).map((t) => t.group))];
  if (corGroups.length > 0) {
    table.push({
      prior: corClass ? formatDist(corClass.dist) : formatDist(lkj1),
      class: 'cor',
      coef: '',
      group: '',
      source: corClass ? 'user' : 'default',
    });
    for (const g of corGroups) {
      const k = terms.findIndex((t) => t.group === g && hasCor(t));
      const p = cor[k] as ResolvedPrior;
      table.push({ prior: p.text, class: 'cor', coef: '', group: g, source: p.source });
    }
  }
  if (mix && ctx.family.mix === 'hu')
    table.push({ prior: mix.text, class: 'hu', coef: '', group: '', source: mix.source });
  if (intercept)
    table.push({ prior: intercept.text, class: 'Intercept', coef: '', group: '', source: intercept.source });
  if (terms.length > 0) {
    table.push({
      prior: sdClass ? formatDist(sdClass.dist) : formatDist(studentT(0)),
      class: 'sd',
      coef: '',
      group: '',
      source: sdClass ? 'user' : 'default',
    });
    let at = 0;
    const sdOf = new Map<string, ResolvedPrior>();
    for (const t of terms) for (const coef of t.coefs) sdOf.set(`${t.group}|${coef}`, sd[at++]);
    for (const g of ctx.groups) {
      const groupPrior = find('sd', '', g) ?? sdClass;
      table.push({
        prior: groupPrior ? formatDist(groupPrior.dist) : formatDist(studentT(0)),
        class: 'sd',
        coef: '',
        group: g,
        source: find('sd', '', g) ? 'user' : sdClass ? 'user' : 'default',
      });
      const coefs = [...new Set(terms.filter((t) => t.group === g).flatMap((t) => t.coefs))].sort(compareR);
      for (const coef of coefs) {
        const specific = find('sd', coef, g);
        const resolved = sdOf.get(`${g}|${coef}`) as ResolvedPrior;
        table.push({
          prior: specific ? formatDist(specific.dist) : '',
          class: 'sd',
          coef,
          group: g,
          source: specific ? 'user' : resolved.source,
        });
      }
    }
  }
  if (aux && ctx.family.aux)
    table.push({ prior: aux.text, class: ctx.family.aux, coef: '', group: '', source: aux.source });
  if (mix && ctx.family.mix === 'zi')
    table.push({ prior: mix.text, class: 'zi', coef: '', group: '', source: mix.source });
  return { scaleRule: rule, intercept, b, sd, cor, aux, mix, table };
}

function validate(ctx: PriorContext, terms: readonly PriorGroupTerm[], user: UserPrior[]): void {
  const seen = new Set<string>();
  const unbounded = (where: string, p: UserPrior, what: string): void => {
    if (POSITIVE_SUPPORT.has(p.dist.dist) || p.dist.dist === 'beta') {
      const support = p.dist.dist === 'beta' ? 'support (0, 1)' : 'positive support';
      throw new ModelSpecError(
        `${where}: ${p.dist.dist} has ${support} but ${what}; use e.g. normal or student_t`,
      );
    }
  };
  const noCorrelationDist = (where: string, p: UserPrior): void => {
    if (CORRELATION_DISTS.has(p.dist.dist)) {
      throw new ModelSpecError(
        `${where}: ${p.dist.dist} is a prior for correlation matrices; use it with class = cor (or L)`,
      );
    }
  };
  for (const p of user) {
    const where = `prior "${p.text}"`;
    // brms's class L is the Cholesky factor of the same correlation matrix as class cor.
    const key = `${p.class === 'L' ? 'cor' : p.class}|${p.coef}|${p.group}`;
    if (seen.has(key))
      throw new ModelSpecError(
        `${where}: duplicated prior for class ${p.class}${p.coef ? `, coef ${p.coef}` : ''}${p.group ? `, group ${p.group}` : ''}`,
      );
    seen.add(key);
    if (p.class !== 'cor' && p.class !== 'L') noCorrelationDist(where, p);
    switch (p.class) {
      case 'b':
        if (p.group) throw new ModelSpecError(`${where}: class b takes no group`);
        if (ctx.coefNames.length === 0)
          throw new ModelSpecError(`${where}: the model has no population-level coefficients (class b)`);
        if (p.coef && !ctx.coefNames.includes(p.coef)) {
          throw new ModelSpecError(
            `${where}: coef '${p.coef}' is not a coefficient of this model; the coefficients are: ${ctx.coefNames.join(', ')}`,
          );
        }
        unbounded(where, p, 'coefficients are unbounded');
        break;
      case 'Intercept':
        if (!ctx.intercept)
          throw new ModelSpecError(
            ctx.interceptTerm
              ? `${where}: with 0 + Intercept the intercept is a population-level coefficient; write class = b, coef = Intercept`
              : `${where}: the model has no intercept (the formula removes it with 0 or -1)`,
          );
        if (p.coef || p.group) throw new ModelSpecError(`${where}: class Intercept takes no coef or group`);
        unbounded(where, p, 'the intercept is unbounded');
        break;
      case 'sd': {
        if (terms.length === 0)
          throw new ModelSpecError(`${where}: the model has no group-level effects (class sd)`);
        if (p.group && !ctx.groups.includes(p.group)) {
          throw new ModelSpecError(
            `${where}: group '${p.group}' is not a grouping factor of this model; the groups are: ${ctx.groups.join(', ')}`,
          );
        }
        if (p.coef && !p.group)
          throw new ModelSpecError(`${where}: coef = ${p.coef} for class sd needs a group`);
        if (p.coef) {
          const coefs = terms.filter((t) => t.group === p.group).flatMap((t) => t.coefs);
          if (!coefs.includes(p.coef)) {
            throw new ModelSpecError(
              `${where}: '${p.coef}' is not a group-level coefficient of ${p.group}; its coefficients are: ${coefs.join(', ')}`,
            );
          }
        }
        if (p.dist.dist === 'beta')
          throw new ModelSpecError(
            `${where}: beta has support (0, 1), a standard deviation is not bounded above`,
          );
        break;
      }
      case 'cor':
      case 'L': {
        const corTerms = terms.filter(hasCor);
        if (corTerms.length === 0) {
          throw new ModelSpecError(
            `${where}: the model has no group-level correlations (class ${p.class}); they exist for terms such as (1 + x | g)`,
          );
        }
        if (p.group && !corTerms.some((t) => t.group === p.group)) {
          throw new ModelSpecError(
            `${where}: group '${p.group}' has no correlated group-level effects; groups with correlations: ${[...new Set(corTerms.map((t) => t.group))].join(', ')}`,
          );
        }
        if (p.coef) throw new ModelSpecError(`${where}: class ${p.class} takes no coef`);
        if (!CORRELATION_DISTS.has(p.dist.dist)) {
          throw new ModelSpecError(
            `${where}: the only supported prior for correlation matrices is the 'lkj' prior, e.g. prior(lkj(2), class = cor)`,
          );
        }
        break;
      }
      case 'sigma':
      case 'shape':
        if (ctx.family.aux !== p.class) {
          throw new ModelSpecError(`${where}: family ${ctx.family.name} has no ${p.class} parameter`);
        }
        if (p.coef || p.group) throw new ModelSpecError(`${where}: class ${p.class} takes no coef or group`);
        if (p.dist.dist === 'beta')
          throw new ModelSpecError(`${where}: beta has support (0, 1), ${p.class} is not bounded above`);
        break;
      case 'zi':
      case 'hu':
        if (ctx.family.mix !== p.class) {
          throw new ModelSpecError(
            `${where}: family ${ctx.family.name} has no ${p.class} parameter${ctx.family.mix ? ` (it has ${ctx.family.mix})` : ''}`,
          );
        }
        if (p.coef || p.group) throw new ModelSpecError(`${where}: class ${p.class} takes no coef or group`);
        if (p.dist.dist !== 'beta') {
          throw new ModelSpecError(
            `${where}: ${p.class} is a probability; give it a beta prior, e.g. prior(beta(1, 1), class = ${p.class})`,
          );
        }
        break;
    }
  }
}
