/**
 * The bots section in words: the lines `npm run audit` prints, from the section the JSON
 * carries (so the printed and the written numbers cannot differ).
 */
import type { Accuracy, BotsSection } from './audit-section';
import type { ShareInterval } from './share';

const pct = (x: number | null): string =>
  x === null || !Number.isFinite(x) ? 'n/a' : `${(100 * x).toFixed(1)}%`;
const range = (iv: ShareInterval): string => `${pct(iv.lo)}–${pct(iv.hi)}`;
const int = (x: number): string => x.toLocaleString('en-US');
const rate = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
const rateRange = (iv: ShareInterval): string => `${rate(iv.lo)}–${rate(iv.hi)}`;

function accuracyLine(name: string, a: Accuracy): string {
  const t = a.training;
  const c = a.this_community;
  return (
    `  ${name}: ${rate(t.estimate)} (${rateRange(t)}) out of fold on ${int(t.of)} labelled profiles of other VK users` +
    (c === null
      ? '; not measured on this community'
      : `; ${rate(c.estimate)} on this community's labelled sample (${c.of > 0 ? `${rateRange(c)}, ` : ''}${int(c.of)} labelled ${name === 'sensitivity' ? 'bot' : 'human'})`)
  );
}

/** The audit's printed bots section. */
export function botsLines(b: BotsSection): string[] {
  const head = `Bots (denominator: the ${int(b.live_members)} live members; deleted and banned are counted above and never scored)`;
  if (!b.available) return [head, `  no estimate: ${b.reason}`];
  const lines = [head];
  const level = `${Math.round(100 * b.level)}%`;
  const name = b.validated_on_this_community ? 'share of bots' : b.method;
  lines.push(`  ${name}: ${pct(b.estimate)} (${level} interval ${range(b)})`);
  lines.push(`  method: ${b.method_text}`);
  if (b.labelled !== null && b.labels_only !== null) {
    const l = b.labelled;
    lines.push(
      `  labels only: ${pct(b.labels_only.estimate)} (${level} Wilson interval ${range(b.labels_only)}); sample of ${int(l.sampled)}: ` +
        `${int(l.bot)} bot, ${int(l.human)} human, ${int(l.unsure)} unsure, ${int(l.not_labelled)} not labelled (labels from ${b.labels!.source})`,
    );
    if (b.unsure_as_bot && b.unsure_as_human) {
      lines.push(
        `  unsure: ${b.unsure_handling}; as bot ${pct(b.unsure_as_bot.estimate)} (${range(b.unsure_as_bot)}), ` +
          `as human ${pct(b.unsure_as_human.estimate)} (${range(b.unsure_as_human)})`,
      );
    } else {
      lines.push(`  unsure: ${b.unsure_handling}`);
    }
    if (b.labels!.skipped > 0) {
      lines.push(
        `  warning: ${int(b.labels!.skipped)} row(s) left blank above labelled ones; skipping members at will breaks the random sample (mark hard cases unsure)`,
      );
    }
  }
  if (b.sensitivity) lines.push(accuracyLine('sensitivity', b.sensitivity));
  if (b.specificity) lines.push(accuracyLine('specificity', b.specificity));
  if (b.score) {
    lines.push(
      `  the score's own reading: mean ${pct(b.score.mean)}; ${pct(b.score.flagged_share)} flagged at ${b.score.threshold.toFixed(3)} ` +
        '(classify-and-count, not an estimate)',
    );
  }
  const band = b.misclassification?.specificity_band ?? [];
  if (band.length > 0) {
    const shown = band.filter((p) => Math.round(p.specificity * 100) % 10 === 0 || p.specificity === 0.95);
    lines.push(
      `  bot-like share if the score's specificity on this community were: ` +
        shown.map((p) => `${p.specificity.toFixed(2)} → ${pct(p.estimate)} (${range(p)})`).join(', '),
    );
  }
  if (b.score_unavailable) lines.push(`  no bot score: ${b.score_unavailable.reason}`);
  return lines;
}
