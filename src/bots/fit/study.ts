/**
 * The whole fitting study behind data/bots/scorer.json: data preparation, the choice of
 * model family by nested cross-validation, the "which fields" comparison, transfer between
 * populations, calibration, and the final fit. scripts/bots/fit-scorer.js runs it on the
 * labelled data and writes the scorer and the report; the tests run it on synthetic rows.
 */
import { SCORE_TERMS } from '../features';
import { SCORER_FORMAT, SCORER_FORMAT_VERSION, type ScorerModel } from '../scorer';
import { nestedCv, selectAndFit, type CvSummary } from './cross-validation';
import { boostedTrees, ridgeLogistic, type Learner } from './learners';
import type { LabelledProfile, PreparedProfiles } from './labelled-profiles';
import { liveDistinct } from './labelled-profiles';
import { calibrationBins, confusion, type CalibrationBin } from './metrics';
import { studyRecord, TERM_SETS, termSet, type StudyRecord } from './term-sets';
import { runTransfer, transferSplits, type TransferResult } from './transfer';

export interface StudyOptions {
  seed: number;
  /** Outer CV repeats for the family comparison and the reported figures. */
  repeats: number;
  /** Repeats for the term-set comparison (logistic only). */
  ablationRepeats: number;
  outer: number;
  inner: number;
  /** Smaller grids, for tests. */
  quick?: boolean;
}

export const DEFAULT_STUDY: StudyOptions = {
  seed: 20240611,
  repeats: 5,
  ablationRepeats: 5,
  outer: 5,
  inner: 5,
};

export function learners(quick = false): { logistic: Learner; boosted: Learner } {
  return {
    logistic: ridgeLogistic(quick ? [1e-3, 1e-2] : [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1]),
    boosted: boostedTrees({
      depths: quick ? [2] : [1, 2, 3],
      treeCounts: quick ? [30, 60] : [50, 100, 200, 400],
      learningRate: 0.05,
      minLeaf: 10,
    }),
  };
}

export interface CvFigures {
  auc: number;
  auc_sd: number;
  balanced_accuracy: number;
  balanced_accuracy_sd: number;
  sensitivity: number;
  sensitivity_sd: number;
  specificity: number;
  specificity_sd: number;
  log_loss: number;
  /** The same out-of-fold probabilities cut at 0.5 (what public notebooks quote). */
  at_half: { sensitivity: number; specificity: number; balanced_accuracy: number };
  settings_chosen: Record<string, number>[];
}

function figures(cv: CvSummary, bot: readonly boolean[]): CvFigures {
  const half = cv.repeats.map((r) => confusion(r.probability, bot, 0.5));
  const m = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    auc: cv.mean.auc,
    auc_sd: cv.sd.auc,
    balanced_accuracy: cv.mean.balanced_accuracy,
    balanced_accuracy_sd: cv.sd.balanced_accuracy,
    sensitivity: cv.mean.sensitivity,
    sensitivity_sd: cv.sd.sensitivity,
    specificity: cv.mean.specificity,
    specificity_sd: cv.sd.specificity,
    log_loss: cv.mean.log_loss,
    at_half: {
      sensitivity: m(half.map((c) => c.sensitivity)),
      specificity: m(half.map((c) => c.specificity)),
      balanced_accuracy: m(half.map((c) => c.balanced_accuracy)),
    },
    settings_chosen: cv.repeats.flatMap((r) => r.settings),
  };
}

export interface StudyReport {
  counts: PreparedProfiles['counts'];
  families: { logistic: CvFigures; boosted: CvFigures };
  /** Per-repeat AUC difference boosted - logistic (same folds). */
  auc_difference: { mean: number; sd: number };
  chosen_family: 'logistic' | 'boosted';
  choice_rule: string;
  term_sets: {
    name: string;
    description: string;
    terms: number;
    auc: number;
    auc_sd: number;
    balanced_accuracy: number;
  }[];
  transfer: TransferResult[];
  calibration: CalibrationBin[];
  final: { setting: Record<string, number>; threshold: number };
  options: StudyOptions;
}

/** Chooses boosting only when it beats the logistic model clearly on both AUC and log-loss. */
export function chooseFamily(
  l: CvFigures,
  b: CvFigures,
  diff: { mean: number; sd: number },
): { family: 'logistic' | 'boosted'; rule: string } {
  const rule =
    'boosted trees only if their mean AUC exceeds the logistic model by more than max(0.002, 2 sd of the per-repeat difference) and their log-loss is lower; otherwise the simpler, readable logistic model';
  const clear = diff.mean > Math.max(0.002, 2 * diff.sd) && b.log_loss < l.log_loss;
  return { family: clear ? 'boosted' : 'logistic', rule };
}

export function runStudy(
  profiles: readonly LabelledProfile[],
  o: StudyOptions,
  log: (line: string) => void = () => {},
): { report: StudyReport; model: Omit<ScorerModel, 'provenance'> } {
  const prepared = liveDistinct(profiles);
  const records: StudyRecord[] = prepared.rows.map(studyRecord);
  const bot = prepared.rows.map((r) => r.bot);
  const { logistic, boosted } = learners(o.quick);
  const shipped = termSet('shipped').terms;
  const rows = records.map((r) => shipped.map((t) => t.value(r)));
  const cvOpts = { outer: o.outer, inner: o.inner, repeats: o.repeats, seed: o.seed };

  log(
    `live distinct rows: ${prepared.counts.live_distinct.bots} bots, ${prepared.counts.live_distinct.humans} humans`,
  );
  const cvL = nestedCv(rows, bot, logistic, cvOpts);
  log(`logistic: AUC ${cvL.mean.auc.toFixed(4)} ± ${cvL.sd.auc.toFixed(4)}`);
  const cvB = nestedCv(rows, bot, boosted, cvOpts);
  log(`boosted: AUC ${cvB.mean.auc.toFixed(4)} ± ${cvB.sd.auc.toFixed(4)}`);
  const diffs = cvB.repeats.map((r, i) => r.auc - cvL.repeats[i].auc);
  const dm = diffs.reduce((a, b) => a + b, 0) / diffs.length;
  const dsd =
    diffs.length > 1 ? Math.sqrt(diffs.reduce((a, b) => a + (b - dm) ** 2, 0) / (diffs.length - 1)) : 0;
  const figL = figures(cvL, bot);
  const figB = figures(cvB, bot);
  const choice = chooseFamily(figL, figB, { mean: dm, sd: dsd });
  const learner = choice.family === 'logistic' ? logistic : boosted;
  const cvChosen = choice.family === 'logistic' ? cvL : cvB;

  const termSets = TERM_SETS.map((ts) => {
    const r = ts.terms.map((t) => t);
    const x = records.map((rec) => r.map((t) => t.value(rec)));
    const cv = nestedCv(x, bot, logistic, { ...cvOpts, repeats: o.ablationRepeats });
    log(`terms ${ts.name}: AUC ${cv.mean.auc.toFixed(4)}`);
    return {
      name: ts.name,
      description: ts.description,
      terms: ts.terms.length,
      auc: cv.mean.auc,
      auc_sd: cv.sd.auc,
      balanced_accuracy: cv.mean.balanced_accuracy,
    };
  });

  const transfer = transferSplits(records, bot, o.seed).map((split, i) => {
    const t = runTransfer(records, bot, shipped, learner, split, o.seed + 100 + i);
    log(
      `transfer ${t.name}: AUC ${t.auc.toFixed(3)} Se ${t.sensitivity.toFixed(3)} Sp ${t.specificity.toFixed(3)}`,
    );
    return t;
  });

  const first = cvChosen.repeats[0];
  const calibration = calibrationBins(first.probability, bot);
  const final = selectAndFit(rows, bot, learner, o.inner, o.seed + 7);
  const c = first.confusion;
  const model: Omit<ScorerModel, 'provenance'> = {
    format: SCORER_FORMAT,
    format_version: SCORER_FORMAT_VERSION,
    kind: final.fitted.model.kind,
    terms: SCORE_TERMS.map((t) => t.name),
    impute: final.impute,
    ...(final.fitted.model.kind === 'logistic'
      ? {
          logistic: {
            intercept: final.fitted.model.fit.intercept,
            coefficients: final.fitted.model.fit.coefficients,
          },
        }
      : { boosted: final.fitted.model.fit }),
    threshold: final.threshold,
    validation: {
      bots: c.bots,
      bots_flagged: c.bots_flagged,
      humans: c.humans,
      humans_not_flagged: c.humans_not_flagged,
    },
  };
  return {
    report: {
      counts: prepared.counts,
      families: { logistic: figL, boosted: figB },
      auc_difference: { mean: dm, sd: dsd },
      chosen_family: choice.family,
      choice_rule: choice.rule,
      term_sets: termSets,
      transfer,
      calibration,
      final: { setting: final.setting, threshold: final.threshold },
      options: o,
    },
    model,
  };
}
