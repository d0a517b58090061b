/**
 * A simulated annotator: labels a sample from a known truth with stated error rates, so the
 * synthetic study can show the estimate against the true share.
 *
 * Real labellers err, and not symmetrically: people call many ordinary VK accounts bots
 * (docs/bots.md, "Limits"), and miss well-made bots. The simulation states both rates and
 * a rate of `unsure` answers. Unsure is drawn independently of the truth, so leaving unsure
 * members out is missing-at-random here (the estimate's assumption, which a real labeller
 * need not meet). Each member's label depends only on (seed, id), not on the order the
 * sample is labelled in.
 *
 * What PPI then estimates is the share the annotator would call bots,
 *   p (1 - bot_as_human) + (1 - p) human_as_bot   (among decided labels),
 * not the true share p: `expectedLabelledShare` gives it, so a page can show both.
 */
import { Rng } from '../util/rng';
import type { Label } from './share';

export interface AnnotatorSpec {
  /** P(label "human" | bot, decided). */
  bot_as_human: number;
  /** P(label "bot" | human, decided). */
  human_as_bot: number;
  /** P(label "unsure"), whatever the truth. */
  unsure: number;
  seed: number;
}

/**
 * The default study's annotator: misses one bot in ten, calls one human in fifty a bot,
 * and is unsure of one member in twenty. Assumed values, stated on the page, not measured.
 */
export const DEFAULT_ANNOTATOR: AnnotatorSpec = {
  bot_as_human: 0.1,
  human_as_bot: 0.02,
  unsure: 0.05,
  seed: 1,
};

function checkRate(name: string, x: number): void {
  if (!(x >= 0 && x < 1)) throw new Error(`annotator: ${name} must be a rate in [0, 1), got ${x}`);
}

export function checkAnnotator(a: AnnotatorSpec): void {
  checkRate('bot_as_human', a.bot_as_human);
  checkRate('human_as_bot', a.human_as_bot);
  checkRate('unsure', a.unsure);
  if (a.bot_as_human + a.human_as_bot >= 1)
    throw new Error('annotator: bot_as_human + human_as_bot must be below 1 (else labels carry no signal)');
  if (!Number.isInteger(a.seed)) throw new Error(`annotator: seed must be an integer, got ${a.seed}`);
}

/** The label the annotator gives member `id` whose truth is `bot`. */
export function annotate(a: AnnotatorSpec, id: number, bot: boolean): Label {
  const r = Rng.forKey(a.seed, id);
  if (r.uniform() < a.unsure) return 'unsure';
  const wrong = r.uniform() < (bot ? a.bot_as_human : a.human_as_bot);
  return bot !== wrong ? 'bot' : 'human';
}

/** Labels for the ids, truth from `isBot` (e.g. the synthetic community's truth). */
export function simulateLabels(
  ids: readonly number[],
  isBot: (id: number) => boolean,
  a: AnnotatorSpec = DEFAULT_ANNOTATOR,
): Label[] {
  checkAnnotator(a);
  return ids.map((id) => annotate(a, id, isBot(id)));
}

/** The share of bots among decided labels the annotator gives in expectation, at true share p. */
export function expectedLabelledShare(p: number, a: AnnotatorSpec): number {
  return p * (1 - a.bot_as_human) + (1 - p) * a.human_as_bot;
}

/** The annotator in words, for the page that uses it. */
export function describeAnnotator(a: AnnotatorSpec): string {
  const pct = (x: number): string => `${+(100 * x).toFixed(2)}%`;
  return (
    `simulated annotator (seed ${a.seed}): labels a bot "human" ${pct(a.bot_as_human)} of the time and a human "bot" ` +
    `${pct(a.human_as_bot)} of the time, and answers "unsure" for ${pct(a.unsure)} of members, whatever they are`
  );
}
