/**
 * The follower model against its two nearest alternatives, by PSIS-LOO (Vehtari, Gelman &
 * Gabry 2017): the zero-inflated negative binomial (are there more profiles with no
 * followers than the negative binomial allows?) and the model without the first-name
 * effect (does the name predict followers held out of the fit?). Models are ranked by
 * elpd_loo as loo_compare ranks them; which one to keep follows loo's guidance on reading
 * elpd_diff: a difference is worth acting on when it is both above 4 and more than twice its
 * standard error, otherwise the simpler (the study's) model stays.
 */
import type { FitResult } from '../model/fit';
import { formatParetoK, loo, looCompare, type CompareRow, type LooResult } from '../model/loo';
import { FOLLOWER_FAMILY, NAME_GROUP } from './spec';

export interface CandidateModel {
  /** Row name in the comparison table (loo_compare prints the fits' names). */
  name: string;
  label: string;
  formula: string;
  family: string;
}

/** The study's model (first) and the two alternatives, from the study's formula and family. */
export function candidateModels(formula: string, family: string = FOLLOWER_FAMILY): CandidateModel[] {
  const nameTerm = new RegExp(`\\s*\\+\\s*\\(\\s*1\\s*\\|\\s*${NAME_GROUP}\\s*\\)`);
  if (!nameTerm.test(formula))
    throw new Error(`candidateModels: '${formula}' has no (1 | ${NAME_GROUP}) term`);
  return [
    { name: 'study', label: "negative binomial with first names (the study's model)", formula, family },
    {
      name: 'zero_inflated',
      label: 'zero-inflated negative binomial with first names',
      formula,
      family: `zero_inflated_${family}`,
    },
    {
      name: 'no_names',
      label: 'negative binomial without first names',
      formula: formula.replace(nameTerm, ''),
      family,
    },
  ];
}

/** elpd_diff above this (and above twice its se) is a difference worth acting on. */
export const ELPD_DIFF_SMALL = 4;

export interface ModelComparison {
  models: CandidateModel[];
  loos: LooResult[];
  /** loo_compare's rows, best first. */
  rows: CompareRow[];
  /** The model the notebook keeps, and why, in words with the computed figures. */
  kept: string;
  /** `name` of the kept model. */
  keptName: string;
  sentences: string[];
  /** Per model: Pareto k counts above the threshold and loo's warning, if any. */
  paretoK: { name: string; highK: number; threshold: number; table: string[]; warnings: string[] }[];
}

const f1 = (x: number): string => (Object.is(Math.round(x * 10) / 10, -0) ? '0.0' : x.toFixed(1));

/** A difference worth acting on: above ELPD_DIFF_SMALL and above twice its standard error. */
export function isClear(d: number, se: number): boolean {
  return Math.abs(d) > ELPD_DIFF_SMALL && Math.abs(d) > 2 * se;
}

/**
 * Ranks the fits by PSIS-LOO and says which to keep. `fits[0]` is the study's model; the
 * fits must share their data rows (loo_compare's requirement).
 */
export function compareFollowerModels(
  fits: ReadonlyArray<{ model: CandidateModel; fit: FitResult }>,
): ModelComparison {
  const loos = fits.map((f) => loo(f.fit));
  const rows = looCompare(fits.map((f, i) => ({ name: f.model.name, loo: loos[i] })));
  // Each alternative against the study's model: elpd difference and its se over the rows.
  const against = fits.map((_, i) => ({
    d: loos[i].elpd_loo.estimate - loos[0].elpd_loo.estimate,
    se: i === 0 ? 0 : diffSe(loos[i], loos[0]),
  }));
  const sentences = fits.slice(1).map((f, j) => {
    const { d, se } = against[j + 1];
    const what =
      f.model.name === 'no_names'
        ? 'Dropping the first-name effect'
        : f.model.name === 'zero_inflated'
          ? 'Allowing extra zeros (zero inflation)'
          : `Using ${f.model.label}`;
    const verdict = !isClear(d, se)
      ? `a difference too small to choose by (not both above ${ELPD_DIFF_SMALL} and above two standard errors)`
      : d < 0
        ? 'clearly worse: it predicts held-out profiles less well'
        : 'clearly better: it predicts held-out profiles better';
    return `${what} changes elpd_loo by ${f1(d)} (se ${f1(se)}) against the study's model — ${verdict}.`;
  });
  const better = fits
    .map((f, i) => ({ f, i }))
    .filter(({ i }) => i > 0 && against[i].d > 0 && isClear(against[i].d, against[i].se))
    .sort((a, b) => against[b.i].d - against[a.i].d);
  const kept =
    better.length === 0
      ? "The study's model is kept: no alternative predicts held-out profiles clearly better."
      : `The ${better[0].f.model.label} predicts held-out profiles clearly better than the study's model; its estimates deserve a look before the study's are read as final.`;
  const paretoK = fits.map((f, i) => ({
    name: f.model.name,
    highK: loos[i].highK,
    threshold: loos[i].kThreshold,
    table: formatParetoK(loos[i]),
    warnings: loos[i].warnings,
  }));
  const keptName = better.length === 0 ? fits[0].model.name : better[0].f.model.name;
  return { models: fits.map((f) => f.model), loos, rows, kept, keptName, sentences, paretoK };
}

/** se of the elpd difference of two LOO results over the same rows (as loo_compare). */
function diffSe(a: LooResult, b: LooResult): number {
  const N = a.observations;
  let sum = 0;
  for (let i = 0; i < N; i++) sum += a.pointwise.elpd[a.rowUnit[i]] - b.pointwise.elpd[b.rowUnit[i]];
  const mean = sum / N;
  let ss = 0;
  for (let i = 0; i < N; i++)
    ss += (a.pointwise.elpd[a.rowUnit[i]] - b.pointwise.elpd[b.rowUnit[i]] - mean) ** 2;
  return Math.sqrt((N * ss) / (N - 1));
}
