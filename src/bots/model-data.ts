/**
 * Are bots in the follower model's data, and what does that do? For notebook 05.
 *
 * The model table (src/followers/prepare.ts) keeps live members with a stated sex, a first
 * name and a follower count; nothing removes bots, on purpose: removing the members a
 * score flags would be classify-and-count, its false positives and misses carried into the
 * sample. So the bots are in, and the effects describe the followers as they are. What
 * that does is computed here from what is known: the bot score over the modelled rows and,
 * for a synthetic community, the truth.
 */
import type { ColumnTable } from 'arquero';
import { readNumber } from '../audit/columns';
import { botsAudit } from './audit-section';
import type { BotTruth } from './study';

export interface BotsInModel {
  live: number;
  modelled: number;
  /** Mean bot score over modelled rows and over all live members; null without the score. */
  score: { modelled: number; live: number } | null;
  scoreReason: string | null;
  /** From the truth (synthetic only). */
  truth: {
    bots: number;
    share: number;
    medianFollowers: { bots: number; humans: number };
  } | null;
}

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function botsInModel(
  input: { table: ColumnTable },
  modelledIds: ArrayLike<number>,
  opts: { truth?: BotTruth } = {},
): BotsInModel {
  const audit = botsAudit(input);
  const live = audit.live;
  const modelled = new Set(Array.from(modelledIds));
  let score: BotsInModel['score'] = null;
  if (audit.scores) {
    let sum = 0;
    let sumModelled = 0;
    let nModelled = 0;
    for (let k = 0; k < live.ids.length; k++) {
      sum += audit.scores[k];
      if (modelled.has(live.ids[k])) {
        sumModelled += audit.scores[k];
        nModelled++;
      }
    }
    score = { modelled: nModelled > 0 ? sumModelled / nModelled : NaN, live: sum / live.ids.length };
  }
  let truth: BotsInModel['truth'] = null;
  if (opts.truth) {
    const followers = readNumber(input.table, 'followers_count', 'bots in the model');
    const botF: number[] = [];
    const humanF: number[] = [];
    for (let k = 0; k < live.ids.length; k++) {
      if (!modelled.has(live.ids[k])) continue;
      (opts.truth.isBot(live.ids[k]) ? botF : humanF).push(followers[live.rows[k]]);
    }
    truth = {
      bots: botF.length,
      share: botF.length / Math.max(1, botF.length + humanF.length),
      medianFollowers: { bots: median(botF), humans: median(humanF) },
    };
  }
  const section = audit.section;
  return {
    live: live.ids.length,
    modelled: modelled.size,
    score,
    scoreReason: section.available ? (section.score_unavailable?.reason ?? null) : section.reason,
    truth,
  };
}

const pct = (x: number, d = 1): string => (Number.isFinite(x) ? `${(100 * x).toFixed(d)}%` : 'n/a');
const int = (x: number): string => x.toLocaleString('en-US');

export function botsInModelMarkdown(b: BotsInModel): string {
  const parts = [
    `**Bots are in the model's data.** The model table keeps ${int(b.modelled)} of the ${int(b.live)} live members ` +
      `(${pct(b.modelled / b.live)}); none is removed for looking like a bot, because dropping the members a score ` +
      'flags would carry its errors into the sample (classify-and-count). The effects below therefore describe the ' +
      'followers as they are, bots included: a feature bots share with few followers (no photo, no stated details) ' +
      'looks more strongly tied to few followers than it is among people.',
  ];
  if (b.truth) {
    parts.push(
      `In this synthetic community ${int(b.truth.bots)} of the modelled rows are bots (${pct(b.truth.share, 2)}), ` +
        `with a median of ${int(b.truth.medianFollowers.bots)} followers against ${int(b.truth.medianFollowers.humans)} for ` +
        'the humans.',
    );
  }
  if (b.score) {
    parts.push(
      `The bot score's mean is ${pct(b.score.modelled)} over the modelled rows and ${pct(b.score.live)} over all live ` +
        'members (a reading calibrated on other data, not a share: notebook 02 measures the share).',
    );
  } else if (b.scoreReason) {
    parts.push(`No bot score for this snapshot (${b.scoreReason}).`);
  }
  return parts.join(' ');
}
