/**
 * How well a score separates bots from humans, and whether its probabilities mean what
 * they say.
 */
import { wilson } from '../../audit/intervals';

/**
 * Area under the ROC curve: the probability that a random bot scores above a random human,
 * ties counting one half (the Mann–Whitney U statistic over n_bots * n_humans).
 */
export function auc(scores: readonly number[], bot: readonly boolean[]): number {
  const n = scores.length;
  if (bot.length !== n) throw new Error('auc: one label per score');
  const order = [...Array(n).keys()].sort((a, b) => scores[a] - scores[b]);
  const rank = new Float64Array(n);
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const mid = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) rank[order[k]] = mid;
    i = j + 1;
  }
  let nb = 0;
  let sumRank = 0;
  for (let i = 0; i < n; i++) {
    if (bot[i]) {
      nb++;
      sumRank += rank[i];
    }
  }
  const nh = n - nb;
  if (nb === 0 || nh === 0) return NaN;
  return (sumRank - (nb * (nb + 1)) / 2) / (nb * nh);
}

export interface Confusion {
  threshold: number;
  bots: number;
  humans: number;
  /** Bots scored at or above the threshold. */
  bots_flagged: number;
  /** Humans scored below the threshold. */
  humans_not_flagged: number;
  sensitivity: number;
  specificity: number;
  balanced_accuracy: number;
}

/** Counts and rates with "flagged" = score >= threshold. */
export function confusion(scores: readonly number[], bot: readonly boolean[], threshold: number): Confusion {
  let bots = 0;
  let tp = 0;
  let humans = 0;
  let tn = 0;
  for (let i = 0; i < scores.length; i++) {
    const flagged = scores[i] >= threshold;
    if (bot[i]) {
      bots++;
      if (flagged) tp++;
    } else {
      humans++;
      if (!flagged) tn++;
    }
  }
  const sensitivity = tp / bots;
  const specificity = tn / humans;
  return {
    threshold,
    bots,
    humans,
    bots_flagged: tp,
    humans_not_flagged: tn,
    sensitivity,
    specificity,
    balanced_accuracy: (sensitivity + specificity) / 2,
  };
}

/** The threshold (a score value) with the highest balanced accuracy; ties: the lowest such. */
export function bestThreshold(scores: readonly number[], bot: readonly boolean[]): number {
  const order = [...scores.keys()].sort((a, b) => scores[a] - scores[b]);
  let bots = 0;
  for (const b of bot) if (b) bots++;
  const humans = bot.length - bots;
  // Sweep thresholds upward: at c, rows with score < c are not flagged.
  let botsBelow = 0;
  let humansBelow = 0;
  let best = scores[order[0]];
  let bestBa = -1;
  for (let i = 0; i < order.length;) {
    const c = scores[order[i]];
    const ba = ((bots - botsBelow) / bots + humansBelow / humans) / 2;
    if (ba > bestBa + 1e-12) {
      bestBa = ba;
      best = c;
    }
    while (i < order.length && scores[order[i]] === c) {
      if (bot[order[i]]) botsBelow++;
      else humansBelow++;
      i++;
    }
  }
  return best;
}

export interface CalibrationBin {
  lo: number;
  hi: number;
  n: number;
  mean_predicted: number;
  observed: number;
  observed_lo: number;
  observed_hi: number;
}

/** Observed bot share per bin of predicted probability (Wilson 95% intervals). */
export function calibrationBins(
  probs: readonly number[],
  bot: readonly boolean[],
  edges: readonly number[] = [0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1],
): CalibrationBin[] {
  const out: CalibrationBin[] = [];
  for (let b = 0; b + 1 < edges.length; b++) {
    const lo = edges[b];
    const hi = edges[b + 1];
    let n = 0;
    let sum = 0;
    let bots = 0;
    for (let i = 0; i < probs.length; i++) {
      const p = probs[i];
      if (p >= lo && (p < hi || (b + 2 === edges.length && p <= hi))) {
        n++;
        sum += p;
        if (bot[i]) bots++;
      }
    }
    if (n === 0) continue;
    const w = wilson(bots, n);
    out.push({ lo, hi, n, mean_predicted: sum / n, observed: w.share, observed_lo: w.lo, observed_hi: w.hi });
  }
  return out;
}

export function brier(probs: readonly number[], bot: readonly boolean[]): number {
  let s = 0;
  for (let i = 0; i < probs.length; i++) s += (probs[i] - (bot[i] ? 1 : 0)) ** 2;
  return s / probs.length;
}

export function logLoss(probs: readonly number[], bot: readonly boolean[]): number {
  let s = 0;
  for (let i = 0; i < probs.length; i++) {
    const p = Math.min(1 - 1e-15, Math.max(1e-15, probs[i]));
    s -= bot[i] ? Math.log(p) : Math.log(1 - p);
  }
  return s / probs.length;
}
