/**
 * First-name effects: brms's ranef for first_name with the members behind each name, and
 * a no-pooling estimate per name so the shrinkage of the multilevel model is visible.
 *
 * No-pooling estimate of a name: log((Σy + 1) / (Σμ + 1)) over its rows, μ the expected
 * followers from the population-level part at the posterior mean (name effect left out);
 * i.e. how far the name's observed total sits from what its members' traits predict. The
 * +1 keeps names whose members all have 0 followers finite; it is negligible next to
 * totals of tens of followers per member. Names with few members scatter widely on this
 * estimate and are pulled towards 0 by the model; names with many barely move.
 */
import { linearPredictor } from '../model/density';
import { ranef } from '../model/summary';
import type { FitResult } from '../model/fit';
import { NAME_GROUP, OTHER_NAME } from './coding';
import type { FollowerTable } from './prepare';

export interface NameEffect {
  name: string;
  members: number;
  /** Posterior mean, sd and 95% interval of r_first_name[name,Intercept] (log scale). */
  estimate: number;
  sd: number;
  lower: number;
  upper: number;
  /** No-pooling estimate (log scale), see above. */
  raw: number;
  /** The pooled "(other)" level. */
  pooled: boolean;
}

/** Posterior mean of every output (outputNames order). */
export function posteriorMeans(fit: Pick<FitResult, 'chains' | 'outputNames'>): Float64Array {
  const P = fit.outputNames.length;
  const sum = new Float64Array(P);
  let n = 0;
  for (const c of fit.chains) {
    for (let i = 0; i < c.nDraws; i++) for (let j = 0; j < P; j++) sum[j] += c.draws[i * P + j];
    n += c.nDraws;
  }
  for (let j = 0; j < P; j++) sum[j] /= n;
  return sum;
}

export function nameEffects(fit: FitResult, table: FollowerTable): NameEffect[] {
  const rows = ranef(fit.chains, fit.prepared)[NAME_GROUP];
  if (!rows)
    throw new Error(`the fit has no group effect (1 | ${NAME_GROUP}); fit the follower model formula`);
  if (fit.prepared.nRows !== table.nRows) {
    throw new Error(
      `the fit has ${fit.prepared.nRows} rows but the model table ${table.nRows}: pass the table the model was fitted on`,
    );
  }
  const eta = linearPredictor(fit.prepared, posteriorMeans(fit), undefined, { groups: false });
  const L = table.names.levels.length;
  const sumY = new Float64Array(L);
  const sumMu = new Float64Array(L);
  for (let i = 0; i < table.nRows; i++) {
    const c = table.names.codes[i];
    sumY[c] += table.y[i];
    sumMu[c] += Math.exp(eta[i]);
  }
  const index = new Map(table.names.levels.map((l, k) => [l, k] as const));
  return rows.map((r) => {
    const k = index.get(r.level);
    if (k === undefined)
      throw new Error(
        `first name "${r.level}" of the fit is not in the model table: pass the table the model was fitted on`,
      );
    return {
      name: r.level,
      members: table.names.rows[k],
      estimate: r.Estimate,
      sd: r['Est.Error'],
      lower: r['Q2.5'],
      upper: r['Q97.5'],
      raw: Math.log((sumY[k] + 1) / (sumMu[k] + 1)),
      pooled: r.level === OTHER_NAME,
    };
  });
}

/** The `k` names with the highest and the lowest posterior mean effect (pooled level excluded). */
export function topBottom(
  effects: readonly NameEffect[],
  k: number,
): { top: NameEffect[]; bottom: NameEffect[] } {
  const named = effects.filter((e) => !e.pooled).sort((a, b) => b.estimate - a.estimate);
  const n = Math.min(k, Math.floor(named.length / 2));
  return { top: named.slice(0, n), bottom: named.slice(named.length - n).reverse() };
}
