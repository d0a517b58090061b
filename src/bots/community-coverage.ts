/**
 * Coverage on one community whose truth is known, with the score it is really used with.
 *
 * src/bots/simulate.ts builds toy worlds; this takes a real scored community — the
 * synthetic one, scored by the shipped scorer, which was fitted on labelled profiles whose
 * bots and humans look different from the synthetic ones — and repeats what the study does:
 * draw a labelled random sample, label it (perfectly, or through a simulated annotator),
 * compute the interval, and count how often it covers the target. The target is the true
 * share for a perfect labeller, and the share the annotator would call bots otherwise
 * (PPI measures the labels, not the accounts).
 */
import { wilson } from '../audit/intervals';
import { Rng } from '../util/rng';
import { annotate, checkAnnotator, expectedLabelledShare, type AnnotatorSpec } from './annotator';
import { sampleWithoutReplacement } from './label-sample';
import { ppiMean, scoreMean } from './ppi';
import type { MethodCoverage } from './simulate';

export interface CommunityCoverage {
  live_members: number;
  n: number;
  replicates: number;
  true_share: number;
  /** What the intervals should cover: the true share, or the annotator's expected share. */
  target: number;
  annotator: AnnotatorSpec | null;
  score_mean: number;
  methods: { ppi: MethodCoverage; labels_only: MethodCoverage };
}

export function communityCoverage(o: {
  scores: ArrayLike<number>;
  /** 1 for a bot, aligned with scores. */
  truth: ArrayLike<number>;
  n: number;
  replicates: number;
  seed: number;
  annotator?: AnnotatorSpec | null;
  level?: number;
}): CommunityCoverage {
  const N = o.scores.length;
  if (o.truth.length !== N) throw new Error('communityCoverage: scores and truth differ in length');
  if (!(Number.isInteger(o.replicates) && o.replicates >= 1))
    throw new Error('communityCoverage: replicates >= 1');
  const level = o.level ?? 0.95;
  const annotator = o.annotator ?? null;
  if (annotator) checkAnnotator(annotator);
  let bots = 0;
  for (let i = 0; i < N; i++) bots += o.truth[i] ? 1 : 0;
  const trueShare = bots / N;
  const target = annotator ? expectedLabelledShare(trueShare, annotator) : trueShare;
  const m = scoreMean(o.scores);
  const rng = new Rng(o.seed);
  const t = {
    ppi: { covered: 0, width: 0, bias: 0, n: 0 },
    labels_only: { covered: 0, width: 0, bias: 0, n: 0 },
  };
  const add = (k: keyof typeof t, est: number, lo: number, hi: number): void => {
    t[k].n++;
    if (lo <= target && target <= hi) t[k].covered++;
    t[k].width += hi - lo;
    t[k].bias += est - target;
  };
  for (let r = 0; r < o.replicates; r++) {
    const idx = sampleWithoutReplacement(N, o.n, rng);
    // A new labelling per replicate: the annotator's errors are part of what repeats.
    const a = annotator ? { ...annotator, seed: annotator.seed + r } : null;
    const labelled: { score: number; bot: boolean }[] = [];
    for (const i of idx) {
      const bot = o.truth[i] === 1;
      const label = a ? annotate(a, i, bot) : bot ? 'bot' : 'human';
      if (label !== 'unsure') labelled.push({ score: o.scores[i], bot: label === 'bot' });
    }
    if (labelled.length < 2) continue;
    const p = ppiMean({ scoreMeanAll: m, N, labelled, lambda: 1, level });
    add('ppi', p.estimate, p.lo, p.hi);
    const k = labelled.filter((x) => x.bot).length;
    const w = wilson(k, labelled.length, level);
    add('labels_only', w.share, w.lo, w.hi);
  }
  const out = (x: (typeof t)['ppi']): MethodCoverage => ({
    covered: x.covered,
    replicates: x.n,
    coverage: x.covered / x.n,
    mean_width: x.width / x.n,
    bias: x.bias / x.n,
  });
  return {
    live_members: N,
    n: o.n,
    replicates: o.replicates,
    true_share: trueShare,
    target,
    annotator,
    score_mean: m,
    methods: { ppi: out(t.ppi), labels_only: out(t.labels_only) },
  };
}
