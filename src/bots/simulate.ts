/**
 * Coverage by simulation: does a 95% interval contain the community's true bot share 95%
 * of the time?
 *
 * A world has a training population (where the score is fitted and its Se/Sp validated)
 * and a community (where the share is estimated). Profiles have five features: four flags
 * (photo, city, birth date shown, status set) and ln(1 + followers). Bots and humans draw
 * them from different distributions; a "shift" gives the community's bots more human-like
 * profiles than the training bots (better-made bots) and its humans fewer followers than
 * the training humans (ordinary followers, not a local cohort). A ridge logistic score is
 * fitted on the training population; its threshold and validation counts come from a
 * separate validation draw of that population, as data/bots/scorer.json's do.
 *
 * Each replicate draws a community of N live members with true share p, scores it,
 * labels a simple random sample of n from the truth, and records whether each interval
 * covers the community's realised share.
 */
import { Rng } from '../util/rng';
import { fitLogistic, logisticProbability, type LogisticFit } from './fit/logistic';
import { bestThreshold, confusion } from './fit/metrics';
import { misclassificationPosterior, roganGladenInterval } from './misclassification';
import { ppiMean, scoreMean } from './ppi';
import { sampleWithoutReplacement } from './label-sample';
import { labelsOnly, type ShareInterval } from './share';
import type { ValidationCounts } from './scorer';

export interface Profile {
  x: number[];
  bot: boolean;
}

export interface PopulationSpec {
  /** P(flag = 1) for humans and bots, per flag. */
  humanFlags: readonly number[];
  botFlags: readonly number[];
  /** ln(1 + followers) ~ Normal(mean, sd). */
  humanFollowers: { mean: number; sd: number };
  botFollowers: { mean: number; sd: number };
}

/** Training-like population: bots with few followers and sparse profiles (as in the labelled data). */
export const TRAINING_POPULATION: PopulationSpec = {
  humanFlags: [0.95, 0.85, 0.78, 0.5],
  botFlags: [0.85, 0.5, 0.85, 0.1],
  humanFollowers: { mean: 6.5, sd: 1.3 },
  botFollowers: { mean: 3.6, sd: 1.2 },
};

/** A community unlike the training data: human-like bots, humans with fewer followers. */
export const SHIFTED_COMMUNITY: PopulationSpec = {
  humanFlags: [0.9, 0.8, 0.75, 0.4],
  botFlags: [0.95, 0.7, 0.8, 0.25],
  humanFollowers: { mean: 5.5, sd: 1.5 },
  botFollowers: { mean: 4.3, sd: 1.3 },
};

export function drawProfile(rng: Rng, spec: PopulationSpec, bot: boolean): Profile {
  const flags = bot ? spec.botFlags : spec.humanFlags;
  const f = bot ? spec.botFollowers : spec.humanFollowers;
  return {
    x: [...flags.map((p) => (rng.uniform() < p ? 1 : 0)), Math.max(0, f.mean + f.sd * rng.normal())],
    bot,
  };
}

export function drawPopulation(rng: Rng, spec: PopulationSpec, n: number, share: number): Profile[] {
  return Array.from({ length: n }, () => drawProfile(rng, spec, rng.uniform() < share));
}

export interface TrainedScore {
  fit: LogisticFit;
  threshold: number;
  validation: ValidationCounts;
}

/** Counts at the threshold on a fresh validation draw (as big as the labelled data's). */
export function validate(
  rng: Rng,
  fit: LogisticFit,
  threshold: number,
  spec: PopulationSpec,
): ValidationCounts {
  const val = drawPopulation(rng, spec, 2900, 0.16);
  const c = confusion(
    val.map((p) => logisticProbability(fit, p.x)),
    val.map((p) => p.bot),
    threshold,
  );
  return {
    bots: c.bots,
    bots_flagged: c.bots_flagged,
    humans: c.humans,
    humans_not_flagged: c.humans_not_flagged,
  };
}

/** Fits the score on a training draw; the threshold from a separate draw of the same population. */
export function trainScore(rng: Rng, spec: PopulationSpec = TRAINING_POPULATION): TrainedScore {
  const train = drawPopulation(rng, spec, 2500, 0.16);
  const fit = fitLogistic(
    train.map((p) => p.x),
    train.map((p) => (p.bot ? 1 : 0)),
    { lambda: 1e-3 },
  );
  const tune = drawPopulation(rng, spec, 2900, 0.16);
  const threshold = bestThreshold(
    tune.map((p) => logisticProbability(fit, p.x)),
    tune.map((p) => p.bot),
  );
  return { fit, threshold, validation: validate(rng, fit, threshold, spec) };
}

export interface CoverageOptions {
  community: PopulationSpec;
  /** Live members of the community. */
  N: number;
  /** Labelled sample size. */
  n: number;
  share: number;
  replicates: number;
  seed: number;
  /** Posterior draws for the no-label estimator (0: skip it). */
  posteriorDraws?: number;
  /**
   * Draw a new community per replicate (default). False keeps one community (e.g. 2.1M
   * members) and redraws only the labelled sample and the validation data: the share's
   * uncertainty then comes from what is random in practice, the sample and the validation.
   */
  redrawCommunity?: boolean;
}

export interface MethodCoverage {
  covered: number;
  replicates: number;
  coverage: number;
  mean_width: number;
  /** Mean of estimate - truth. */
  bias: number;
}

export interface CoverageResult {
  options: CoverageOptions;
  score: { threshold: number; validation: ValidationCounts };
  /** Mean over replicates of the community's Se and Sp at the threshold (what the validation should have said). */
  community_sensitivity: number;
  community_specificity: number;
  methods: Record<
    'ppi_tuned' | 'ppi' | 'ppi_flag' | 'labels_only' | 'rogan_gladen' | 'bayes',
    MethodCoverage
  >;
}

function tally(): { covered: number; width: number; bias: number; n: number } {
  return { covered: 0, width: 0, bias: 0, n: 0 };
}

/** Runs the replicates; the score is trained once per run on the training population. */
export function simulateCoverage(o: CoverageOptions): CoverageResult {
  const rng = new Rng(o.seed);
  const trained = trainScore(rng);
  const acc = {
    ppi_tuned: tally(),
    ppi: tally(),
    ppi_flag: tally(),
    labels_only: tally(),
    rogan_gladen: tally(),
    bayes: tally(),
  };
  let se = 0;
  let sp = 0;
  let seSum = 0;
  let spSum = 0;
  const add = (k: keyof typeof acc, iv: ShareInterval, truth: number): void => {
    const a = acc[k];
    a.n++;
    if (iv.lo <= truth && truth <= iv.hi) a.covered++;
    a.width += iv.hi - iv.lo;
    a.bias += iv.estimate - truth;
  };
  let community: Profile[] = [];
  let scores: number[] = [];
  let flags: number[] = [];
  let truth = NaN;
  let m = NaN;
  let mFlags = NaN;
  for (let r = 0; r < o.replicates; r++) {
    const rr = Rng.forKey(o.seed, r + 1);
    if (r === 0 || o.redrawCommunity !== false) {
      community = drawPopulation(rr, o.community, o.N, o.share);
      scores = community.map((p) => logisticProbability(trained.fit, p.x));
      flags = scores.map((s) => (s >= trained.threshold ? 1 : 0));
      truth = community.filter((p) => p.bot).length / o.N;
      m = scoreMean(scores);
      mFlags = scoreMean(flags);
      const c = confusion(
        scores,
        community.map((p) => p.bot),
        trained.threshold,
      );
      se = c.bots > 0 ? c.sensitivity : 0;
      sp = c.specificity;
    }
    seSum += se;
    spSum += sp;
    const validation =
      r === 0 ? trained.validation : validate(rr, trained.fit, trained.threshold, TRAINING_POPULATION);
    const idx = sampleWithoutReplacement(o.N, o.n, rr);
    const sample = idx.map((i) => ({ score: scores[i], bot: community[i].bot }));
    const asIv = (x: { estimate: number; lo: number; hi: number }): ShareInterval => x;
    add('ppi_tuned', asIv(ppiMean({ scoreMeanAll: m, N: o.N, labelled: sample, lambda: 'tuned' })), truth);
    add('ppi', asIv(ppiMean({ scoreMeanAll: m, N: o.N, labelled: sample, lambda: 1 })), truth);
    const flagSample = idx.map((i) => ({ score: flags[i], bot: community[i].bot }));
    add(
      'ppi_flag',
      asIv(ppiMean({ scoreMeanAll: mFlags, N: o.N, labelled: flagSample, lambda: 'tuned' })),
      truth,
    );
    add('labels_only', labelsOnly(sample), truth);
    const flagged = { flagged: flags.reduce((a: number, b) => a + b, 0), N: o.N };
    add('rogan_gladen', roganGladenInterval(flagged, validation), truth);
    if ((o.posteriorDraws ?? 4000) > 0) {
      try {
        const post = misclassificationPosterior(flagged, validation, {
          draws: o.posteriorDraws ?? 4000,
          seed: r + 1,
        });
        add('bayes', post, truth);
      } catch {
        // No share fits the flags: counts as not covered (the interval is empty).
        acc.bayes.n++;
      }
    }
  }
  const summary = (a: ReturnType<typeof tally>): MethodCoverage => ({
    covered: a.covered,
    replicates: a.n,
    coverage: a.n > 0 ? a.covered / a.n : NaN,
    mean_width: a.n > 0 ? a.width / a.n : NaN,
    bias: a.n > 0 ? a.bias / a.n : NaN,
  });
  return {
    options: o,
    score: { threshold: trained.threshold, validation: trained.validation },
    community_sensitivity: seSum / o.replicates,
    community_specificity: spSum / o.replicates,
    methods: {
      ppi_tuned: summary(acc.ppi_tuned),
      ppi: summary(acc.ppi),
      ppi_flag: summary(acc.ppi_flag),
      labels_only: summary(acc.labels_only),
      rogan_gladen: summary(acc.rogan_gladen),
      bayes: summary(acc.bayes),
    },
  };
}
