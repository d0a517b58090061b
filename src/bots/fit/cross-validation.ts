/**
 * Nested, repeated, stratified cross-validation.
 *
 * Everything learnt from data is learnt inside the training part of a fold: the means that
 * fill missing terms, the setting of the model (by inner cross-validated log-loss, a proper
 * scoring rule), and the flag threshold (the one with the best inner out-of-fold balanced
 * accuracy). The outer test part is touched once, to score. So the reported figures are
 * those of the whole procedure that produced the shipped model, not of a model tuned on
 * its own test rows.
 */
import { Rng } from '../../util/rng';
import type { FittedSetting, Learner } from './learners';
import { auc, bestThreshold, brier, confusion, logLoss, type Confusion } from './metrics';

/** Fold index (0..k-1) per row, each class spread evenly over the folds. */
export function stratifiedFolds(bot: readonly boolean[], k: number, rng: Rng): number[] {
  const fold = new Array<number>(bot.length).fill(-1);
  for (const cls of [true, false]) {
    const idx = [...bot.keys()].filter((i) => bot[i] === cls);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    idx.forEach((row, r) => (fold[row] = r % k));
  }
  return fold;
}

/** Per column, the mean of its observed (non-null) values; 0 for a column never observed. */
export function imputeMeans(rows: readonly (readonly (number | null)[])[]): number[] {
  const p = rows.length > 0 ? rows[0].length : 0;
  const sum = new Array<number>(p).fill(0);
  const n = new Array<number>(p).fill(0);
  for (const r of rows) {
    for (let j = 0; j < p; j++) {
      const v = r[j];
      if (v !== null) {
        sum[j] += v;
        n[j]++;
      }
    }
  }
  return sum.map((s, j) => (n[j] > 0 ? s / n[j] : 0));
}

export function fillMissing(row: readonly (number | null)[], means: readonly number[]): number[] {
  return row.map((v, j) => (v === null ? means[j] : v));
}

export interface Selected {
  setting: Record<string, number>;
  threshold: number;
  impute: number[];
  fitted: FittedSetting;
  /** Inner cross-validated log-loss per grid setting. */
  innerLogLoss: number[];
}

/** Chooses a setting and a threshold by inner CV on these rows, then fits it on all of them. */
export function selectAndFit(
  rows: readonly (readonly (number | null)[])[],
  bot: readonly boolean[],
  learner: Learner,
  innerFolds: number,
  seed: number,
): Selected {
  const y = bot.map((b) => (b ? 1 : 0));
  const folds = stratifiedFolds(bot, innerFolds, new Rng(seed));
  const oof = learner.grid.map(() => new Array<number>(rows.length).fill(NaN));
  for (let k = 0; k < innerFolds; k++) {
    const train = [...rows.keys()].filter((i) => folds[i] !== k);
    const test = [...rows.keys()].filter((i) => folds[i] === k);
    const means = imputeMeans(train.map((i) => rows[i]));
    const fits = learner.fitGrid(
      train.map((i) => fillMissing(rows[i], means)),
      train.map((i) => y[i]),
    );
    for (const i of test) {
      const x = fillMissing(rows[i], means);
      fits.forEach((f, s) => (oof[s][i] = f.predict(x)));
    }
  }
  const innerLogLoss = oof.map((p) => logLoss(p, bot));
  let best = 0;
  innerLogLoss.forEach((l, s) => {
    if (l < innerLogLoss[best]) best = s;
  });
  const threshold = bestThreshold(oof[best], bot);
  const impute = imputeMeans(rows);
  const all = learner.fitGrid(
    rows.map((r) => fillMissing(r, impute)),
    y,
  );
  return { setting: learner.grid[best], threshold, impute, fitted: all[best], innerLogLoss };
}

export interface CvRepeat {
  /** Out-of-fold probability per row. */
  probability: number[];
  /** Out-of-fold flag per row (the fold's own threshold). */
  flagged: boolean[];
  settings: Record<string, number>[];
  thresholds: number[];
  auc: number;
  confusion: Confusion;
  logLoss: number;
  brier: number;
}

export interface CvSummary {
  repeats: CvRepeat[];
  mean: {
    auc: number;
    balanced_accuracy: number;
    sensitivity: number;
    specificity: number;
    log_loss: number;
  };
  sd: { auc: number; balanced_accuracy: number; sensitivity: number; specificity: number; log_loss: number };
}

const meanOf = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const sdOf = (xs: readonly number[]): number => {
  if (xs.length < 2) return 0;
  const m = meanOf(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};

export function nestedCv(
  rows: readonly (readonly (number | null)[])[],
  bot: readonly boolean[],
  learner: Learner,
  o: { outer: number; inner: number; repeats: number; seed: number },
): CvSummary {
  const repeats: CvRepeat[] = [];
  for (let r = 0; r < o.repeats; r++) {
    const folds = stratifiedFolds(bot, o.outer, Rng.forKey(o.seed, r));
    const probability = new Array<number>(rows.length).fill(NaN);
    const flagged = new Array<boolean>(rows.length).fill(false);
    const settings: Record<string, number>[] = [];
    const thresholds: number[] = [];
    for (let k = 0; k < o.outer; k++) {
      const train = [...rows.keys()].filter((i) => folds[i] !== k);
      const test = [...rows.keys()].filter((i) => folds[i] === k);
      const sel = selectAndFit(
        train.map((i) => rows[i]),
        train.map((i) => bot[i]),
        learner,
        o.inner,
        Rng.forKey(o.seed + 1, r * o.outer + k).nextU32(),
      );
      settings.push(sel.setting);
      thresholds.push(sel.threshold);
      for (const i of test) {
        const p = sel.fitted.predict(fillMissing(rows[i], sel.impute));
        probability[i] = p;
        flagged[i] = p >= sel.threshold;
      }
    }
    // Flags come from each fold's own threshold, so the confusion counts flags, not one cut.
    const c = confusion(
      flagged.map((f) => (f ? 1 : 0)),
      bot,
      0.5,
    );
    repeats.push({
      probability,
      flagged,
      settings,
      thresholds,
      auc: auc(probability, bot),
      confusion: { ...c, threshold: NaN },
      logLoss: logLoss(probability, bot),
      brier: brier(probability, bot),
    });
  }
  const pick = (f: (r: CvRepeat) => number): number[] => repeats.map(f);
  const metrics = {
    auc: pick((r) => r.auc),
    balanced_accuracy: pick((r) => r.confusion.balanced_accuracy),
    sensitivity: pick((r) => r.confusion.sensitivity),
    specificity: pick((r) => r.confusion.specificity),
    log_loss: pick((r) => r.logLoss),
  };
  return {
    repeats,
    mean: {
      auc: meanOf(metrics.auc),
      balanced_accuracy: meanOf(metrics.balanced_accuracy),
      sensitivity: meanOf(metrics.sensitivity),
      specificity: meanOf(metrics.specificity),
      log_loss: meanOf(metrics.log_loss),
    },
    sd: {
      auc: sdOf(metrics.auc),
      balanced_accuracy: sdOf(metrics.balanced_accuracy),
      sensitivity: sdOf(metrics.sensitivity),
      specificity: sdOf(metrics.specificity),
      log_loss: sdOf(metrics.log_loss),
    },
  };
}
