/**
 * Figures of the bots section: the estimates side by side with their intervals (and the
 * truth, for a synthetic community), the bot-like share over assumed specificities, and
 * the score's distribution over live members.
 */
import type { BandPoint } from '../../bots/misclassification';
import { OKABE_ITO } from '../palette';
import { BASE_CONFIG, baseLayout, type Figure } from '../theme';

export interface EstimateRow {
  /** What the row is, e.g. "prediction-powered (the estimate)". */
  label: string;
  estimate: number;
  lo: number;
  hi: number;
  /** The estimate, a check beside it, or a reading that is not an estimate. */
  kind: 'estimate' | 'beside' | 'not validated';
}

export interface ReferenceLine {
  label: string;
  value: number;
}

const COLOR: Record<EstimateRow['kind'], string> = {
  estimate: OKABE_ITO.blue,
  beside: OKABE_ITO.skyBlue,
  'not validated': OKABE_ITO.vermillion,
};

const finiteShare = (x: number): boolean => Number.isFinite(x) && x >= 0 && x <= 1;

/** Intervals of the estimates, one row each, with vertical reference lines (e.g. the true share). */
export function botEstimatesFigure(opts: {
  rows: readonly EstimateRow[];
  references?: readonly ReferenceLine[];
  subtitle: string;
}): Figure {
  const rows = opts.rows.filter((r) => [r.estimate, r.lo, r.hi].every(finiteShare));
  if (rows.length === 0) throw new Error('botEstimatesFigure: no estimate with a finite interval to show.');
  const pct = (v: number): number => 100 * v;
  const y = rows.map((r) => r.label);
  const data: Record<string, unknown>[] = [];
  for (const kind of ['estimate', 'beside', 'not validated'] as const) {
    const rs = rows.filter((r) => r.kind === kind);
    if (rs.length === 0) continue;
    data.push({
      type: 'scatter',
      mode: 'markers',
      name:
        kind === 'estimate'
          ? 'the estimate'
          : kind === 'beside'
            ? 'beside it'
            : 'not validated on this community',
      x: rs.map((r) => pct(r.estimate)),
      y: rs.map((r) => r.label),
      error_x: {
        type: 'data',
        symmetric: false,
        array: rs.map((r) => pct(r.hi - r.estimate)),
        arrayminus: rs.map((r) => pct(r.estimate - r.lo)),
        color: COLOR[kind],
        thickness: 2,
      },
      marker: { color: COLOR[kind], size: 11 },
      hovertemplate: '%{y}: %{x:.2f}%<extra></extra>',
    });
  }
  const refs = (opts.references ?? []).filter((r) => finiteShare(r.value));
  const dashes = ['dash', 'dot', 'dashdot'];
  refs.forEach((r, i) =>
    data.push({
      type: 'scatter',
      mode: 'lines',
      name: r.label,
      x: [pct(r.value), pct(r.value)],
      y: [y[0], y[y.length - 1]],
      line: {
        color: i === 0 ? OKABE_ITO.black : OKABE_ITO.grey,
        width: 1.5,
        dash: dashes[i % dashes.length],
      },
      hovertemplate: `${r.label}: ${pct(r.value).toFixed(2)}%<extra></extra>`,
    }),
  );
  const hi = Math.max(...rows.map((r) => r.hi), ...refs.map((r) => r.value));
  const layout = baseLayout({
    title: `Share of bots among live members<br><sup>${opts.subtitle}</sup>`,
    x: { title: 'Share of live members', unit: '%', range: [0, pct(Math.min(1, hi * 1.15 + 0.005))] },
    y: { title: 'Method', unit: 'estimate with 95% interval', type: 'category' },
    height: 160 + 55 * rows.length,
  });
  (layout.yaxis as Record<string, unknown>).autorange = 'reversed';
  layout.margin = { l: 260, r: 30, t: 80, b: 90 };
  return { data, layout, config: { ...BASE_CONFIG } };
}

/** The bot-like share if the score's specificity on this community were x. */
export function specificityBandFigure(opts: {
  band: readonly BandPoint[];
  /** The specificity validated on the training data (marked). */
  validated: number;
  references?: readonly ReferenceLine[];
}): Figure {
  if (opts.band.length === 0) throw new Error('specificityBandFigure: the band is empty.');
  const x = opts.band.map((p) => p.specificity);
  const pct = (v: number): number => 100 * v;
  const data: Record<string, unknown>[] = [
    {
      type: 'scatter',
      mode: 'lines',
      x: [...x, ...[...x].reverse()],
      y: [...opts.band.map((p) => pct(p.hi)), ...[...opts.band].reverse().map((p) => pct(p.lo))],
      fill: 'toself',
      fillcolor: 'rgba(213, 94, 0, 0.18)',
      line: { width: 0 },
      name: '95% interval',
      hoverinfo: 'skip',
    },
    {
      type: 'scatter',
      mode: 'lines+markers',
      x,
      y: opts.band.map((p) => pct(p.estimate)),
      line: { color: OKABE_ITO.vermillion, width: 2 },
      marker: { size: 6 },
      name: 'bot-like share',
      hovertemplate: 'specificity %{x:.2f}: %{y:.2f}%<extra></extra>',
    },
  ];
  const top = Math.max(...opts.band.map((p) => p.hi), ...(opts.references ?? []).map((r) => r.value));
  data.push({
    type: 'scatter',
    mode: 'lines',
    x: [opts.validated, opts.validated],
    y: [0, pct(top)],
    line: { color: OKABE_ITO.grey, dash: 'dot', width: 1.5 },
    name: `specificity validated on other VK profiles (${opts.validated.toFixed(3)})`,
  });
  for (const r of opts.references ?? []) {
    data.push({
      type: 'scatter',
      mode: 'lines',
      x: [x[0], x[x.length - 1]],
      y: [pct(r.value), pct(r.value)],
      line: { color: OKABE_ITO.black, dash: 'dash', width: 1.5 },
      name: r.label,
    });
  }
  const layout = baseLayout({
    title:
      'Bot-like share over the score’s specificity on this community<br><sup>not validated on this community: the answer hangs on a number no label from it has checked</sup>',
    x: { title: 'Assumed specificity of the score', unit: 'share of humans not flagged' },
    y: {
      title: 'Bot-like share of live members',
      unit: '%',
      range: [0, pct(Math.min(1, top * 1.1 + 0.005))],
    },
    height: 460,
  });
  layout.margin = { l: 70, r: 30, t: 90, b: 110 };
  return { data, layout, config: { ...BASE_CONFIG } };
}

/** Live members per score bin, the flag threshold marked. */
export function scoreDistributionFigure(opts: {
  bins: readonly { lo: number; hi: number; members: number }[];
  threshold: number;
  liveMembers: number;
}): Figure {
  const pct = (v: number): number => 100 * v;
  const data: Record<string, unknown>[] = [
    {
      type: 'bar',
      x: opts.bins.map((b) => pct((b.lo + b.hi) / 2)),
      y: opts.bins.map((b) => b.members),
      width: opts.bins.map((b) => pct(b.hi - b.lo) * 0.95),
      marker: { color: OKABE_ITO.blue },
      name: 'live members',
      hovertemplate: 'score %{x:.1f}%: %{y:,} members<extra></extra>',
    },
    {
      type: 'scatter',
      mode: 'lines',
      x: [pct(opts.threshold), pct(opts.threshold)],
      y: [0, Math.max(1, ...opts.bins.map((b) => b.members))],
      line: { color: OKABE_ITO.vermillion, dash: 'dash', width: 1.5 },
      name: `flag threshold (${opts.threshold.toFixed(3)}; used only by the unlabelled adjustment)`,
    },
  ];
  const layout = baseLayout({
    title: `Bot score of the ${opts.liveMembers.toLocaleString('en-US')} live members<br><sup>a probability calibrated on other labelled VK profiles (16% bots), not on this community</sup>`,
    x: { title: 'Bot score', unit: '%', range: [0, 100] },
    y: { title: 'Live members', unit: 'count', type: 'log' },
    height: 420,
  });
  layout.margin = { l: 80, r: 30, t: 90, b: 100 };
  return { data, layout, config: { ...BASE_CONFIG } };
}
