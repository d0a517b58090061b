/**
 * Group-level estimates as brms's `ranef()`: per grouping factor, coefficient and level,
 * the posterior mean (Estimate), sd (Est.Error) and type-7 2.5% / 97.5% quantiles of
 * r_<g>[<level>,<coef>]. Rows are coefficient-major (all levels of Intercept first), so a
 * random-intercept model has one row per level, in level order.
 */
import type { ChainResult } from '../types';
import { mean, quantiles, sd } from '../diagnostics';
import { termsOf, type ModelInfo } from './model-info';

export interface RanefRow {
  level: string;
  /** The coefficient, e.g. "Intercept" or "Days" (brms's third ranef dimension). */
  coef: string;
  Estimate: number;
  'Est.Error': number;
  'Q2.5': number;
  'Q97.5': number;
}

export function ranef(results: readonly ChainResult[], info: ModelInfo): Record<string, RanefRow[]> {
  const P = info.outputNames.length;
  const index = new Map(info.outputNames.map((n, j) => [n, j]));
  const total = results.reduce((a, r) => a + r.nDraws, 0);
  const out: Record<string, RanefRow[]> = {};
  const terms = termsOf(info);
  for (const g of info.groups) {
    const coefs = terms.filter((t) => t.groupName === g.name).flatMap((t) => t.coefs);
    out[g.name] = coefs.flatMap((coef) =>
      g.levels.map((level, l) => {
        const name = `r_${g.name}[${g.outputLevels[l]},${coef}]`;
        const j = index.get(name);
        if (j === undefined) throw new Error(`ranef: the model reports no parameter ${name}`);
        const x = new Float64Array(total);
        let at = 0;
        for (const r of results) for (let i = 0; i < r.nDraws; i++) x[at++] = r.draws[i * P + j];
        const [lo, hi] = quantiles(x, [0.025, 0.975]);
        return { level, coef, Estimate: mean(x), 'Est.Error': sd(x), 'Q2.5': lo, 'Q97.5': hi };
      }),
    );
  }
  return out;
}
