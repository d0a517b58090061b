/**
 * The audit's bots section: the share of bots among live members, from a snapshot and
 * (optionally) a labelled random sample of it — what `npm run audit` prints and writes as
 * `bots: {...}`, and what notebook 02 shows.
 *
 * Three cases, decided by what the data allow (docs/bots.md):
 * - the score's columns are present and a labelled sample is given: prediction-powered
 *   inference is the estimate, labels only beside it;
 * - the score's columns are present, no labels: only the misclassification-adjusted
 *   "bot-like share, not validated on this community" (never the flagged share);
 * - the snapshot lacks the score's columns: with labels, the labels-only estimate (a valid
 *   measurement that needs no score); without, no estimate at all (`available: false`,
 *   with the reason and what to do). An old snapshot still audits.
 */
import type { ColumnTable } from 'arquero';
import { wilson } from '../audit/intervals';
import type { SampleLabels } from './labels';
import {
  botColumnsAt,
  liveMembers,
  MemberIndex,
  scoreColumnArrays,
  scoreUnavailable,
  type LiveMembers,
  type ScoreUnavailable,
} from './live-members';
import { NOT_VALIDATED_LABEL } from './misclassification';
import { scoreLiveFast } from './score-fast';
import { readScorerModel, scoreColumns, type ScorerModel, type ValidationCounts } from './scorer';
import {
  botShareWithLabels,
  botShareWithoutLabels,
  labelsOnly,
  type BotShare,
  type Label,
  type LabelledMember,
  type ShareInterval,
} from './share';
import { LabelsError } from './label-sheet';

export const LABELS_ONLY_METHOD = 'labels only';
export type BotsMethod = 'ppi' | typeof LABELS_ONLY_METHOD | typeof NOT_VALIDATED_LABEL;

export interface BotsOptions {
  /** A labelled sample of this snapshot's live members (readSnapshotLabels, or simulated). */
  labels?: SampleLabels | null;
  /** Default: the shipped data/bots/scorer.json. */
  scorer?: ScorerModel;
  level?: number;
  /** Seed of the misclassification posterior's Monte Carlo. */
  seed?: number;
}

/** A share measured on the labelled sample, with its Wilson interval and denominator. */
export interface SampleRate extends ShareInterval {
  of: number;
}

/**
 * A rate of the score (sensitivity or specificity at its threshold), where it was measured.
 * `this_community` counts the labeller's bot / human labels, so it is the agreement with the
 * labeller, and NaN (JSON null) when the sample holds no member of that kind.
 */
export interface Accuracy {
  training: SampleRate;
  this_community: SampleRate | null;
}

export interface ScorerSummary {
  source: string;
  kind: ScorerModel['kind'];
  threshold: number;
  /** Validated on the labelled training data (out of fold), not on this community. */
  sensitivity: number;
  specificity: number;
  validation: ValidationCounts;
  cross_validation: Record<string, unknown> | null;
}

export interface BotsUnavailable {
  available: false;
  denominator: 'live members';
  live_members: number;
  reason: string;
  missing_columns: string[];
}

export interface BotsAvailable extends Omit<BotShare, 'method' | 'score'> {
  available: true;
  method: BotsMethod;
  /** The method in words, with the numbers it used. */
  method_text: string;
  labels: { source: string; seed: number; skipped: number } | null;
  /** How `unsure` labels enter the estimate, in words. */
  unsure_handling: string;
  /** The score's sensitivity at its threshold: on the training data, and on this community's labelled sample. */
  sensitivity: Accuracy | null;
  /** The score's specificity at its threshold, likewise. */
  specificity: Accuracy | null;
  score: (BotShare['score'] & { distribution: { lo: number; hi: number; members: number }[] }) | null;
  scorer: ScorerSummary | null;
  /** Why there is no score (then the estimate is labels only). */
  score_unavailable: ScoreUnavailable | null;
}

export type BotsSection = BotsAvailable | BotsUnavailable;

/** Everything the section computed, for a notebook that shows more than the JSON. */
export interface BotsAudit {
  section: BotsSection;
  live: LiveMembers;
  /** Scores of the live members (aligned with live.rows), null without the score's columns. */
  scores: Float64Array | null;
}

/**
 * The score of every live member, the readable way: one BotColumns record per member.
 * The audit uses scoreLiveFast (src/bots/score-fast.ts), which gives the same numbers.
 */
export function scoreLive(table: ColumnTable, live: LiveMembers, model: ScorerModel): Float64Array {
  const a = scoreColumnArrays(table);
  const out = new Float64Array(live.rows.length);
  for (let k = 0; k < live.rows.length; k++) out[k] = scoreColumns(model, botColumnsAt(a, live.rows[k]));
  return out;
}

function scorerSummary(model: ScorerModel, source: string): ScorerSummary {
  const v = model.validation;
  const cv = model.provenance.cross_validation;
  return {
    source,
    kind: model.kind,
    threshold: model.threshold,
    sensitivity: v.bots_flagged / v.bots,
    specificity: v.humans_not_flagged / v.humans,
    validation: { ...v },
    cross_validation: cv !== null && typeof cv === 'object' ? (cv as Record<string, unknown>) : null,
  };
}

/** Live members per score bin of width 0.05. */
export function scoreDistribution(scores: ArrayLike<number>): { lo: number; hi: number; members: number }[] {
  const bins = Array.from({ length: 20 }, (_, i) => ({ lo: i / 20, hi: (i + 1) / 20, members: 0 }));
  for (let i = 0; i < scores.length; i++) bins[Math.min(19, Math.floor(scores[i] * 20))].members++;
  return bins;
}

function labelledMembers(
  labels: SampleLabels,
  live: LiveMembers,
  scores: Float64Array | null,
): LabelledMember[] {
  const index = new MemberIndex(live.ids);
  return labels.rows.map((r) => {
    const k = index.find(r.id);
    if (k < 0) throw new LabelsError(`${labels.source}: id ${r.id} is not a live member of the snapshot`);
    return { id: r.id, score: scores === null ? 0 : scores[k], label: r.label };
  });
}

function sampleRate(x: number, n: number, level: number): SampleRate {
  const w = wilson(x, n, level);
  return { estimate: w.share, lo: w.lo, hi: w.hi, of: n };
}

function accuracy(
  model: ScorerModel,
  labelled: readonly LabelledMember[] | null,
  level: number,
): { sensitivity: Accuracy; specificity: Accuracy } {
  const v = model.validation;
  const t = model.threshold;
  const bots = labelled?.filter((m) => m.label === 'bot') ?? [];
  const humans = labelled?.filter((m) => m.label === 'human') ?? [];
  return {
    sensitivity: {
      training: sampleRate(v.bots_flagged, v.bots, level),
      this_community: labelled
        ? sampleRate(bots.filter((m) => m.score >= t).length, bots.length, level)
        : null,
    },
    specificity: {
      training: sampleRate(v.humans_not_flagged, v.humans, level),
      this_community: labelled
        ? sampleRate(humans.filter((m) => m.score < t).length, humans.length, level)
        : null,
    },
  };
}

/** The `unsure` rule in words (docs/bots.md, "Unsure labels"). */
export function unsureHandling(labelled: BotShare['labelled'], withScore = true): string {
  if (labelled === null) return 'no labels, so no unsure ones';
  return (
    `${labelled.unsure} of ${labelled.sampled} sampled members labelled unsure: left out of the estimate ` +
    `(which assumes they are bots as often as decided members${withScore ? ' with the same score' : ''}); unsure_as_bot and ` +
    'unsure_as_human re-estimate with every unsure counted as a bot, and as a human, to bound that assumption'
  );
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const range = (iv: ShareInterval): string => `${pct(iv.lo)}–${pct(iv.hi)}`;
const int = (x: number): string => x.toLocaleString('en-US');

function labelsOnlyText(n: number, used: number, iv: ShareInterval, level: number): string {
  return (
    `the share of bots among the ${int(used)} members of the random sample labelled bot or human, ` +
    `${pct(iv.estimate)} (${Math.round(100 * level)}% Wilson interval ${range(iv)}), taken as the share among all ${int(n)} live members`
  );
}

function ppiText(b: BotShare, level: number): string {
  const s = b.score!;
  const used = b.labelled!.used;
  const correction = b.estimate - s.mean;
  return (
    `prediction-powered inference: the bot score's mean over all ${int(b.live_members)} live members (${pct(s.mean)}), ` +
    `corrected by the score's average error on the ${int(used)} members of a random sample labelled bot or human ` +
    `(${correction >= 0 ? '+' : '−'}${(100 * Math.abs(correction)).toFixed(1)} points); ${Math.round(100 * level)}% interval ` +
    `from the spread of that error (finite-population corrected). Valid whatever the score's quality, because the sample is random`
  );
}

function unlabelledText(b: BotShare, scorer: ScorerSummary): string {
  const m = b.misclassification!;
  return (
    `${NOT_VALIDATED_LABEL}: the share of live members the score flags (${pct(b.score!.flagged_share)}) corrected for the score's ` +
    `errors as measured on other labelled VK profiles (sensitivity ${scorer.sensitivity.toFixed(3)}, specificity ` +
    `${scorer.specificity.toFixed(3)}, both uncertain: Gelman & Carpenter's Bayesian adjustment; Rogan–Gladen gives ` +
    `${pct(m.rogan_gladen.estimate)}). It assumes those error rates hold in this community, which no label from it has checked` +
    (m.conflict
      ? `; here fewer members are flagged than the score's false-positive rate implies, so the community's members look less ` +
        `bot-like than the training data's humans and the adjustment only bounds the share`
      : '')
  );
}

/** The bots section of the audit. */
export function botsAudit(input: { table: ColumnTable }, options: BotsOptions = {}): BotsAudit {
  const level = options.level ?? 0.95;
  const live = liveMembers(input.table);
  const unavailable = scoreUnavailable(input.table, live);
  const labels = options.labels ?? null;
  const N = live.rows.length;
  const labelsRef = labels ? { source: labels.source, seed: labels.seed, skipped: labels.skipped } : null;

  if (unavailable !== null) {
    if (labels === null || N === 0) {
      return {
        live,
        scores: null,
        section: {
          available: false,
          denominator: 'live members',
          live_members: N,
          reason: unavailable.reason,
          missing_columns: unavailable.missing_columns,
        },
      };
    }
    const members = labelledMembers(labels, live, null);
    const decided = members.filter((m) => m.label === 'bot' || m.label === 'human');
    if (decided.length < 1) throw noDecided(labels, decided.length, 1);
    const iv = labelsOnly(
      decided.map((m) => ({ bot: m.label === 'bot' })),
      level,
    );
    const count = (l: Label | null): number => members.filter((m) => m.label === l).length;
    const asBot = (unsureBot: boolean): ShareInterval =>
      labelsOnly(
        members
          .filter((m) => m.label !== null)
          .map((m) => ({ bot: m.label === 'bot' || (unsureBot && m.label === 'unsure') })),
        level,
      );
    const unsure = count('unsure');
    const labelled = {
      sampled: members.length,
      bot: count('bot'),
      human: count('human'),
      unsure,
      not_labelled: count(null),
      used: decided.length,
    };
    return {
      live,
      scores: null,
      section: {
        available: true,
        denominator: 'live members',
        live_members: N,
        level,
        ...iv,
        method: LABELS_ONLY_METHOD,
        method_text: `${LABELS_ONLY_METHOD}: ${labelsOnlyText(N, decided.length, iv, level)}; the bot score could not help (${unavailable.reason})`,
        validated_on_this_community: true,
        labels: labelsRef,
        labelled,
        labels_only: iv,
        ppi_tuned: null,
        unsure_as_bot: unsure > 0 ? asBot(true) : null,
        unsure_as_human: unsure > 0 ? asBot(false) : null,
        unsure_handling: unsureHandling(labelled, false),
        sensitivity: null,
        specificity: null,
        score: null,
        scorer: null,
        score_unavailable: unavailable,
        misclassification: null,
      },
    };
  }

  const model = options.scorer ?? readScorerModel();
  const scorer = scorerSummary(model, options.scorer ? 'given scorer' : 'data/bots/scorer.json');
  const scores = scoreLiveFast(input.table, live, model);
  const withoutLabels = botShareWithoutLabels({
    scores,
    threshold: model.threshold,
    validation: model.validation,
    level,
    seed: options.seed ?? 1,
  });
  const distribution = scoreDistribution(scores);
  if (labels === null) {
    return {
      live,
      scores,
      section: {
        available: true,
        ...withoutLabels,
        method: NOT_VALIDATED_LABEL,
        method_text: unlabelledText(withoutLabels, scorer),
        labels: null,
        unsure_handling: unsureHandling(null),
        ...accuracy(model, null, level),
        score: { ...withoutLabels.score, distribution },
        scorer,
        score_unavailable: null,
      },
    };
  }
  const members = labelledMembers(labels, live, scores);
  const decided = members.filter((m) => m.label === 'bot' || m.label === 'human').length;
  if (decided < 2) throw noDecided(labels, decided, 2);
  const withLabels = botShareWithLabels({ scores, labelled: members, threshold: model.threshold, level });
  return {
    live,
    scores,
    section: {
      available: true,
      ...withLabels,
      method: 'ppi',
      method_text: ppiText(withLabels, level),
      labels: labelsRef,
      unsure_handling: unsureHandling(withLabels.labelled),
      ...accuracy(model, members, level),
      score: { ...withLabels.score, distribution },
      scorer,
      score_unavailable: null,
      // The unlabelled adjustment beside the measurement: what the page would say without labels.
      misclassification: withoutLabels.misclassification,
    },
  };
}

function noDecided(labels: SampleLabels, decided: number, need: number): LabelsError {
  return new LabelsError(
    `${labels.source}: ${decided} member(s) of the sample are labelled bot or human; the estimate needs at least ${need} — label more of the sheet (from the top)`,
  );
}
