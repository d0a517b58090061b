/**
 * Transfer: fit on one population, score another that differs, and see what happens to
 * the figures. The labelled data hold distinct sub-populations to play this out:
 * humans from Saint Petersburg vs elsewhere (the humans are a local cohort), humans with
 * many vs few followers (ordinary followers of a news community have fewer than this
 * cohort), and two kinds of bots (with the `status` key left out, and with it returned).
 */
import { Rng } from '../../util/rng';
import { fillMissing, selectAndFit } from './cross-validation';
import type { Learner } from './learners';
import { auc, confusion } from './metrics';
import type { StudyRecord } from './term-sets';
import type { Term } from '../features';

export interface Split {
  name: string;
  description: string;
  /** 'train', 'test' or null (left out) for each row. */
  side: ('train' | 'test' | null)[];
}

export interface TransferResult {
  name: string;
  description: string;
  train: { bots: number; humans: number };
  test: { bots: number; humans: number };
  auc: number;
  sensitivity: number;
  specificity: number;
  balanced_accuracy: number;
  /** Share flagged in the test population vs its true bot share: classify-and-count's error there. */
  flagged_share: number;
  true_share: number;
}

function halves(n: number, rng: Rng): boolean[] {
  const idx = [...Array(n).keys()];
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  const first = new Array<boolean>(n).fill(false);
  idx.slice(0, Math.floor(n / 2)).forEach((i) => (first[i] = true));
  return first;
}

/** The population splits studied; each class not defining the split is halved at random. */
export function transferSplits(
  records: readonly StudyRecord[],
  bot: readonly boolean[],
  seed: number,
): Split[] {
  const n = records.length;
  const half = halves(n, new Rng(seed));
  const openFollowers = records.map((r) => (r.f.closed === true ? null : r.f.log_followers));
  const humanFollowers = openFollowers.filter((v, i) => v !== null && !bot[i]) as number[];
  const sorted = [...humanFollowers].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const spb = (i: number): boolean => records[i].city_title === 'Saint Petersburg';
  return [
    {
      name: 'humans_elsewhere',
      description: 'fit on humans from Saint Petersburg, score humans from elsewhere (bots halved at random)',
      side: records.map((_, i) => (bot[i] ? (half[i] ? 'train' : 'test') : spb(i) ? 'train' : 'test')),
    },
    {
      name: 'humans_fewer_followers',
      description: `fit on humans with followers above the human median (${Math.round(Math.expm1(median))}), score those below (closed profiles and bots halved at random)`,
      side: records.map((_, i) => {
        if (bot[i] || openFollowers[i] === null) return half[i] ? 'train' : 'test';
        return (openFollowers[i] as number) > median ? 'train' : 'test';
      }),
    },
    {
      name: 'bots_other_kind',
      description:
        'fit on bots whose status VK left out, score bots with a status returned (humans halved at random)',
      side: records.map((r, i) =>
        bot[i] ? (r.f.status === 'absent' ? 'train' : 'test') : half[i] ? 'train' : 'test',
      ),
    },
    {
      name: 'bots_other_kind_reversed',
      description:
        'fit on bots with a status returned, score bots whose status VK left out (humans halved at random)',
      side: records.map((r, i) =>
        bot[i] ? (r.f.status === 'absent' ? 'test' : 'train') : half[i] ? 'train' : 'test',
      ),
    },
  ];
}

export function runTransfer(
  records: readonly StudyRecord[],
  bot: readonly boolean[],
  terms: readonly Term<StudyRecord>[],
  learner: Learner,
  split: Split,
  seed: number,
): TransferResult {
  const rows = records.map((r) => terms.map((t) => t.value(r)));
  const train = [...rows.keys()].filter((i) => split.side[i] === 'train');
  const test = [...rows.keys()].filter((i) => split.side[i] === 'test');
  const sel = selectAndFit(
    train.map((i) => rows[i]),
    train.map((i) => bot[i]),
    learner,
    5,
    seed,
  );
  const p = test.map((i) => sel.fitted.predict(fillMissing(rows[i], sel.impute)));
  const b = test.map((i) => bot[i]);
  const c = confusion(p, b, sel.threshold);
  const count = (idx: number[]): { bots: number; humans: number } => {
    const bots = idx.filter((i) => bot[i]).length;
    return { bots, humans: idx.length - bots };
  };
  return {
    name: split.name,
    description: split.description,
    train: count(train),
    test: count(test),
    auc: auc(p, b),
    sensitivity: c.sensitivity,
    specificity: c.specificity,
    balanced_accuracy: c.balanced_accuracy,
    flagged_share: p.filter((x) => x >= sel.threshold).length / p.length,
    true_share: c.bots / p.length,
  };
}
