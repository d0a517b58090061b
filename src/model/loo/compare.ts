/**
 * loo_compare: models ranked by elpd_loo, each with its difference from the best and the
 * standard error of that difference, sqrt(N · var(elpd_i(model) − elpd_i(best))) over the N
 * observations (Vehtari, Gelman & Gabry 2017, section 5.2). Models must be fitted to the same
 * observations, in the same order.
 */
import type { LooResult } from './loo';

export interface CompareRow {
  model: string;
  elpd_diff: number;
  se_diff: number;
  elpd_loo: number;
  se_elpd_loo: number;
  p_loo: number;
  looic: number;
}

/** Pointwise elpd of row i (its unit's value). */
function rowElpd(l: LooResult, i: number): number {
  return l.pointwise.elpd[l.rowUnit[i]];
}

export function looCompare(models: ReadonlyArray<{ name: string; loo: LooResult }>): CompareRow[] {
  if (models.length < 2) throw new Error('loo_compare: give at least two models to compare');
  const N = models[0].loo.observations;
  for (const m of models) {
    if (m.loo.observations !== N) {
      throw new Error(
        `loo_compare: model '${m.name}' has ${m.loo.observations} observations, '${models[0].name}' has ${N}; models must be fitted to the same data`,
      );
    }
  }
  const order = [...models].sort((a, b) => b.loo.elpd_loo.estimate - a.loo.elpd_loo.estimate);
  const best = order[0].loo;
  return order.map(({ name, loo: l }) => {
    let sum = 0;
    for (let i = 0; i < N; i++) sum += rowElpd(l, i) - rowElpd(best, i);
    const mean = sum / N;
    let ss = 0;
    for (let i = 0; i < N; i++) ss += (rowElpd(l, i) - rowElpd(best, i) - mean) ** 2;
    return {
      model: name,
      elpd_diff: l === best ? 0 : l.elpd_loo.estimate - best.elpd_loo.estimate,
      se_diff: l === best ? 0 : Math.sqrt((N * ss) / (N - 1)),
      elpd_loo: l.elpd_loo.estimate,
      se_elpd_loo: l.elpd_loo.se,
      p_loo: l.p_loo.estimate,
      looic: l.looic.estimate,
    };
  });
}
