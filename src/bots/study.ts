/**
 * The bots section of the study (notebook 02): where the labels come from, the section
 * itself, the truth beside it when the community is synthetic, and the words.
 *
 * Labels: a labelled sheet when `BOTS_LABELS` names one (from `npm run label-sample`);
 * otherwise, for the synthetic community, whose truth is known, the sample label-sample
 * would draw is labelled by a simulated annotator with stated error rates — and the page
 * says so. A real community without a sheet gets only the unvalidated bot-like share.
 * The truth is passed in (`BotTruth`): the study's code never loads the synthetic world.
 */
import * as path from 'node:path';
import type { ColumnTable } from 'arquero';
import { generatorSettings, isSynthetic, type AuditManifest, type GeneratorSettings } from '../audit/input';
import { envInt, envPath, type Env } from '../util/env';
import { DEFAULT_ANNOTATOR, describeAnnotator, expectedLabelledShare, type AnnotatorSpec } from './annotator';
import { botsAudit, type BotsAudit, type BotsAvailable } from './audit-section';
import { readSnapshotLabels, simulatedSampleLabels, type SampleLabels } from './labels';
import { liveMembers } from './live-members';
import { NOT_VALIDATED_LABEL, type BandPoint } from './misclassification';
import type { EstimateRow, ReferenceLine } from '../viz/bots/share';

export const BOTS_ENV = {
  labels: 'BOTS_LABELS',
  sample: 'BOTS_SAMPLE',
  seed: 'BOTS_SEED',
} as const;

/** Labelled sample size of the simulated annotator: a few hours of a person's work. */
export const DEFAULT_BOTS_SAMPLE = 400;

export interface BotsStudyParams {
  /** A labelled sheet (absolute path), or null. */
  labels: string | null;
  sampleSize: number;
  seed: number;
}

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export function botsStudyParams(env: Env = process.env): BotsStudyParams {
  return {
    labels: envPath(env, BOTS_ENV.labels, { base: REPO_ROOT, default: null }),
    sampleSize: envInt(env, BOTS_ENV.sample, { default: DEFAULT_BOTS_SAMPLE, min: 2 }),
    seed: envInt(env, BOTS_ENV.seed, { default: 1, min: 0 }),
  };
}

export function formatBotsParams(p: BotsStudyParams): string {
  return (
    `${BOTS_ENV.labels}=${p.labels ?? '(not set: simulated labels for a synthetic community, none otherwise)'}  ` +
    `${BOTS_ENV.sample}=${p.sampleSize}  ${BOTS_ENV.seed}=${p.seed}`
  );
}

/** Which live members are bots, when someone knows. */
export interface BotTruth {
  isBot: (id: number) => boolean;
  source: string;
}

/**
 * Why there is no truth: a real community has none; a synthetic one has it in the
 * generator, which the study's code never imports (the notebook passes it in).
 */
export function noTruth(manifest: AuditManifest, why?: string): { reason: string } {
  return {
    reason: isSynthetic(manifest)
      ? (why ?? 'the synthetic generator’s truth was not passed in')
      : 'the community is real: nobody knows its true share of bots',
  };
}

/**
 * What the truth needs of the synthetic generator (src/emulator/generator.ts), by shape:
 * the study's code never imports the synthetic world; the notebook hands the generator in.
 */
export interface BotGenerator {
  readonly botShare: number;
  indexOf(id: number): number;
  /** Whether the member at `index` is a bot if it is live (cheap: a hash). */
  botPick(index: number): boolean;
  member(index: number): { bot: boolean };
}

/**
 * The synthetic community's truth from its generator, rebuilt from the settings the
 * snapshot's manifest records (the generator is deterministic per settings and member).
 */
export function syntheticBotTruth(
  manifest: AuditManifest,
  generator: (settings: GeneratorSettings) => BotGenerator,
): BotTruth | { reason: string } {
  if (!isSynthetic(manifest)) return noTruth(manifest);
  const settings = generatorSettings(manifest);
  if (settings === null)
    return noTruth(manifest, 'the manifest does not record the synthetic generator’s seed');
  const gen = generator(settings);
  return {
    isBot: (id) => {
      const index = gen.indexOf(id);
      return gen.botPick(index) && gen.member(index).bot;
    },
    source: `the synthetic generator's truth (seed ${settings.seed}, ${pctPlain(gen.botShare)} of live members drawn as bots)`,
  };
}

const pctPlain = (x: number): string => `${+(100 * x).toFixed(2)}%`;

export interface BotsStudy {
  params: BotsStudyParams;
  audit: BotsAudit;
  labels: SampleLabels | null;
  /** Where the labels come from, in words (shown on the page). */
  labelsNote: string;
  annotator: AnnotatorSpec | null;
  /** The truth among live members, when the community is synthetic and its truth lists bots. */
  truth: {
    bots: number;
    share: number;
    /** What the annotator's labels estimate in expectation (its errors included). */
    labelled_share: number | null;
    source: string;
  } | null;
  /** Why there is no truth beside the estimate. */
  truthNote: string | null;
}

export function botsStudy(
  input: { table: ColumnTable; manifest: AuditManifest },
  opts: { env?: Env; truth?: BotTruth | { reason: string }; annotator?: AnnotatorSpec } = {},
): BotsStudy {
  const params = botsStudyParams(opts.env);
  const live = liveMembers(input.table);
  const truth = opts.truth ?? noTruth(input.manifest);
  const known = 'isBot' in truth ? truth : null;
  let labels: SampleLabels | null = null;
  let labelsNote: string;
  let annotator: AnnotatorSpec | null = null;
  if (params.labels !== null) {
    labels = readSnapshotLabels(params.labels, input, live);
    labelsNote = `labels from the sheet ${params.labels} (${BOTS_ENV.labels})`;
  } else if (known) {
    annotator = { ...(opts.annotator ?? DEFAULT_ANNOTATOR), seed: params.seed };
    labels = simulatedSampleLabels(
      input,
      { n: Math.min(params.sampleSize, live.rows.length), seed: params.seed, isBot: known.isBot, annotator },
      live,
    );
    labelsNote =
      `**The labels on this page are simulated.** The community is synthetic, so the random sample that ` +
      `\`npm run label-sample\` would draw (${labels.rows.length} live members, seed ${params.seed}) was labelled from ` +
      `${known.source} by a ${describeAnnotator(annotator)}. A real study labels the sheet by hand ` +
      `(set ${BOTS_ENV.labels} to the labelled CSV).`;
  } else {
    labelsNote =
      `No labelled sample: ${'reason' in truth ? truth.reason : ''}; set ${BOTS_ENV.labels} to a sheet from ` +
      '`npm run label-sample`, labelled by hand, to measure the share.';
  }
  const audit = botsAudit(input, { labels });
  let truthOut: BotsStudy['truth'] = null;
  if (known) {
    let bots = 0;
    for (const id of live.ids) if (known.isBot(id)) bots++;
    const share = live.ids.length > 0 ? bots / live.ids.length : NaN;
    truthOut = {
      bots,
      share,
      labelled_share: annotator ? expectedLabelledShare(share, annotator) : null,
      source: known.source,
    };
  }
  return {
    params,
    audit,
    labels,
    labelsNote,
    annotator,
    truth: truthOut,
    truthNote: known ? null : (truth as { reason: string }).reason,
  };
}

const pct = (x: number | null | undefined, d = 1): string =>
  x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : `${(100 * x).toFixed(d)}%`;
const range = (iv: { lo: number; hi: number }, d = 1): string => `${pct(iv.lo, d)}–${pct(iv.hi, d)}`;
const int = (x: number): string => x.toLocaleString('en-US');

/** The rows of the estimates figure and table: the estimate first, then what is beside it. */
export function estimateRows(s: BotsStudy): EstimateRow[] {
  const b = s.audit.section;
  if (!b.available) return [];
  const rows: EstimateRow[] = [];
  const name =
    b.method === 'ppi'
      ? 'prediction-powered (the estimate)'
      : b.method === 'labels only'
        ? 'labels only (the estimate)'
        : NOT_VALIDATED_LABEL;
  rows.push({
    label: name,
    estimate: b.estimate,
    lo: b.lo,
    hi: b.hi,
    kind: b.validated_on_this_community ? 'estimate' : 'not validated',
  });
  if (b.method === 'ppi' && b.labels_only)
    rows.push({ label: 'labels only (Wilson)', ...b.labels_only, kind: 'beside' });
  if (b.unsure_as_bot)
    rows.push({ label: 'every unsure counted as a bot', ...b.unsure_as_bot, kind: 'beside' });
  if (b.unsure_as_human)
    rows.push({ label: 'every unsure counted as a human', ...b.unsure_as_human, kind: 'beside' });
  if (b.ppi_tuned) {
    const { estimate, lo, hi } = b.ppi_tuned;
    rows.push({ label: 'PPI++ (λ tuned; reported, not the estimate)', estimate, lo, hi, kind: 'beside' });
  }
  const m = b.misclassification;
  if (m && b.validated_on_this_community) {
    rows.push({ label: `${NOT_VALIDATED_LABEL} (Bayes)`, ...m.bot_like_share, kind: 'not validated' });
  }
  if (m) rows.push({ label: 'Rogan–Gladen (not validated)', ...m.rogan_gladen, kind: 'not validated' });
  return rows;
}

/** The truth lines of the figures (synthetic community only). */
export function truthLines(s: BotsStudy): ReferenceLine[] {
  if (!s.truth) return [];
  const lines: ReferenceLine[] = [{ label: `true share (${pct(s.truth.share, 2)})`, value: s.truth.share }];
  if (s.truth.labelled_share !== null)
    lines.push({
      label: `what the annotator's labels estimate (${pct(s.truth.labelled_share, 2)})`,
      value: s.truth.labelled_share,
    });
  return lines;
}

/** The finding in words, with the computed numbers. */
export function botsFindingMarkdown(s: BotsStudy): string {
  const b = s.audit.section;
  if (!b.available) {
    return (
      `**No share of bots can be given for this snapshot.** ${capital(b.reason)}. ` +
      `The ${int(b.live_members)} live members are the denominator the share would have. ${s.labelsNote}`
    );
  }
  const level = `${Math.round(100 * b.level)}%`;
  const parts: string[] = [];
  if (b.validated_on_this_community) {
    parts.push(
      `**Share of bots among the ${int(b.live_members)} live members: ${pct(b.estimate)} ` +
        `(${level} interval ${range(b)}).** Method: ${b.method_text}.`,
    );
    if (b.method === 'ppi' && b.labels_only) {
      const w = (iv: { lo: number; hi: number }): number => iv.hi - iv.lo;
      const ratio = w(b) / w(b.labels_only);
      parts.push(
        `The labels alone give ${pct(b.labels_only.estimate)} (${range(b.labels_only)}); the score makes the interval ` +
          (ratio < 1
            ? `${pct(1 - ratio, 0)} narrower.`
            : `${pct(ratio - 1, 0)} *wider* here — it is miscalibrated for this community and adds noise; the estimate is still valid, because the sample is random.`),
      );
    }
  } else {
    parts.push(
      `**${capital(NOT_VALIDATED_LABEL)}: ${pct(b.estimate)} (${level} interval ${range(b)}).** ` +
        `This is not a measurement: ${b.method_text}.`,
    );
  }
  parts.push(s.labelsNote);
  if (s.truth) {
    const covered = b.lo <= s.truth.share && s.truth.share <= b.hi;
    parts.push(
      `**Against the truth.** ${capital(s.truth.source)} has ${int(s.truth.bots)} bots among the live members: ` +
        `${pct(s.truth.share, 2)}, which the interval ${covered ? 'covers' : '**does not cover**'}.` +
        (s.truth.labelled_share !== null
          ? ` With this annotator's errors the labels estimate ${pct(s.truth.labelled_share, 2)} in expectation ` +
            `(the share the annotator would call bots), which the interval ` +
            `${b.lo <= s.truth.labelled_share && s.truth.labelled_share <= b.hi ? 'covers' : '**does not cover**'}: ` +
            'PPI measures what the labeller says, not what the accounts are.'
          : ''),
    );
  } else if (s.truthNote) {
    parts.push(`No truth to compare with: ${s.truthNote}.`);
  }
  return parts.join('\n\n');
}

/** The score's error rates: validated elsewhere, and on this community's labelled sample. */
export function accuracyRows(b: BotsAvailable): { rate: string; training: string; community: string }[] {
  if (!b.sensitivity || !b.specificity) return [];
  const cell = (r: { estimate: number; lo: number; hi: number; of: number } | null, what: string): string =>
    r === null
      ? 'no labels'
      : r.of === 0
        ? `no ${what} labelled`
        : `${r.estimate.toFixed(3)} (${r.lo.toFixed(3)}–${r.hi.toFixed(3)}; ${int(r.of)} ${what})`;
  return [
    {
      rate: 'sensitivity (bots flagged)',
      training: cell(b.sensitivity.training, 'bots'),
      community: cell(b.sensitivity.this_community, 'bots'),
    },
    {
      rate: 'specificity (humans not flagged)',
      training: cell(b.specificity.training, 'humans'),
      community: cell(b.specificity.this_community, 'humans'),
    },
  ];
}

/** The specificity band in words: the range of answers it spans. */
export function bandMarkdown(b: BotsAvailable): string {
  const band = b.misclassification?.specificity_band ?? [];
  if (band.length === 0) {
    return 'No specificity of the band fits the flagged share (fewer members are flagged than even the lowest specificity implies), so there is no band.';
  }
  const first = band[0];
  const last = band[band.length - 1];
  return (
    `Without labels the answer hangs on the score's specificity in this community, which no label from it has checked. ` +
    `Between an assumed specificity of ${first.specificity.toFixed(2)} and ${last.specificity.toFixed(2)} the bot-like share ` +
    `runs from ${pct(first.estimate)} to ${pct(last.estimate)}; the validated ${b.specificity!.training.estimate.toFixed(3)} ` +
    `comes from other VK profiles, and on humans unlike its training cohort the score's specificity fell to 0.63 (docs/bots.md, "Transfer"). ` +
    `${pct(b.score!.flagged_share)} of live members are flagged — classify-and-count, never an estimate.`
  );
}

function capital(s: string): string {
  return s.length === 0 ? s : s[0].toUpperCase() + s.slice(1);
}

/** The notebook summary's items. */
export function botsSummaryItems(s: BotsStudy): { label: string; value: string }[] {
  const b = s.audit.section;
  if (!b.available)
    return [{ label: 'share of bots among live members', value: `not available (${b.reason})` }];
  const items = [
    {
      label: b.validated_on_this_community
        ? `share of bots among live members (${b.method})`
        : NOT_VALIDATED_LABEL,
      value: `${pct(b.estimate)} (95% interval ${range(b)})`,
    },
  ];
  if (b.labels_only && b.method === 'ppi')
    items.push({
      label: 'bots, labels only',
      value: `${pct(b.labels_only.estimate)} (${range(b.labels_only)})`,
    });
  if (s.annotator)
    items.push({ label: 'labels', value: `simulated annotator, ${b.labelled!.sampled} members` });
  if (s.truth) items.push({ label: 'true share of bots (synthetic)', value: pct(s.truth.share, 2) });
  return items;
}

/**
 * What the score part of the page shows; `reason` says why there is no score (then the
 * lists are empty). One shape, not a union: notebook cells read it without narrowing.
 */
export interface ScoreView {
  reason: string | null;
  accuracy: { rate: string; training: string; community: string }[];
  bandText: string;
  band: BandPoint[];
  validatedSpecificity: number;
  distribution: { lo: number; hi: number; members: number }[];
  threshold: number;
  liveMembers: number;
}

export function scoreView(s: BotsStudy): ScoreView {
  const b = s.audit.section;
  const empty = (reason: string): ScoreView => ({
    reason,
    accuracy: [],
    bandText: '',
    band: [],
    validatedSpecificity: NaN,
    distribution: [],
    threshold: NaN,
    liveMembers: b.live_members,
  });
  if (!b.available) return empty(b.reason);
  if (!b.score || !b.specificity) return empty(b.score_unavailable?.reason ?? 'no score');
  return {
    reason: null,
    accuracy: accuracyRows(b),
    bandText: bandMarkdown(b),
    band: b.misclassification?.specificity_band ?? [],
    validatedSpecificity: b.specificity.training.estimate,
    distribution: b.score.distribution,
    threshold: b.score.threshold,
    liveMembers: b.live_members,
  };
}

/** A caption for the estimates figure: the labelled sample in numbers. */
export function labelledCaption(s: BotsStudy): string {
  const b = s.audit.section;
  if (!b.available || !b.labelled) return 'no labelled sample';
  const l = b.labelled;
  return `${int(l.sampled)} members labelled (${int(l.bot)} bot, ${int(l.human)} human, ${int(l.unsure)} unsure)`;
}

/** How unsure labels were handled, in words (empty without a section). */
export function unsureText(s: BotsStudy): string {
  const b = s.audit.section;
  return b.available ? `**Unsure labels.** ${capital(b.unsure_handling)}.` : '';
}
