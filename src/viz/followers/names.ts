/**
 * First-name effects of the follower model.
 *  - `nameRankFigure`: the names with the largest and smallest effects, as multiplicative
 *    effects with 95% intervals, members per name in the label.
 *  - `shrinkageFigure`: every name's effect against its number of members (log axes):
 *    the no-pooling estimate (open grey) joined to the model's estimate (filled): names
 *    with few members are pulled strongly towards ×1, names with many barely move.
 */
import { OKABE_ITO } from '../palette';
import { BASE_CONFIG, baseLayout, type Figure } from '../theme';
import type { NameEffect } from '../../followers/names';

const fmtN = (n: number): string => n.toLocaleString('en-US');

export function nameRankFigure(
  top: readonly NameEffect[],
  bottom: readonly NameEffect[],
  opts: { title?: string; truth?: ReadonlyMap<string, number> } = {},
): Figure {
  const rows = [...top, ...bottom];
  if (rows.length === 0)
    throw new Error('name effects: no first names to show (the model table has no named level).');
  const labels = rows.map((r) => `${r.name} (${fmtN(r.members)} members)`);
  const x = rows.map((r) => Math.exp(r.estimate));
  const group = rows.map((_, i) => (i < top.length ? 'highest' : 'lowest'));
  const data: Record<string, unknown>[] = [
    {
      type: 'scatter',
      mode: 'markers',
      name: 'posterior mean with 95% interval',
      x,
      y: labels,
      marker: {
        size: 9,
        color: group.map((g) => (g === 'highest' ? OKABE_ITO.blue : OKABE_ITO.orange)),
        line: { color: '#222', width: 1 },
      },
      error_x: {
        type: 'data',
        symmetric: false,
        array: rows.map((r, i) => Math.exp(r.upper) - x[i]),
        arrayminus: rows.map((r, i) => x[i] - Math.exp(r.lower)),
        color: '#444',
        thickness: 1.5,
        width: 0,
      },
      hovertemplate: '%{y}<br>×%{x:.3f}<extra></extra>',
    },
  ];
  if (opts.truth) {
    const withTruth = rows.filter((r) => opts.truth!.has(r.name));
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: 'true value (synthetic generator)',
      x: withTruth.map((r) => Math.exp(opts.truth!.get(r.name)!)),
      y: withTruth.map((r) => `${r.name} (${fmtN(r.members)} members)`),
      marker: {
        symbol: 'x-thin',
        size: 11,
        line: { width: 2.5, color: OKABE_ITO.vermillion },
        color: OKABE_ITO.vermillion,
      },
    });
  }
  const layout = baseLayout({
    title:
      opts.title ??
      `First names with the highest and lowest effects (top ${top.length}, bottom ${bottom.length})`,
    x: { title: 'Name effect on expected followers', unit: '× vs an average name, log axis', type: 'log' },
    y: { title: 'First name', unit: 'members in the model' },
    height: 140 + 26 * rows.length,
  });
  Object.assign(layout.yaxis as Record<string, unknown>, { autorange: 'reversed', type: 'category' });
  layout.shapes = [
    {
      type: 'line',
      xref: 'x',
      x0: 1,
      x1: 1,
      yref: 'paper',
      y0: 0,
      y1: 1,
      line: { color: '#222', width: 1.2, dash: 'dot' },
    },
    ...(top.length > 0 && bottom.length > 0
      ? [
          {
            type: 'line',
            xref: 'paper',
            x0: 0,
            x1: 1,
            yref: 'y',
            y0: top.length - 0.5,
            y1: top.length - 0.5,
            line: { color: '#999', width: 1 },
          },
        ]
      : []),
  ];
  layout.margin = { l: 230, r: 30, t: 60, b: 90 };
  return { data, layout, config: { ...BASE_CONFIG } };
}

export function shrinkageFigure(effects: readonly NameEffect[], opts: { title?: string } = {}): Figure {
  const named = effects.filter((e) => !e.pooled && e.members > 0);
  if (named.length === 0) throw new Error('shrinkage plot: no named first-name levels to show.');
  // One trace of segments (null-separated) from the no-pooling to the model estimate.
  const segX: (number | null)[] = [];
  const segY: (number | null)[] = [];
  for (const e of named) {
    segX.push(e.members, e.members, null);
    segY.push(Math.exp(e.raw), Math.exp(e.estimate), null);
  }
  const data: Record<string, unknown>[] = [
    {
      type: 'scatter',
      mode: 'lines',
      name: 'shrinkage',
      x: segX,
      y: segY,
      line: { color: 'rgba(0,0,0,0.25)', width: 1 },
      hoverinfo: 'skip',
      showlegend: false,
    },
    {
      type: 'scatter',
      mode: 'markers',
      name: 'no pooling: observed / expected from traits',
      x: named.map((e) => e.members),
      y: named.map((e) => Math.exp(e.raw)),
      text: named.map((e) => e.name),
      marker: { symbol: 'circle-open', size: 7, color: OKABE_ITO.grey },
      hovertemplate: '%{text}: %{x} members<br>no pooling ×%{y:.2f}<extra></extra>',
    },
    {
      type: 'scatter',
      mode: 'markers',
      name: 'multilevel model (partial pooling)',
      x: named.map((e) => e.members),
      y: named.map((e) => Math.exp(e.estimate)),
      text: named.map((e) => e.name),
      marker: { size: 7, color: OKABE_ITO.blue },
      hovertemplate: '%{text}: %{x} members<br>model ×%{y:.2f}<extra></extra>',
    },
  ];
  const layout = baseLayout({
    title: opts.title ?? 'Shrinkage: names with few members are pulled towards no effect',
    x: { title: 'Members with this first name', unit: 'count, log axis', type: 'log' },
    y: { title: 'Name effect on expected followers', unit: '×, log axis', type: 'log' },
    height: 480,
  });
  layout.shapes = [
    {
      type: 'line',
      xref: 'paper',
      x0: 0,
      x1: 1,
      yref: 'y',
      y0: 1,
      y1: 1,
      line: { color: '#222', width: 1.2, dash: 'dot' },
    },
  ];
  return { data, layout, config: { ...BASE_CONFIG } };
}
