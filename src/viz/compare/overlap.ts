/**
 * Audience overlap as a heatmap: the cell in row A, column B is the share of A's members
 * who also follow B (so rows read "of A's audience, how much is also B's"; the matrix is
 * not symmetric when sizes differ). Hover adds the members in common and the Jaccard index.
 */
import { BASE_CONFIG, baseLayout, type Figure } from '../theme';
import { OKABE_ITO } from '../palette';
import type { OverlapRow } from '../../compare/types';

export function overlapHeatmapFigure(keys: readonly string[], overlap: readonly OverlapRow[]): Figure {
  if (keys.length < 2) throw new Error('overlapHeatmapFigure: needs at least two communities.');
  const k = keys.length;
  const z: (number | null)[][] = keys.map(() => keys.map(() => null));
  const text: string[][] = keys.map(() => keys.map(() => ''));
  const hover: string[][] = keys.map((r) =>
    keys.map((c) => (r === c ? `${r}` : `${r} × ${c}: not measured`)),
  );
  const at = (key: string): number => {
    const i = keys.indexOf(key);
    if (i < 0)
      throw new Error(`overlapHeatmapFigure: overlap row names "${key}", not among ${keys.join(', ')}.`);
    return i;
  };
  for (const o of overlap) {
    const i = at(o.a);
    const j = at(o.b);
    if (!Number.isFinite(o.share_of_a_in_b)) {
      hover[i][j] = hover[j][i] = `${o.a} × ${o.b}: ${o.note ?? 'not available'}`;
      continue;
    }
    const est = o.exact ? '' : ' (estimated from a sample)';
    const common = o.common.toLocaleString('en-US');
    z[i][j] = 100 * o.share_of_a_in_b;
    z[j][i] = 100 * o.share_of_b_in_a;
    text[i][j] = `${(100 * o.share_of_a_in_b).toFixed(1)}%`;
    text[j][i] = `${(100 * o.share_of_b_in_a).toFixed(1)}%`;
    hover[i][j] =
      `${text[i][j]} of ${o.a}'s members also follow ${o.b}${est}<br>${common} in common, Jaccard ${o.jaccard.toFixed(3)}`;
    hover[j][i] =
      `${text[j][i]} of ${o.b}'s members also follow ${o.a}${est}<br>${common} in common, Jaccard ${o.jaccard.toFixed(3)}`;
  }
  const layout = baseLayout({
    title: 'Audience overlap: share of the row community’s members who also follow the column’s',
    x: { title: 'Also follows', unit: 'community', type: 'category' },
    y: { title: 'Members of', unit: 'community', type: 'category' },
    height: Math.max(380, 140 + 60 * k),
    showLegend: false,
  });
  (layout.yaxis as Record<string, unknown>).autorange = 'reversed';
  return {
    data: [
      {
        type: 'heatmap',
        x: [...keys],
        y: [...keys],
        z,
        text,
        texttemplate: '%{text}',
        hovertext: hover,
        hovertemplate: '%{hovertext}<extra></extra>',
        zmin: 0,
        zmax: 100,
        colorscale: [
          [0, '#f4f8fb'],
          [1, OKABE_ITO.blue],
        ],
        colorbar: { title: { text: '% of row' } },
        xgap: 2,
        ygap: 2,
      },
    ],
    layout,
    config: { ...BASE_CONFIG },
  };
}
