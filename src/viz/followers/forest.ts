/**
 * Coefficient (forest) plot of the follower model's population-level effects, as
 * multiplicative effects on expected followers (exp scale, log axis): median, 50% interval
 * (thick) and 95% interval (thin), grouped by predictor (shaded bands), a line at ×1 (no
 * effect). On synthetic data the true values are drawn as crosses.
 */
import { OKABE_ITO } from '../palette';
import { BASE_CONFIG, baseLayout, type Figure } from '../theme';
import type { PopulationEffect } from '../../followers/effects';

export interface ForestOptions {
  title?: string;
  /** brms term → true b (log scale), e.g. from trueDraws() without the "b_" prefix. */
  truth?: Readonly<Record<string, number>>;
}

export const CLEAR_COLOR = OKABE_ITO.blue;
export const UNCLEAR_COLOR = OKABE_ITO.grey;

export function effectLabel(e: Pick<PopulationEffect, 'predictorLabel' | 'level' | 'reference'>): string {
  return `${e.predictorLabel}: ${e.level} (vs ${e.reference})`;
}

export function forestFigure(effects: readonly PopulationEffect[], opts: ForestOptions = {}): Figure {
  if (effects.length === 0)
    throw new Error('forest plot: no population-level effects to draw (did the fit drop every predictor?).');
  const labels = effects.map(effectLabel);
  const med = effects.map((e) => Math.exp(e.q50));
  const colors = effects.map((e) => (e.clear ? CLEAR_COLOR : UNCLEAR_COLOR));
  const bar = (
    lo: (e: PopulationEffect) => number,
    hi: (e: PopulationEffect) => number,
    thickness: number,
    name: string,
  ) => ({
    type: 'scatter',
    mode: 'markers',
    name,
    showlegend: false,
    hoverinfo: 'skip',
    x: med,
    y: labels,
    marker: { size: 0.1, color: 'rgba(0,0,0,0)' },
    error_x: {
      type: 'data',
      symmetric: false,
      array: effects.map((e, i) => Math.exp(hi(e)) - med[i]),
      arrayminus: effects.map((e, i) => med[i] - Math.exp(lo(e))),
      color: '#444',
      thickness,
      width: 0,
    },
  });
  const data: Record<string, unknown>[] = [
    bar(
      (e) => e.q025,
      (e) => e.q975,
      1.5,
      '95% interval',
    ),
    bar(
      (e) => e.q25,
      (e) => e.q75,
      6,
      '50% interval',
    ),
    {
      type: 'scatter',
      mode: 'markers',
      name: 'posterior median (filled blue: 95% interval excludes ×1)',
      x: med,
      y: labels,
      marker: { size: 10, color: colors, line: { color: '#222', width: 1 } },
      customdata: effects.map((e) => [Math.exp(e.q025), Math.exp(e.q975), Math.exp(e.q25), Math.exp(e.q75)]),
      hovertemplate:
        '%{y}<br>×%{x:.3f}<br>50%: ×%{customdata[2]:.3f}–%{customdata[3]:.3f}<br>95%: ×%{customdata[0]:.3f}–%{customdata[1]:.3f}<extra></extra>',
    },
  ];
  if (opts.truth) {
    const withTruth = effects.filter((e) => opts.truth![e.term] !== undefined);
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: 'true value (synthetic generator)',
      x: withTruth.map((e) => Math.exp(opts.truth![e.term])),
      y: withTruth.map(effectLabel),
      marker: {
        symbol: 'x-thin',
        size: 12,
        line: { width: 2.5, color: OKABE_ITO.vermillion },
        color: OKABE_ITO.vermillion,
      },
      hovertemplate: '%{y}<br>true ×%{x:.3f}<extra></extra>',
    });
  }
  // Shaded band behind every other predictor so the groups read at a glance.
  const shapes: Record<string, unknown>[] = [];
  let start = 0;
  let band = 0;
  for (let i = 1; i <= effects.length; i++) {
    if (i === effects.length || effects[i].predictor !== effects[start].predictor) {
      if (band % 2 === 0) {
        shapes.push({
          type: 'rect',
          xref: 'paper',
          x0: 0,
          x1: 1,
          yref: 'y',
          y0: start - 0.5,
          y1: i - 0.5,
          fillcolor: 'rgba(0,0,0,0.05)',
          line: { width: 0 },
          layer: 'below',
        });
      }
      band++;
      start = i;
    }
  }
  shapes.push({
    type: 'line',
    xref: 'x',
    x0: 1,
    x1: 1,
    yref: 'paper',
    y0: 0,
    y1: 1,
    line: { color: '#222', width: 1.2, dash: 'dot' },
  });
  const allX = effects.flatMap((e) => [Math.exp(e.q025), Math.exp(e.q975)]);
  if (opts.truth)
    for (const e of effects) if (opts.truth[e.term] !== undefined) allX.push(Math.exp(opts.truth[e.term]));
  const lo = Math.min(1, ...allX);
  const hi = Math.max(1, ...allX);
  const layout = baseLayout({
    title: opts.title ?? 'Population-level effects on expected followers',
    x: {
      title: 'Multiplicative effect on expected followers',
      unit: '× vs reference level, log axis',
      type: 'log',
    },
    y: { title: 'Trait', unit: 'level vs reference' },
    height: 120 + 30 * effects.length,
  });
  (layout.xaxis as Record<string, unknown>).range = [Math.log10(lo) - 0.05, Math.log10(hi) + 0.05];
  Object.assign(layout.yaxis as Record<string, unknown>, { autorange: 'reversed', type: 'category' });
  layout.shapes = shapes;
  layout.margin = { l: 250, r: 30, t: 60, b: 90 };
  return { data, layout, config: { ...BASE_CONFIG } };
}
