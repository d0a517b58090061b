/**
 * Posterior predictive check (brms pp_check, density overlay): observed followers against
 * replicated data sets drawn from the fitted model, on a log axis of followers + 1. If the
 * model describes the data, the black curve lies inside the band of light curves.
 */
import { OKABE_ITO } from '../palette';
import { BASE_CONFIG, baseLayout, type Figure } from '../theme';
import type { PpcCurves } from '../../followers/ppc';

export function ppcFigure(c: PpcCurves, opts: { title?: string } = {}): Figure {
  if (c.observed.length !== c.mids.length)
    throw new Error('pp check: observed curve and bins differ in length.');
  const data: Record<string, unknown>[] = c.replicated.map((r, i) => ({
    type: 'scatter',
    mode: 'lines',
    name: 'replicated (posterior predictive draws)',
    legendgroup: 'rep',
    showlegend: i === 0,
    x: c.mids,
    y: r,
    line: { color: 'rgba(86,180,233,0.55)', width: 1.2 },
    hoverinfo: 'skip',
  }));
  data.push({
    type: 'scatter',
    mode: 'lines',
    name: 'observed',
    x: c.mids,
    y: c.observed,
    line: { color: OKABE_ITO.black, width: 3 },
    hovertemplate: 'followers + 1 ≈ %{x:.0f}<br>density %{y:.3f}<extra></extra>',
  });
  const layout = baseLayout({
    title:
      opts.title ?? `Posterior predictive check: observed vs ${c.replicated.length} replicated data sets`,
    x: { title: 'Followers + 1', unit: 'count, log axis', type: 'log' },
    y: { title: 'Density', unit: 'share of profiles per log10 unit' },
  });
  return { data, layout, config: { ...BASE_CONFIG } };
}
