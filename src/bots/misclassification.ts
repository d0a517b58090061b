/**
 * The share of bots without labels from this community: the flagged share corrected for
 * the flag's errors, with the errors' uncertainty carried through.
 *
 * A flag with sensitivity Se and specificity Sp flags q = p Se + (1 - p)(1 - Sp) of a
 * population whose true share is p. Counting flags (classify-and-count) reports q, which is
 * biased whenever Se or Sp is below 1: at p = 2%, Se = 0.9, Sp = 0.98 it reads 3.8%.
 *
 * - Rogan & Gladen (1978, Am J Epidemiol 107(1):71-76) invert that line:
 *   p = (q + Sp - 1) / (Se + Sp - 1), clipped to [0, 1]; the delta-method interval adds the
 *   binomial variances of q, Se and Sp (Greiner & Gardner 2000, Prev Vet Med 45:43-59).
 * - Gelman & Carpenter (2020, J R Stat Soc C 69(5):1269-1283) treat Se and Sp as unknown,
 *   informed by validation counts (Se ~ Beta(1 + bots flagged, 1 + bots missed), the same
 *   for Sp), with p ~ Uniform(0, 1) and the flagged count binomial. The posterior is
 *   computed here by Monte Carlo: Se, Sp and pi (the flagged rate) are drawn from their
 *   priors and the data's likelihood (pi ~ Normal(q, q(1-q)/N), the binomial's normal
 *   form, accurate when flagged and unflagged counts are both in the tens or more);
 *   draws with pi outside [1 - Sp, Se] have no p in [0, 1] and get weight 0; the others are
 *   weighted by the Jacobian 1 / (Se + Sp - 1) of p -> pi. Weighted quantiles of
 *   p = (pi + Sp - 1) / (Se + Sp - 1) give the interval.
 *
 * Both assume the validation's Se and Sp hold in this community. They do not transfer
 * (docs/bots.md, "Transfer"): a community's ordinary followers can look bot-like to a score
 * trained elsewhere. So the result is named a bot-like share, not validated on this
 * community, and shown over a band of specificities.
 */
import { zFor } from '../audit/intervals';
import { Rng } from '../util/rng';
import type { ValidationCounts } from './scorer';

export const NOT_VALIDATED_LABEL = 'bot-like share, not validated on this community';

export interface Flagged {
  /** Live members flagged by the score. */
  flagged: number;
  /** Live members scored (the denominator). */
  N: number;
}

function checkFlagged(d: Flagged): void {
  if (!(
    Number.isInteger(d.N) &&
    d.N > 0 &&
    Number.isInteger(d.flagged) &&
    d.flagged >= 0 &&
    d.flagged <= d.N
  )) {
    throw new Error(`need integers 0 <= flagged <= N, N > 0; got flagged=${d.flagged}, N=${d.N}`);
  }
}

function checkValidation(v: ValidationCounts): void {
  const ok =
    Number.isInteger(v.bots) &&
    Number.isInteger(v.humans) &&
    Number.isInteger(v.bots_flagged) &&
    Number.isInteger(v.humans_not_flagged) &&
    v.bots > 0 &&
    v.humans > 0 &&
    v.bots_flagged >= 0 &&
    v.bots_flagged <= v.bots &&
    v.humans_not_flagged >= 0 &&
    v.humans_not_flagged <= v.humans;
  if (!ok) throw new Error(`validation counts are not counts of bots and humans: ${JSON.stringify(v)}`);
}

export interface RoganGladen {
  estimate: number;
  lo: number;
  hi: number;
  /** The uncorrected flagged share (classify-and-count), shown only to say what not to report. */
  flagged_share: number;
  sensitivity: number;
  specificity: number;
}

export function roganGladen(d: Flagged, se: number, sp: number): number {
  if (!(se + sp > 1))
    throw new Error(`Rogan-Gladen needs Se + Sp > 1 (a flag better than chance), got ${se} + ${sp}`);
  return Math.min(1, Math.max(0, (d.flagged / d.N + sp - 1) / (se + sp - 1)));
}

export function roganGladenInterval(d: Flagged, v: ValidationCounts, level = 0.95): RoganGladen {
  checkFlagged(d);
  checkValidation(v);
  const q = d.flagged / d.N;
  const se = v.bots_flagged / v.bots;
  const sp = v.humans_not_flagged / v.humans;
  const j = se + sp - 1;
  if (!(j > 0))
    throw new Error(`Rogan-Gladen needs Se + Sp > 1, validation gives ${se.toFixed(3)} + ${sp.toFixed(3)}`);
  const raw = (q + sp - 1) / j;
  const p = Math.min(1, Math.max(0, raw));
  const variance =
    (q * (1 - q)) / d.N + (p * p * se * (1 - se)) / v.bots + ((1 - p) ** 2 * sp * (1 - sp)) / v.humans;
  const half = (zFor(level) * Math.sqrt(variance)) / j;
  return {
    estimate: p,
    // Clipped to [0, 1] at both ends: a raw estimate far outside (fewer flags than the
    // false-positive rate implies) must not give a bound outside the share's range.
    lo: Math.min(1, Math.max(0, raw - half)),
    hi: Math.min(1, Math.max(0, raw + half)),
    flagged_share: q,
    sensitivity: se,
    specificity: sp,
  };
}

export interface Posterior {
  estimate: number;
  lo: number;
  hi: number;
  /** Posterior mean of Se and Sp: where the community's flagged share moved them. */
  sensitivity: number;
  specificity: number;
  /** Kish's effective sample size of the weighted draws. */
  effective_draws: number;
  draws: number;
  /**
   * True when few draws fit the data: the community's flagged share is outside what the
   * validated Se and Sp allow (e.g. fewer flags than the false-positive rate implies).
   */
  conflict: boolean;
}

function betaDraw(rng: Rng, a: number, b: number): number {
  const x = rng.gamma(a);
  const y = rng.gamma(b);
  return x / (x + y);
}

function weightedQuantile(values: Float64Array, weights: Float64Array, probs: readonly number[]): number[] {
  const idx = [...values.keys()].filter((i) => weights[i] > 0).sort((a, b) => values[a] - values[b]);
  const total = idx.reduce((s, i) => s + weights[i], 0);
  return probs.map((p) => {
    let acc = 0;
    for (const i of idx) {
      acc += weights[i];
      if (acc >= p * total) return values[i];
    }
    return values[idx[idx.length - 1]];
  });
}

/**
 * Gelman & Carpenter's posterior for the share. `specificity` may be fixed (a point of the
 * specificity band) instead of drawn from the validation counts.
 */
export function misclassificationPosterior(
  d: Flagged,
  v: ValidationCounts,
  o: { draws?: number; seed?: number; level?: number; specificity?: number } = {},
): Posterior {
  checkFlagged(d);
  checkValidation(v);
  const draws = o.draws ?? 40000;
  const level = o.level ?? 0.95;
  const rng = new Rng(o.seed ?? 1);
  const q = d.flagged / d.N;
  // The binomial's normal form; a floor on its sd keeps q = 0 or 1 usable.
  const sdq = Math.sqrt(Math.max(q * (1 - q), 1 / d.N) / d.N);
  const p = new Float64Array(draws);
  const w = new Float64Array(draws);
  const seW = new Float64Array(draws);
  const spW = new Float64Array(draws);
  for (let m = 0; m < draws; m++) {
    const se = betaDraw(rng, 1 + v.bots_flagged, 1 + v.bots - v.bots_flagged);
    const sp = o.specificity ?? betaDraw(rng, 1 + v.humans_not_flagged, 1 + v.humans - v.humans_not_flagged);
    const pi = q + sdq * rng.normal();
    seW[m] = se;
    spW[m] = sp;
    const j = se + sp - 1;
    if (!(j > 0) || pi < 1 - sp || pi > se) continue;
    w[m] = 1 / j;
    p[m] = (pi + sp - 1) / j;
  }
  let sw = 0;
  let sw2 = 0;
  let mse = 0;
  let msp = 0;
  for (let m = 0; m < draws; m++) {
    sw += w[m];
    sw2 += w[m] * w[m];
    mse += w[m] * seW[m];
    msp += w[m] * spW[m];
  }
  if (sw === 0) {
    throw new Error(
      `no value of the share fits: ${d.flagged} of ${d.N} flagged is outside what the validated sensitivity and specificity allow`,
    );
  }
  const ess = (sw * sw) / sw2;
  const [lo, mid, hi] = weightedQuantile(p, w, [(1 - level) / 2, 0.5, 1 - (1 - level) / 2]);
  return {
    estimate: mid,
    lo,
    hi,
    sensitivity: mse / sw,
    specificity: msp / sw,
    effective_draws: ess,
    draws,
    conflict: ess < 0.05 * draws,
  };
}

export interface BandPoint {
  specificity: number;
  /** Rogan–Gladen at this specificity and the validated sensitivity. */
  rogan_gladen: number;
  /** Posterior median and interval with Sp fixed here, Se uncertain. */
  estimate: number;
  lo: number;
  hi: number;
}

/**
 * The bot-like share over a range of assumed specificities: how much the answer depends
 * on a number the validation cannot vouch for in this community. Specificities that leave
 * no share in [0, 1] (fewer flags than their false-positive rate) are skipped.
 */
export function specificityBand(
  d: Flagged,
  v: ValidationCounts,
  specificities: readonly number[],
  o: { draws?: number; seed?: number; level?: number } = {},
): BandPoint[] {
  const se = v.bots_flagged / v.bots;
  const out: BandPoint[] = [];
  for (const sp of specificities) {
    if (!(sp > 0 && sp <= 1)) throw new Error(`specificity ${sp} is not in (0, 1]`);
    if (d.flagged / d.N < 1 - sp - 1e-12 || se + sp <= 1) continue;
    let post: Posterior;
    try {
      post = misclassificationPosterior(d, v, { ...o, specificity: sp, draws: o.draws ?? 10000 });
    } catch {
      continue;
    }
    out.push({
      specificity: sp,
      rogan_gladen: roganGladen(d, se, sp),
      estimate: post.estimate,
      lo: post.lo,
      hi: post.hi,
    });
  }
  return out;
}
