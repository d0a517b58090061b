/**
 * Estimates against the generator's true values (synthetic snapshots only): per
 * parameter the truth, the posterior mean and 95% interval, whether the interval covers
 * the truth; and the coverage per kind of parameter, which for calibrated 95% intervals
 * should be near 95% (few parameters: read the count, not the percentage).
 *
 * Parameters are matched by brms draw name (truth.ts names them so). First-name effects
 * are matched by level label: the fit writes `r_first_name[<outputLevel>,Intercept]`, the
 * truth `r_first_name[<name>,Intercept]`, and PreparedGroup maps one to the other. The
 * pooled "(other)" level has no single true value (it mixes many names) and is left out.
 */
import { OTHER_NAME } from './coding';

export interface Estimate {
  name: string;
  mean: number;
  'q2.5': number;
  'q97.5': number;
}

/** `zi`: the share of structural zeros of a zero-inflated family (brms's name). */
export type ParameterKind = 'b' | 'sd' | 'shape' | 'zi' | 'r';

export interface TruthRow {
  name: string;
  kind: ParameterKind;
  truth: number;
  estimate: number;
  lower: number;
  upper: number;
  covered: boolean;
  /** estimate − truth. */
  error: number;
}

export interface Coverage {
  n: number;
  covered: number;
  /** covered / n (NaN when n = 0). */
  share: number;
}

export interface TruthComparison {
  rows: TruthRow[];
  /** b_, sd_, shape and zi together. */
  population: Coverage;
  /** First-name effects r_first_name[...]. */
  names: Coverage;
  /** Fitted parameters with no true value (the pooled level, or a name the truth does not know). */
  noTruth: string[];
  /** True parameters of the population part that the fit does not report (e.g. a level absent from the data). */
  notFitted: string[];
  /** The truth's share of structural zeros, when it has one (a model without zi misses it). */
  trueZi: number | null;
}

export function kindOf(name: string): ParameterKind | null {
  if (name.startsWith('b_')) return 'b';
  if (name.startsWith('sd_')) return 'sd';
  if (name === 'shape') return 'shape';
  if (name === 'zi') return 'zi';
  if (name.startsWith('r_')) return 'r';
  return null;
}

export function coverage(rows: readonly TruthRow[]): Coverage {
  const covered = rows.filter((r) => r.covered).length;
  return { n: rows.length, covered, share: rows.length ? covered / rows.length : NaN };
}

/**
 * @param estimates population parameters and group levels of the fit (ParameterSummary satisfies Estimate)
 * @param truth trueDraws(): brms draw name → true value
 * @param groups the fit's grouping factors (PreparedModel.groups) to map level labels
 */
export function compareWithTruth(
  estimates: readonly Estimate[],
  truth: Readonly<Record<string, number>>,
  groups: readonly { name: string; levels: readonly string[]; outputLevels: readonly string[] }[] = [],
): TruthComparison {
  // fitted r_ name → the truth's name for the same level (raw label).
  const truthName = new Map<string, string | null>();
  for (const g of groups) {
    g.levels.forEach((level, i) => {
      const fitted = `r_${g.name}[${g.outputLevels[i]},Intercept]`;
      truthName.set(fitted, level === OTHER_NAME ? null : `r_${g.name}[${level},Intercept]`);
    });
  }
  const rows: TruthRow[] = [];
  const noTruth: string[] = [];
  const seen = new Set<string>();
  for (const e of estimates) {
    const kind = kindOf(e.name);
    if (kind === null) continue;
    const key = kind === 'r' ? (truthName.has(e.name) ? truthName.get(e.name) : e.name) : e.name;
    if (key === null || key === undefined || !(key in truth)) {
      noTruth.push(e.name);
      continue;
    }
    seen.add(key);
    const t = truth[key];
    const lower = e['q2.5'];
    const upper = e['q97.5'];
    rows.push({
      name: e.name,
      kind,
      truth: t,
      estimate: e.mean,
      lower,
      upper,
      covered: lower <= t && t <= upper,
      error: e.mean - t,
    });
  }
  // A true zi of 0 is what a model without zero inflation assumes: nothing is missing.
  const notFitted = Object.keys(truth).filter(
    (k) => kindOf(k) !== 'r' && !seen.has(k) && !(k === 'zi' && truth.zi === 0),
  );
  return {
    rows,
    population: coverage(rows.filter((r) => r.kind !== 'r')),
    names: coverage(rows.filter((r) => r.kind === 'r')),
    noTruth,
    notFitted,
    trueZi: truth.zi ?? null,
  };
}
