/**
 * bayes_R2 (Gelman, Goodrich, Gabry & Vehtari 2019, "R-squared for Bayesian regression
 * models", The American Statistician 73(3):307–309), as brms computes it: per draw,
 * var(ŷ) / (var(ŷ) + var(y − ŷ)) over the observations with ŷ = posterior_epred, then the
 * draws summarised (Estimate = mean, Est.Error = sd, 2.5% and 97.5% quantiles). Rows of a cell
 * share ŷ, so the variances come from per-cell sums of y and y² without expanding to rows.
 */
import { cellView, designEta, responseMean, type PreparedModel } from '../density';
import type { ChainResult } from '../types';
import { mean, quantiles, sd } from '../diagnostics';

export interface BayesR2 {
  Estimate: number;
  'Est.Error': number;
  'Q2.5': number;
  'Q97.5': number;
  /** The per-draw values, chains in order. */
  draws: Float64Array;
}

export function bayesR2(src: { prepared: PreparedModel; chains: readonly ChainResult[] }): BayesR2 {
  const pm = src.prepared;
  const C = pm.cells.nCells;
  const N = pm.nRows;
  const y = pm.response.values;
  const rowCell = pm.cells.rowCell;
  const n = new Float64Array(C);
  const sy = new Float64Array(C);
  const syy = new Float64Array(C);
  for (let i = 0; i < N; i++) {
    const c = rowCell[i];
    n[c] += 1;
    sy[c] += y[i];
    syy[c] += y[i] * y[i];
  }
  const P = pm.layout.nOutputs;
  const o = pm.layout.out;
  const view = cellView(pm);
  const eta = new Float64Array(C);
  const S = src.chains.reduce((a, c) => a + c.nDraws, 0);
  const r2 = new Float64Array(S);
  let s = 0;
  for (const ch of src.chains) {
    for (let i = 0; i < ch.nDraws; i++, s++) {
      const params = ch.draws.subarray(i * P, (i + 1) * P);
      designEta(pm, view, params, 0, C, eta);
      const aux = o.aux >= 0 ? params[o.aux] : NaN;
      const mix = o.mix >= 0 ? params[o.mix] : NaN;
      // Σ ŷ, Σ ŷ², Σ e, Σ e² over rows, e = y − ŷ.
      let a = 0;
      let a2 = 0;
      let e1 = 0;
      let e2 = 0;
      for (let c = 0; c < C; c++) {
        const p = responseMean(pm.family, eta[c], aux, mix);
        a += n[c] * p;
        a2 += n[c] * p * p;
        e1 += sy[c] - n[c] * p;
        e2 += syy[c] - 2 * p * sy[c] + n[c] * p * p;
      }
      const varPred = (a2 - (a * a) / N) / (N - 1);
      const varE = (e2 - (e1 * e1) / N) / (N - 1);
      r2[s] = varPred / (varPred + varE);
    }
  }
  const [lo, hi] = quantiles(r2, [0.025, 0.975]);
  return { Estimate: mean(r2), 'Est.Error': sd(r2), 'Q2.5': lo, 'Q97.5': hi, draws: r2 };
}
