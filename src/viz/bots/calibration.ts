/**
 * Calibration of the bot score: per bin of predicted probability, the observed share of
 * bots with its 95% interval, against the diagonal a perfectly calibrated score would sit
 * on. Built from out-of-fold predictions, so it shows the score on profiles it was not
 * fitted on.
 */
import { OKABE_ITO } from '../palette';
import { BASE_CONFIG, baseLayout, type Figure } from '../theme';

export interface CalibrationPoint {
  mean_predicted: number;
  observed: number;
  observed_lo: number;
  observed_hi: number;
  n: number;
}

export function calibrationFigure(opts: {
  bins: readonly CalibrationPoint[];
  title?: string;
  /** Says where the predictions come from, e.g. "out-of-fold, 2,939 labelled profiles". */
  subtitle: string;
}): Figure {
  if (opts.bins.length === 0) throw new Error('calibrationFigure: no bins to show.');
  for (const b of opts.bins) {
    const vals = [b.mean_predicted, b.observed, b.observed_lo, b.observed_hi];
    if (!vals.every((v) => Number.isFinite(v) && v >= 0 && v <= 1)) {
      throw new Error('calibrationFigure: every probability and share must be in [0, 1].');
    }
    if (!(Number.isInteger(b.n) && b.n > 0))
      throw new Error('calibrationFigure: every bin needs n >= 1 profiles.');
  }
  const pct = (v: number): number => 100 * v;
  const maxN = Math.max(...opts.bins.map((b) => b.n));
  const data: Record<string, unknown>[] = [
    {
      type: 'scatter',
      mode: 'lines',
      name: 'perfect calibration',
      x: [0, 100],
      y: [0, 100],
      line: { color: OKABE_ITO.grey, width: 1.5, dash: 'dash' },
      hoverinfo: 'skip',
    },
    {
      type: 'scatter',
      mode: 'lines+markers',
      name: 'observed share of bots (95% interval)',
      x: opts.bins.map((b) => pct(b.mean_predicted)),
      y: opts.bins.map((b) => pct(b.observed)),
      error_y: {
        type: 'data',
        symmetric: false,
        array: opts.bins.map((b) => pct(b.observed_hi - b.observed)),
        arrayminus: opts.bins.map((b) => pct(b.observed - b.observed_lo)),
        color: OKABE_ITO.blue,
        thickness: 1.2,
      },
      line: { color: OKABE_ITO.blue, width: 2 },
      marker: {
        color: OKABE_ITO.blue,
        size: opts.bins.map((b) => 6 + 14 * Math.sqrt(b.n / maxN)),
      },
      customdata: opts.bins.map((b) => b.n),
      hovertemplate: 'predicted %{x:.1f}%<br>observed %{y:.1f}%<br>%{customdata} profiles<extra></extra>',
    },
  ];
  const layout = baseLayout({
    title: `${opts.title ?? 'Calibration of the bot score'}<br><sup>${opts.subtitle}</sup>`,
    x: { title: 'Predicted probability of a bot', unit: '%', range: [0, 100] },
    y: { title: 'Observed share of bots', unit: '%', range: [0, 100] },
    height: 480,
  });
  layout.margin = { l: 70, r: 30, t: 80, b: 70 };
  return { data, layout, config: { ...BASE_CONFIG } };
}
