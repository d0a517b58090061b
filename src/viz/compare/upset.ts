/**
 * An UpSet-style chart (Lex et al. 2014) of shared audiences: bars for the members who
 * follow exactly one combination of communities, and under each bar a matrix of dots
 * saying which communities the combination holds. Clearer than a Venn diagram beyond
 * three sets, and every bar is an exact count.
 */
import { BASE_CONFIG, baseLayout, type Figure } from '../theme';
import { OKABE_ITO } from '../palette';
import type { UpsetData } from '../../compare/upset';

export function upsetFigure(u: UpsetData, maxBars = 20): Figure {
  const shown = u.intersections.slice(0, maxBars);
  if (shown.length === 0) throw new Error('upsetFigure: no members in any community.');
  const cols = shown.map((_, i) => i);
  const names = u.sets.map((s) => `${s.key} (${s.size.toLocaleString('en-US')})`);
  const dotsIn: { x: number[]; y: string[] } = { x: [], y: [] };
  const dotsOut: { x: number[]; y: string[] } = { x: [], y: [] };
  const lines: Record<string, unknown>[] = [];
  shown.forEach((s, c) => {
    const inRows: string[] = [];
    u.sets.forEach((_, r) => {
      const target = s.mask & (1 << r) ? dotsIn : dotsOut;
      target.x.push(c);
      target.y.push(names[r]);
      if (s.mask & (1 << r)) inRows.push(names[r]);
    });
    if (inRows.length > 1) {
      lines.push({
        type: 'scatter',
        mode: 'lines',
        x: inRows.map(() => c),
        y: inRows,
        xaxis: 'x',
        yaxis: 'y2',
        line: { color: OKABE_ITO.black, width: 3 },
        hoverinfo: 'skip',
        showlegend: false,
      });
    }
  });
  const layout = baseLayout({
    title: `Shared audiences: members of exactly these communities (${shown.length} of ${u.intersections.length} combinations; union ${u.union.toLocaleString('en-US')})`,
    x: { title: 'Combination', unit: 'dots below: the communities it holds', type: 'category' },
    y: { title: 'Members', unit: 'count' },
    height: 460 + 28 * u.sets.length,
    showLegend: false,
  });
  layout.xaxis = { ...(layout.xaxis as object), showticklabels: false, anchor: 'y2' };
  layout.yaxis = { ...(layout.yaxis as object), domain: [0.42, 1] };
  layout.yaxis2 = {
    domain: [0, 0.36],
    type: 'category',
    categoryorder: 'array',
    categoryarray: [...names].reverse(),
    automargin: true,
    title: { text: 'Community (members)' },
  };
  return {
    data: [
      {
        type: 'bar',
        x: cols,
        y: shown.map((s) => s.count),
        marker: { color: OKABE_ITO.blue },
        customdata: shown.map((s) => s.sets.join(' + ')),
        hovertemplate: 'only %{customdata}: %{y:,} members<extra></extra>',
        text: shown.map((s) => s.count.toLocaleString('en-US')),
        textposition: 'outside',
        cliponaxis: false,
      },
      ...lines,
      {
        type: 'scatter',
        mode: 'markers',
        x: dotsOut.x,
        y: dotsOut.y,
        xaxis: 'x',
        yaxis: 'y2',
        marker: { color: '#dddddd', size: 13 },
        hoverinfo: 'skip',
      },
      {
        type: 'scatter',
        mode: 'markers',
        x: dotsIn.x,
        y: dotsIn.y,
        xaxis: 'x',
        yaxis: 'y2',
        marker: { color: OKABE_ITO.black, size: 13 },
        hoverinfo: 'skip',
      },
    ],
    layout,
    config: { ...BASE_CONFIG },
  };
}
