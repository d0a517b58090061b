/**
 * The share of bots among live members, as the audit JSON carries it (`bots: {...}`).
 *
 * Denominator: live members (not deleted, not banned) of the snapshot — deleted and banned
 * members are exact counts reported elsewhere and are never scored. Every field below that
 * is a share is a share of live members.
 *
 * With a labelled random sample: prediction-powered inference (lambda = 1) is the estimate;
 * the labels-only Wilson interval is reported beside it, so the reader sees what the score
 * adds. PPI++ (lambda tuned on the same sample) is reported too but is not the estimate:
 * in simulation its interval covers less than 95% when the sample holds few bots (90% at a
 * 2% share and n = 200, 93% at n = 1000; docs/bots.md, "Coverage"), while lambda = 1 kept
 * 94-96% in every setting tried. Without labels: only the misclassification-adjusted
 * "bot-like share, not validated on this community". Never the flagged share.
 *
 * `unsure` labels: the labeller could not tell. They are left out of the estimate (which
 * then assumes they are bots as often as the decided members with the same score — a
 * missing-at-random assumption), counted in `labelled.unsure`, and bounded by two
 * re-estimates that count every unsure as a bot and every unsure as a human. When the
 * bounds differ a lot from the estimate, more labelling effort (a second look, a second
 * labeller) is worth more than more members.
 */
import { wilson } from '../audit/intervals';
import {
  misclassificationPosterior,
  NOT_VALIDATED_LABEL,
  roganGladenInterval,
  specificityBand,
  type BandPoint,
  type Posterior,
} from './misclassification';
import { ppiMean, scoreMean } from './ppi';
import type { ValidationCounts } from './scorer';

export type Label = 'bot' | 'human' | 'unsure';

export interface LabelledMember {
  id: number;
  score: number;
  /** null: in the sample, not labelled (yet). */
  label: Label | null;
}

export interface ShareInterval {
  estimate: number;
  lo: number;
  hi: number;
}

export interface BotShare extends ShareInterval {
  denominator: 'live members';
  live_members: number;
  level: number;
  method: 'ppi' | typeof NOT_VALIDATED_LABEL;
  /** True only when labels from this community back the estimate. */
  validated_on_this_community: boolean;
  labelled: {
    sampled: number;
    bot: number;
    human: number;
    unsure: number;
    not_labelled: number;
    used: number;
  } | null;
  labels_only: ShareInterval | null;
  /** PPI++: lambda tuned on the sample (narrower when the score is miscalibrated; see above why it is not the estimate). */
  ppi_tuned: (ShareInterval & { lambda: number }) | null;
  unsure_as_bot: ShareInterval | null;
  unsure_as_human: ShareInterval | null;
  score: {
    /** Mean score over live members: the score's own reading, calibrated on other data. */
    mean: number;
    threshold: number;
    /** Share of live members flagged (score >= threshold). Classify-and-count: not an estimate. */
    flagged_share: number;
  };
  /** Without labels: the adjustment's pieces. */
  misclassification: {
    /** The Gelman–Carpenter posterior: the bot-like share itself (the estimate when there are no labels). */
    bot_like_share: ShareInterval;
    rogan_gladen: ShareInterval;
    sensitivity_prior: { bots: number; bots_flagged: number };
    specificity_prior: { humans: number; humans_not_flagged: number };
    /** Posterior means; null when no share fits (`conflict` without a posterior). */
    posterior_sensitivity: number | null;
    posterior_specificity: number | null;
    effective_draws: number;
    conflict: boolean;
    specificity_band: BandPoint[];
  } | null;
}

/** The default specificities of the band: 0.60, 0.62, …, 1.00. */
export const DEFAULT_BAND: readonly number[] = Array.from(
  { length: 21 },
  (_, i) => Math.round((0.6 + 0.02 * i) * 100) / 100,
);

const clip = (x: number): number => Math.min(1, Math.max(0, x));

function flaggedCount(scores: ArrayLike<number>, threshold: number): number {
  let k = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i] >= threshold) k++;
  return k;
}

const plain = (iv: ShareInterval): ShareInterval => ({ estimate: iv.estimate, lo: iv.lo, hi: iv.hi });

function ppiInterval(
  scoreMeanAll: number,
  N: number,
  members: readonly { score: number; bot: boolean }[],
  lambda: number | 'tuned',
  level: number,
): ShareInterval & { lambda: number } {
  const r = ppiMean({ scoreMeanAll, N, labelled: members, lambda, level });
  return { estimate: clip(r.estimate), lo: r.lo, hi: r.hi, lambda: r.lambda };
}

/**
 * Labels only: the share of bots among the decided labelled members with its Wilson
 * interval (no finite-population correction: slightly conservative when n is a sizeable
 * part of N).
 */
export function labelsOnly(members: readonly { bot: boolean }[], level = 0.95): ShareInterval {
  const w = wilson(members.filter((m) => m.bot).length, members.length, level);
  return { estimate: w.share, lo: w.lo, hi: w.hi };
}

/**
 * The estimate from a labelled simple random sample of live members. `scores` are the
 * scores of all live members (the labelled ones included).
 */
export function botShareWithLabels(opts: {
  scores: ArrayLike<number>;
  labelled: readonly LabelledMember[];
  threshold: number;
  level?: number;
}): BotShare {
  const level = opts.level ?? 0.95;
  const N = opts.scores.length;
  const m = scoreMean(opts.scores);
  const count = (l: Label | null): number => opts.labelled.filter((x) => x.label === l).length;
  const decided = opts.labelled
    .filter((x) => x.label === 'bot' || x.label === 'human')
    .map((x) => ({ score: x.score, bot: x.label === 'bot' }));
  if (decided.length < 2) {
    throw new Error(
      `the labelled sample has ${decided.length} member(s) labelled bot or human; the estimate needs at least 2 (label more of the sheet)`,
    );
  }
  const withUnsure = (asBot: boolean): { score: number; bot: boolean }[] =>
    opts.labelled
      .filter((x) => x.label !== null)
      .map((x) => ({ score: x.score, bot: x.label === 'bot' || (x.label === 'unsure' && asBot) }));
  const ppi = ppiInterval(m, N, decided, 1, level);
  const unsure = count('unsure');
  return {
    denominator: 'live members',
    live_members: N,
    level,
    estimate: ppi.estimate,
    lo: ppi.lo,
    hi: ppi.hi,
    method: 'ppi',
    validated_on_this_community: true,
    labelled: {
      sampled: opts.labelled.length,
      bot: count('bot'),
      human: count('human'),
      unsure,
      not_labelled: count(null),
      used: decided.length,
    },
    labels_only: labelsOnly(decided, level),
    ppi_tuned: ppiInterval(m, N, decided, 'tuned', level),
    unsure_as_bot: unsure > 0 ? plain(ppiInterval(m, N, withUnsure(true), 1, level)) : null,
    unsure_as_human: unsure > 0 ? plain(ppiInterval(m, N, withUnsure(false), 1, level)) : null,
    score: {
      mean: m,
      threshold: opts.threshold,
      flagged_share: flaggedCount(opts.scores, opts.threshold) / N,
    },
    misclassification: null,
  };
}

/** Without labels: the bot-like share (Gelman–Carpenter posterior), Rogan–Gladen and the specificity band beside it. */
export function botShareWithoutLabels(opts: {
  scores: ArrayLike<number>;
  threshold: number;
  validation: ValidationCounts;
  level?: number;
  /**
   * Specificities for the band (default 0.60 to 1.00 by 0.02: down to where the score's
   * specificity fell on humans unlike its training cohort, 0.63; docs/bots.md, "Transfer").
   */
  band?: readonly number[];
  seed?: number;
}): BotShare {
  const level = opts.level ?? 0.95;
  const N = opts.scores.length;
  const flagged = flaggedCount(opts.scores, opts.threshold);
  const d = { flagged, N };
  const rg = roganGladenInterval(d, opts.validation, level);
  const band = opts.band ?? DEFAULT_BAND;
  const bandPoints = specificityBand(d, opts.validation, band, { level, seed: opts.seed });
  let post: Posterior | null = null;
  try {
    post = misclassificationPosterior(d, opts.validation, { level, seed: opts.seed });
  } catch {
    // No share fits: fewer members are flagged than the validated false-positive rate
    // implies. The share is then near 0; the largest value any specificity allows (at
    // Sp = 1 every flag is a bot) bounds it from above.
  }
  const top = bandPoints.length > 0 ? bandPoints[bandPoints.length - 1] : null;
  const est: ShareInterval = post
    ? { estimate: post.estimate, lo: post.lo, hi: post.hi }
    : { estimate: rg.estimate, lo: 0, hi: Math.max(rg.hi, top?.hi ?? 0) };
  return {
    denominator: 'live members',
    live_members: N,
    level,
    ...est,
    method: NOT_VALIDATED_LABEL,
    validated_on_this_community: false,
    labelled: null,
    labels_only: null,
    ppi_tuned: null,
    unsure_as_bot: null,
    unsure_as_human: null,
    score: { mean: scoreMean(opts.scores), threshold: opts.threshold, flagged_share: flagged / N },
    misclassification: {
      bot_like_share: est,
      rogan_gladen: { estimate: rg.estimate, lo: rg.lo, hi: rg.hi },
      sensitivity_prior: { bots: opts.validation.bots, bots_flagged: opts.validation.bots_flagged },
      specificity_prior: {
        humans: opts.validation.humans,
        humans_not_flagged: opts.validation.humans_not_flagged,
      },
      posterior_sensitivity: post?.sensitivity ?? null,
      posterior_specificity: post?.specificity ?? null,
      effective_draws: post?.effective_draws ?? 0,
      conflict: post?.conflict ?? true,
      specificity_band: bandPoints,
    },
  };
}
