import { ModelSpecError } from '../formula/errors';
import type { FamilySpec } from '../families/spec';
import { scaleRule, type ScaleRule } from './defaults';
import { formatDist, POSITIVE_SUPPORT, type PriorDist } from './dists';
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
  /** Per grouping factor (sd of its intercepts). */
  sd: ResolvedPrior[];
  /** sigma or shape, null when the family has neither. */
  aux: ResolvedPrior | null;
  table: PriorTableRow[];
}

export interface PriorContext {
  family: FamilySpec;
  y: Float64Array;
  intercept: boolean;
  coefNames: readonly string[];
  groups: readonly string[];
}

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
  const user = parsePriors(userTexts);
  validate(ctx, user);
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
  const sd = ctx.groups.map((g) => {
    const u = find('sd', 'Intercept', g) ?? find('sd', '', g) ?? sdClass;
    return u ? usr(u) : def(studentT(0));
  });
  let aux: ResolvedPrior | null = null;
  if (ctx.family.aux) {
    const u = find(ctx.family.aux, '', '');
    aux = u
      ? usr(u)
      : def(ctx.family.aux === 'shape' ? { dist: 'inv_gamma', args: [0.4, 0.3] } : studentT(0));
  }

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
  if (intercept)
    table.push({ prior: intercept.text, class: 'Intercept', coef: '', group: '', source: intercept.source });
  if (ctx.groups.length > 0) {
    table.push({
      prior: sdClass ? formatDist(sdClass.dist) : formatDist(studentT(0)),
      class: 'sd',
      coef: '',
      group: '',
      source: sdClass ? 'user' : 'default',
    });
    ctx.groups.forEach((g, k) => {
      table.push({ prior: sd[k].text, class: 'sd', coef: '', group: g, source: sd[k].source });
      table.push({ prior: '', class: 'sd', coef: 'Intercept', group: g, source: sd[k].source });
    });
  }
  if (aux && ctx.family.aux)
    table.push({ prior: aux.text, class: ctx.family.aux, coef: '', group: '', source: aux.source });
  return { scaleRule: rule, intercept, b, sd, aux, table };
}

function validate(ctx: PriorContext, user: UserPrior[]): void {
  const seen = new Set<string>();
  for (const p of user) {
    const where = `prior "${p.text}"`;
    const key = `${p.class}|${p.coef}|${p.group}`;
    if (seen.has(key))
      throw new ModelSpecError(
        `${where}: duplicated prior for class ${p.class}${p.coef ? `, coef ${p.coef}` : ''}${p.group ? `, group ${p.group}` : ''}`,
      );
    seen.add(key);
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
        if (POSITIVE_SUPPORT.has(p.dist.dist)) {
          throw new ModelSpecError(
            `${where}: ${p.dist.dist} has positive support but coefficients are unbounded; use e.g. normal or student_t`,
          );
        }
        break;
      case 'Intercept':
        if (!ctx.intercept)
          throw new ModelSpecError(
            `${where}: the model has no intercept (the formula removes it with 0 or -1)`,
          );
        if (p.coef || p.group) throw new ModelSpecError(`${where}: class Intercept takes no coef or group`);
        if (POSITIVE_SUPPORT.has(p.dist.dist)) {
          throw new ModelSpecError(
            `${where}: ${p.dist.dist} has positive support but the intercept is unbounded; use e.g. normal or student_t`,
          );
        }
        break;
      case 'sd':
        if (ctx.groups.length === 0)
          throw new ModelSpecError(`${where}: the model has no group-level effects (class sd)`);
        if (p.group && !ctx.groups.includes(p.group)) {
          throw new ModelSpecError(
            `${where}: group '${p.group}' is not a grouping factor of this model; the groups are: ${ctx.groups.join(', ')}`,
          );
        }
        if (p.coef && p.coef !== 'Intercept')
          throw new ModelSpecError(`${where}: only coef = Intercept exists for sd (random intercepts)`);
        if (p.coef && !p.group)
          throw new ModelSpecError(`${where}: coef = Intercept for class sd needs a group`);
        break;
      case 'sigma':
      case 'shape':
        if (ctx.family.aux !== p.class) {
          throw new ModelSpecError(`${where}: family ${ctx.family.name} has no ${p.class} parameter`);
        }
        if (p.coef || p.group) throw new ModelSpecError(`${where}: class ${p.class} takes no coef or group`);
        break;
    }
  }
}
