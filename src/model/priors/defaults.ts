import type { FamilySpec } from '../families/spec';
import { madR, medianR, round1R } from './rstats';

export interface ScaleRule {
  /** Location of the default Intercept prior: round(median(y_link), 1), or 0. */
  location: number;
  /** Scale of the default Intercept / sd / sigma priors: max(2.5, round(mad(y_link), 1)). */
  scale: number;
}

/**
 * brms's `def_scale_prior.brmsterms` (R/priors.R, brms 2.23), line for line: for the
 * identity and log links (lognormal counts as log, `has_logscale`) y is transformed by
 * the link, zeros first replaced by 0.1 under log (per element: `ifelse(y == 0, y + 0.1,
 * y)`); scale = max(2.5, round(mad(y_link), 1)) and location = round(median(y_link), 1)
 * when finite. Other links (logit) keep location 0 and scale 2.5. No offsets here.
 */
export function scaleRule(spec: FamilySpec, y: Float64Array): ScaleRule {
  let location = 0;
  let scale = 2.5;
  if (spec.scaleLink === null) return { location, scale };
  const yLink = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) {
    yLink[i] = spec.scaleLink === 'log' ? Math.log(y[i] === 0 ? y[i] + 0.1 : y[i]) : y[i];
  }
  const s = round1R(madR(yLink));
  if (Number.isFinite(s)) scale = Math.max(scale, s);
  const l = round1R(medianR(yLink));
  if (Number.isFinite(l)) location = l;
  return { location, scale };
}
