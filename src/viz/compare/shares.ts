/**
 * Status shares of several communities side by side, each with its 95% interval (Wilson
 * for a census, design-based for a sample: src/compare/community.ts), and the differences
 * of one share between communities with their intervals.
 */
import { barFigure } from '../figures';
import { SERIES_COLORS } from '../palette';
import type { Figure } from '../theme';
import type { CommunitySummary, DifferenceRow } from '../../compare/types';

const pct = (x: number): number => 100 * x;

/** Grouped horizontal bars: one group per share, one bar per community, error bars from the intervals. */
export function sharesSideBySideFigure(
  communities: readonly CommunitySummary[],
  keys?: readonly string[],
): Figure {
  if (communities.length === 0) throw new Error('sharesSideBySideFigure: no communities to show.');
  const wanted = keys ?? communities[0].shares.map((s) => s.key);
  const labels = wanted.map((k) => {
    const s = communities[0].shares.find((x) => x.key === k);
    if (!s)
      throw new Error(
        `sharesSideBySideFigure: no share "${k}"; the shares are ${communities[0].shares.map((x) => x.key).join(', ')}.`,
      );
    return s.label;
  });
  const series = communities.map((c, i) => {
    const shares = wanted.map((k) => c.shares.find((s) => s.key === k)!);
    const ok = shares.map((s) => Number.isFinite(s.share));
    return {
      name: c.kind === 'sample' ? `${c.key} (sample)` : c.key,
      color: SERIES_COLORS[i % SERIES_COLORS.length],
      values: shares.map((s, j) => (ok[j] ? pct(s.share) : 0)),
      lower: shares.map((s, j) => (ok[j] ? pct(s.lo) : 0)),
      upper: shares.map((s, j) => (ok[j] ? pct(s.hi) : 0)),
    };
  });
  const fig = barFigure({
    title: 'Status shares by community (95% intervals)',
    categories: labels,
    series,
    x: { title: 'Share', unit: '% of the denominator in the hover', range: [0, 100] },
    y: { title: 'Share', unit: 'definition in notebook 02' },
    horizontal: true,
  });
  fig.data.forEach((trace, i) => {
    const c = communities[i];
    trace.customdata = wanted.map((k) => {
      const s = c.shares.find((x) => x.key === k)!;
      return [
        s.numerator.toLocaleString('en-US'),
        s.denominator.toLocaleString('en-US'),
        s.denominator_label,
        pct(s.lo).toFixed(1),
        pct(s.hi).toFixed(1),
        s.method,
      ];
    });
    trace.hovertemplate =
      `${c.key}: %{x:.1f}% (%{customdata[0]} of %{customdata[1]} %{customdata[2]}; ` +
      `95% CI %{customdata[3]}–%{customdata[4]}%, %{customdata[5]})<extra></extra>`;
  });
  fig.layout.height = Math.max(420, 90 + 26 * labels.length * communities.length);
  return fig;
}

/** Differences of one share for every pair, in percentage points, with their intervals and a zero line. */
export function differencesFigure(rows: readonly DifferenceRow[], key: string): Figure {
  const sel = rows.filter((r) => r.key === key && Number.isFinite(r.difference));
  if (sel.length === 0) throw new Error(`differencesFigure: no differences of "${key}" to show.`);
  const fig = barFigure({
    title: `Differences in ${sel[0].label} (a − b, 95% intervals)`,
    categories: sel.map((r) => `${r.a} − ${r.b}`),
    series: [
      {
        name: 'difference',
        color: SERIES_COLORS[0],
        values: sel.map((r) => pct(r.difference)),
        lower: sel.map((r) => pct(r.lo)),
        upper: sel.map((r) => pct(r.hi)),
      },
    ],
    x: { title: 'Difference', unit: 'percentage points' },
    y: { title: 'Pair', unit: 'community a − community b' },
    horizontal: true,
  });
  const trace = fig.data[0];
  trace.customdata = sel.map((r) => [pct(r.lo).toFixed(1), pct(r.hi).toFixed(1), r.method]);
  trace.hovertemplate =
    '%{y}: %{x:+.1f} points (95% CI %{customdata[0]} to %{customdata[1]}; %{customdata[2]})<extra></extra>';
  fig.layout.shapes = [
    { type: 'line', xref: 'x', yref: 'paper', x0: 0, x1: 0, y0: 0, y1: 1, line: { color: '#444', width: 1 } },
  ];
  return fig;
}
