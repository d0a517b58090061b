/**
 * Prediction-powered inference for the share of bots among live members.
 *
 * The score f is known for all N live members; a simple random sample of n of them is
 * labelled (y = 1 bot, 0 human). The estimate is the score's mean over all N, corrected by
 * the mean error of the score on the labelled sample (the "rectifier"):
 *
 *   theta_hat(lambda) = lambda * mean_N(f) + mean_n(y - lambda * f)
 *
 * (Angelopoulos, Bates, Fannjiang, Jordan & Zrnic, Science 382:669-674, 2023, lambda = 1;
 * PPI++, Angelopoulos, Duchi & Zrnic 2023, arXiv:2311.01453, lambda tuned). It is unbiased
 * for any score, good or bad, because the sample is random: a poor score only widens the
 * interval. Survey statisticians know the same estimator as the difference (lambda = 1) and
 * regression (lambda tuned) estimator (Cochran 1977, Sampling Techniques, ch. 7;
 * Särndal, Swensson & Wretman 1992, Model Assisted Survey Sampling).
 *
 * The target is the share among these N members (a finite population), and mean_N(f) is
 * computed over all of them, so its sampling variance term in the PPI paper (sigma_f^2/N)
 * is zero here; the labelled sample is drawn without replacement, so the rectifier's
 * variance carries the finite-population correction (1 - n/N):
 *
 *   Var(theta_hat) = (1 - n/N) * s^2(y - lambda f) / n.
 *
 * lambda tuned = Cov_n(y, f) / Var_n(f), the variance-minimising value: with it the
 * interval is asymptotically never wider than the labels-only one (lambda = 0) nor than
 * lambda = 1. It matters when the score is miscalibrated for this community, as a score
 * trained at another bot share always is (its mean is off; its ranking may still be good).
 *
 * The score, not a 0/1 flag, is used: a flag throws away how sure the score is, and the
 * rectifier's variance is Var(y)(1 - corr(y, f)^2) at the tuned lambda, so the input more
 * correlated with y gives the narrower interval (docs/bots.md shows both).
 */
import { zFor } from '../audit/intervals';

export interface LabelledScore {
  score: number;
  bot: boolean;
}

export interface PpiResult {
  estimate: number;
  lo: number;
  hi: number;
  /** Standard error of the estimate. */
  se: number;
  lambda: number;
  /** mean_N(f): the score's own (uncorrected) mean over the live members. */
  score_mean: number;
  /** mean_n(y - lambda f). */
  rectifier: number;
  n: number;
  N: number;
}

/** Mean of the scores of all N live members (checked to be probabilities). */
export function scoreMean(scores: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < scores.length; i++) {
    const f = scores[i];
    if (!(f >= 0 && f <= 1)) throw new Error(`score ${i} is ${f}: scores must be in [0, 1]`);
    s += f;
  }
  return s / scores.length;
}

/**
 * PPI (lambda = 1), PPI++ (lambda "tuned") or a given lambda. `scoreMeanAll` is mean_N(f)
 * over all N live members (the labelled ones included).
 */
export function ppiMean(opts: {
  scoreMeanAll: number;
  N: number;
  labelled: readonly LabelledScore[];
  lambda: number | 'tuned';
  level?: number;
}): PpiResult {
  const { N, labelled } = opts;
  const n = labelled.length;
  if (!(Number.isInteger(N) && N > 0))
    throw new Error(`PPI: N (live members) must be a positive integer, got ${N}`);
  if (n < 2) throw new Error(`PPI: needs at least 2 labelled members, got ${n}`);
  if (n > N) throw new Error(`PPI: ${n} labelled members but only ${N} live members`);
  if (!(opts.scoreMeanAll >= 0 && opts.scoreMeanAll <= 1))
    throw new Error('PPI: the score mean must be in [0, 1]');
  const y = labelled.map((l) => (l.bot ? 1 : 0));
  const f = labelled.map((l) => l.score);
  const my = y.reduce((a: number, b) => a + b, 0) / n;
  const mf = f.reduce((a, b) => a + b, 0) / n;
  let sff = 0;
  let sfy = 0;
  for (let i = 0; i < n; i++) {
    sff += (f[i] - mf) ** 2;
    sfy += (f[i] - mf) * (y[i] - my);
  }
  const lambda = opts.lambda === 'tuned' ? (sff > 0 ? sfy / sff : 0) : opts.lambda;
  if (!Number.isFinite(lambda)) throw new Error(`PPI: lambda must be finite, got ${lambda}`);
  const e = y.map((yi, i) => yi - lambda * f[i]);
  const rectifier = e.reduce((a, b) => a + b, 0) / n;
  const s2 = e.reduce((a, b) => a + (b - rectifier) ** 2, 0) / (n - 1);
  const se = Math.sqrt(((1 - n / N) * s2) / n);
  const estimate = lambda * opts.scoreMeanAll + rectifier;
  const z = zFor(opts.level ?? 0.95);
  return {
    estimate,
    lo: Math.max(0, estimate - z * se),
    hi: Math.min(1, estimate + z * se),
    se,
    lambda,
    score_mean: opts.scoreMeanAll,
    rectifier,
    n,
    N,
  };
}
