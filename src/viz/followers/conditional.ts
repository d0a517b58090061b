/**
 * Conditional effects of the follower model (brms conditional_effects): one panel per
 * predictor, expected followers (median of posterior_epred, 95% interval) at each level,
 * every other predictor at its reference level and the first-name effect off. Panels
 * share the y scale so predictors can be compared with each other.
 */
import { OKABE_ITO } from '../palette';
import { BASE_CONFIG, baseLayout, type Figure } from '../theme';
import type { ConditionalEffect } from '../../model/summary';

export function conditionalEffectsFigure(
  effects: readonly ConditionalEffect[],
  opts: { title?: string; labels?: Readonly<Record<string, string>>; columns?: number } = {},
): Figure {
  if (effects.length === 0) throw new Error('conditional effects: nothing to draw (no predictors).');
  const cols = Math.min(opts.columns ?? 4, effects.length);
  const rows = Math.ceil(effects.length / cols);
  const base = baseLayout({
    title: opts.title ?? 'Conditional effects: expected followers by trait, others at their reference level',
    x: { title: 'Level', unit: 'category' },
    y: { title: 'Expected followers', unit: 'count' },
    height: 80 + 260 * rows,
    showLegend: false,
  });
  const axisStyle = { ...(base.xaxis as Record<string, unknown>) };
  const data: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = { ...base };
  let yMax = 0;
  for (const e of effects) for (const r of e.rows) yMax = Math.max(yMax, r.upper);
  effects.forEach((e, i) => {
    const k = i === 0 ? '' : String(i + 1);
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: e.variable,
      xaxis: `x${k}`,
      yaxis: `y${k}`,
      x: e.rows.map((r) => String(r.value)),
      y: e.rows.map((r) => r.estimate),
      marker: { size: 9, color: e.rows.map((_, j) => (j === 0 ? OKABE_ITO.grey : OKABE_ITO.blue)) },
      error_y: {
        type: 'data',
        symmetric: false,
        array: e.rows.map((r) => r.upper - r.estimate),
        arrayminus: e.rows.map((r) => r.estimate - r.lower),
        color: '#444',
        thickness: 1.5,
        width: 4,
      },
      hovertemplate: `${opts.labels?.[e.variable] ?? e.variable}: %{x}<br>%{y:.1f} expected followers<extra></extra>`,
    });
    layout[`xaxis${k}`] = {
      ...axisStyle,
      type: 'category',
      title: { text: opts.labels?.[e.variable] ?? e.variable, font: { size: 13 } },
      tickangle: e.rows.length > 3 ? -35 : 0,
      tickfont: { size: 11 },
    };
    layout[`yaxis${k}`] = {
      ...(base.yaxis as Record<string, unknown>),
      range: [0, yMax * 1.05],
      title: i % cols === 0 ? (base.yaxis as Record<string, unknown>).title : undefined,
    };
  });
  layout.grid = { rows, columns: cols, pattern: 'independent', ygap: 0.55, xgap: 0.18 };
  layout.margin = { l: 70, r: 20, t: 70, b: 90 };
  return { data, layout, config: { ...BASE_CONFIG } };
}
