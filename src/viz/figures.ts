/**
 * Generic figure builders on the study theme. Stage-specific figures (src/viz/audit/, the
 * model) compose these; all are pure functions returning Plotly JSON.
 */
import { categoryColor } from './palette';
import { BASE_CONFIG, baseLayout, type AxisSpec, type Figure } from './theme';

export interface BarSeries {
  name: string;
  values: readonly number[];
  /** Fixed colour; default: the category colour for `name` (sex, status, platform), else the cycle. */
  color?: string;
  /** Symmetric or asymmetric error bars (absolute lower/upper ends, same units as values). */
  lower?: readonly number[];
  upper?: readonly number[];
}

function checkLengths(
  categories: readonly unknown[],
  series: readonly { name: string; values: readonly number[] }[],
): void {
  for (const s of series) {
    if (s.values.length !== categories.length) {
      throw new Error(
        `series "${s.name}" has ${s.values.length} values for ${categories.length} categories.`,
      );
    }
    if (s.values.some((v) => !Number.isFinite(v)))
      throw new Error(`series "${s.name}" has a non-finite value.`);
  }
}

/** Bars per category; several series are grouped side by side. */
export function barFigure(opts: {
  title: string;
  categories: readonly string[];
  series: readonly BarSeries[];
  x: AxisSpec;
  y: AxisSpec;
  horizontal?: boolean;
  stacked?: boolean;
}): Figure {
  checkLengths(opts.categories, opts.series);
  const data = opts.series.map((s, i) => {
    const color = s.color ?? categoryColor(s.name, i);
    const trace: Record<string, unknown> = {
      type: 'bar',
      name: s.name,
      marker: {
        color:
          opts.series.length === 1 ? opts.categories.map((c, j) => s.color ?? categoryColor(c, j)) : color,
      },
      orientation: opts.horizontal ? 'h' : 'v',
      [opts.horizontal ? 'y' : 'x']: [...opts.categories],
      [opts.horizontal ? 'x' : 'y']: [...s.values],
    };
    if (s.lower && s.upper) {
      if (s.lower.length !== s.values.length || s.upper.length !== s.values.length) {
        throw new Error(`series "${s.name}": interval bounds must have one entry per value.`);
      }
      trace[opts.horizontal ? 'error_x' : 'error_y'] = {
        type: 'data',
        symmetric: false,
        array: s.values.map((v, j) => (s.upper as readonly number[])[j] - v),
        arrayminus: s.values.map((v, j) => v - (s.lower as readonly number[])[j]),
        color: '#333',
        thickness: 1.2,
      };
    }
    return trace;
  });
  const layout = baseLayout({ title: opts.title, x: opts.x, y: opts.y, showLegend: opts.series.length > 1 });
  layout.barmode = opts.stacked ? 'stack' : 'group';
  if (opts.horizontal) (layout.yaxis as Record<string, unknown>).autorange = 'reversed';
  return { data, layout, config: { ...BASE_CONFIG } };
}

export interface LineSeries {
  name: string;
  x: readonly number[];
  y: readonly number[];
  color?: string;
  dash?: 'solid' | 'dash' | 'dot';
  mode?: 'lines' | 'markers' | 'lines+markers';
}

/** Lines (or points) sharing an x axis, e.g. a distribution by hour of day. */
export function lineFigure(opts: {
  title: string;
  series: readonly LineSeries[];
  x: AxisSpec;
  y: AxisSpec;
}): Figure {
  const data = opts.series.map((s, i) => {
    if (s.x.length !== s.y.length)
      throw new Error(`series "${s.name}" has ${s.x.length} x values and ${s.y.length} y values.`);
    return {
      type: 'scatter',
      mode: s.mode ?? 'lines',
      name: s.name,
      x: [...s.x],
      y: [...s.y],
      line: { color: s.color ?? categoryColor(s.name, i), width: 2.5, dash: s.dash ?? 'solid' },
      marker: { color: s.color ?? categoryColor(s.name, i), size: 7 },
    };
  });
  return {
    data,
    layout: baseLayout({ title: opts.title, x: opts.x, y: opts.y, showLegend: opts.series.length > 1 }),
    config: { ...BASE_CONFIG },
  };
}
