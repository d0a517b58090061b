/**
 * One look for every chart of the study: fonts readable in a report, white background,
 * light grid, axis titles that always carry a unit, the Okabe–Ito colour cycle.
 */
import { SERIES_COLORS } from './palette';

/** Plotly figure JSON (the subset we build; Plotly accepts more). */
export interface Figure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
  config?: Record<string, unknown>;
}

export interface AxisSpec {
  /** What is measured, e.g. "Members". */
  title: string;
  /** Unit in words or symbols, e.g. "count", "%", "hour of day, UTC". Required: a bare number has no meaning. */
  unit: string;
  type?: 'linear' | 'log' | 'category' | 'date';
  range?: [number, number];
  tickformat?: string;
  dtick?: number;
}

export const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif';
export const BASE_FONT_SIZE = 15;

export function axisTitle(axis: AxisSpec): string {
  if (axis.title.trim() === '') throw new Error('axis title is empty: say what the axis measures.');
  if (axis.unit.trim() === '')
    throw new Error(`axis "${axis.title}" has no unit: give one (e.g. "count", "%").`);
  return `${axis.title} (${axis.unit})`;
}

function axisLayout(axis: AxisSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {
    title: { text: axisTitle(axis), font: { size: BASE_FONT_SIZE } },
    gridcolor: '#e5e5e5',
    zerolinecolor: '#bdbdbd',
    linecolor: '#444',
    ticks: 'outside',
    automargin: true,
  };
  if (axis.type) out.type = axis.type;
  if (axis.range) out.range = axis.range;
  if (axis.tickformat) out.tickformat = axis.tickformat;
  if (axis.dtick !== undefined) out.dtick = axis.dtick;
  return out;
}

/** The study's base layout: every figure builder starts from this. */
export function baseLayout(opts: {
  title: string;
  x: AxisSpec;
  y: AxisSpec;
  height?: number;
  showLegend?: boolean;
}): Record<string, unknown> {
  return {
    title: { text: opts.title, font: { size: BASE_FONT_SIZE + 4 }, x: 0, xanchor: 'left' },
    font: { family: FONT_FAMILY, size: BASE_FONT_SIZE, color: '#222' },
    colorway: [...SERIES_COLORS],
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    height: opts.height ?? 420,
    margin: { l: 70, r: 30, t: 60, b: 70 },
    xaxis: axisLayout(opts.x),
    yaxis: axisLayout(opts.y),
    showlegend: opts.showLegend ?? true,
    legend: { orientation: 'h', y: -0.22, x: 0 },
    hoverlabel: { font: { family: FONT_FAMILY } },
  };
}

/** Static-report config: no Plotly logo or cloud links (nothing that would reach the network). */
export const BASE_CONFIG: Readonly<Record<string, unknown>> = {
  responsive: true,
  displaylogo: false,
  showLink: false,
  showSendToCloud: false,
  modeBarButtonsToRemove: ['sendDataToCloud'],
};
