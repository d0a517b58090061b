/**
 * Figures for notebook 02 (status and quality): shares with their Wilson intervals, the
 * quality signals' prevalence, and the score's distribution. Built on the shared theme
 * and palette (src/viz/figures.ts, palette.ts) so colours match every other chart.
 */
import { barFigure } from '../figures';
import { STATUS_COLORS, type StatusCategory } from '../palette';
import type { Figure } from '../theme';

export interface StatusShareRow {
  status: string;
  label: string;
  count: number;
  share: number;
  lo: number;
  hi: number;
}

const toPct = (x: number): number => 100 * x;

/** Horizontal bars: share of all members per status, with 95% Wilson intervals. */
export function statusSharesFigure(rows: readonly StatusShareRow[], n: number): Figure {
  const fig = barFigure({
    title: `Followers by status (N = ${n.toLocaleString('en-US')}; 95% Wilson intervals)`,
    categories: rows.map((r) => r.label),
    series: [
      {
        name: 'share of all members',
        values: rows.map((r) => toPct(r.share)),
        lower: rows.map((r) => toPct(r.lo)),
        upper: rows.map((r) => toPct(r.hi)),
      },
    ],
    x: { title: 'Share of all members', unit: '%', range: [0, 100] },
    y: { title: 'Status', unit: 'rule in notebook 02' },
    horizontal: true,
  });
  // Colour by status key (the labels are for reading), and say the count on hover.
  const trace = fig.data[0];
  trace.marker = { color: rows.map((r) => STATUS_COLORS[r.status as StatusCategory] ?? '#999999') };
  trace.customdata = rows.map((r) => [
    r.count.toLocaleString('en-US'),
    toPct(r.lo).toFixed(1),
    toPct(r.hi).toFixed(1),
  ]);
  trace.hovertemplate =
    '%{y}: %{x:.1f}% (%{customdata[0]} members; 95% CI %{customdata[1]}–%{customdata[2]}%)<extra></extra>';
  return fig;
}

export interface SignalRow {
  label: string;
  flagged: number;
  share: number;
  lo: number;
  hi: number;
}

/** Prevalence of each quality signal among live members. */
export function qualitySignalsFigure(rows: readonly SignalRow[], live: number): Figure {
  const sorted = [...rows].sort((a, b) => b.share - a.share);
  return barFigure({
    title: `Profile signals among ${live.toLocaleString('en-US')} live members`,
    categories: sorted.map((r) => r.label),
    series: [
      {
        name: 'share of live members',
        color: '#0072B2',
        values: sorted.map((r) => toPct(r.share)),
        lower: sorted.map((r) => toPct(r.lo)),
        upper: sorted.map((r) => toPct(r.hi)),
      },
    ],
    x: { title: 'Share of live members showing the signal', unit: '%', range: [0, 100] },
    y: { title: 'Signal', unit: 'definition in the table above' },
    horizontal: true,
  });
}

/** Distribution of the low-quality score (an indicator, not a fake rate). */
export function qualityScoreFigure(rows: readonly { score: number; count: number; share: number }[]): Figure {
  return barFigure({
    title: 'Low-quality score of live members (an indicator, not a fake rate)',
    categories: rows.map((r) => String(r.score)),
    series: [{ name: 'share of live members', color: '#E69F00', values: rows.map((r) => toPct(r.share)) }],
    x: { title: 'Score', unit: 'signals present', type: 'category' },
    y: { title: 'Live members', unit: '%' },
  });
}
