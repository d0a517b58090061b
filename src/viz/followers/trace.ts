/**
 * Trace plots of key parameters: post-warmup draws per chain against iteration, one
 * panel per parameter. Well-mixed chains overlap as one band with no trends. Chains are
 * thinned for drawing only (at most `maxPoints` per chain), never for any statistic.
 */
import { SERIES_COLORS } from '../palette';
import { BASE_CONFIG, baseLayout, type Figure } from '../theme';
import type { ChainResult } from '../../model/types';

export function traceFigure(
  chains: readonly ChainResult[],
  outputNames: readonly string[],
  parameters: readonly string[],
  opts: { title?: string; maxPoints?: number } = {},
): Figure {
  if (parameters.length === 0) throw new Error('trace plot: no parameters chosen.');
  const P = outputNames.length;
  const maxPoints = opts.maxPoints ?? 400;
  const base = baseLayout({
    title: opts.title ?? 'Trace plots of key parameters (post-warmup draws, one colour per chain)',
    x: { title: 'Iteration', unit: 'post-warmup draw' },
    y: { title: 'Value', unit: 'parameter scale' },
    height: 60 + 170 * parameters.length,
  });
  const layout: Record<string, unknown> = { ...base };
  const data: Record<string, unknown>[] = [];
  parameters.forEach((name, p) => {
    const j = outputNames.indexOf(name);
    if (j < 0) throw new Error(`trace plot: the fit reports no parameter "${name}".`);
    const k = p === 0 ? '' : String(p + 1);
    for (const c of chains) {
      const step = Math.max(1, Math.ceil(c.nDraws / maxPoints));
      const x: number[] = [];
      const y: number[] = [];
      for (let i = 0; i < c.nDraws; i += step) {
        x.push(i + 1);
        y.push(c.draws[i * P + j]);
      }
      data.push({
        type: 'scatter',
        mode: 'lines',
        name: `chain ${c.chain}`,
        legendgroup: `chain ${c.chain}`,
        showlegend: p === 0,
        xaxis: `x${k}`,
        yaxis: `y${k}`,
        x,
        y,
        line: { color: SERIES_COLORS[(c.chain - 1) % SERIES_COLORS.length], width: 1 },
        opacity: 0.8,
      });
    }
    layout[`xaxis${k}`] = {
      ...(base.xaxis as Record<string, unknown>),
      title: p === parameters.length - 1 ? (base.xaxis as Record<string, unknown>).title : undefined,
    };
    layout[`yaxis${k}`] = {
      ...(base.yaxis as Record<string, unknown>),
      title: { text: name, font: { size: 12 } },
    };
  });
  layout.grid = { rows: parameters.length, columns: 1, pattern: 'independent', ygap: 0.3 };
  layout.margin = { l: 110, r: 20, t: 60, b: 90 };
  return { data, layout, config: { ...BASE_CONFIG } };
}
