/**
 * The per-parameter table brms's summary and posterior::summarise_draws report:
 * mean, sd, type-7 2.5% / 97.5% quantiles, rank-normalised R-hat, bulk- and tail-ESS.
 */
import type { ChainResult } from '../types';
import { essBulk, essTail, mean, quantiles, rhat, sd } from '../diagnostics';

export interface ParameterSummary {
  name: string;
  mean: number;
  sd: number;
  'q2.5': number;
  'q97.5': number;
  rhat: number;
  ess_bulk: number;
  ess_tail: number;
}

function checkChains(results: readonly ChainResult[], nOutputs: number): void {
  if (results.length === 0) throw new Error('summary: no chains to summarise');
  for (const r of results) {
    if (r.draws.length !== r.nDraws * nOutputs) {
      throw new Error(
        `summary: chain ${r.chain} holds ${r.draws.length} values, expected nDraws × parameters = ${r.nDraws} × ${nOutputs}`,
      );
    }
  }
}

/** Draws of output `j`, one array per chain (the layout the diagnostics take). */
export function parameterChains(
  results: readonly ChainResult[],
  j: number,
  nOutputs: number,
): Float64Array[] {
  return results.map((r) => {
    const out = new Float64Array(r.nDraws);
    for (let i = 0; i < r.nDraws; i++) out[i] = r.draws[i * nOutputs + j];
    return out;
  });
}

function concat(chains: readonly Float64Array[]): Float64Array {
  const n = chains.reduce((a, c) => a + c.length, 0);
  const out = new Float64Array(n);
  let at = 0;
  for (const c of chains) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Summary of one parameter from its per-chain draws. */
export function summariseParameter(name: string, chains: readonly Float64Array[]): ParameterSummary {
  const all = concat(chains);
  const [lo, hi] = quantiles(all, [0.025, 0.975]);
  const single = chains.length === 1 && chains[0].length < 4;
  return {
    name,
    mean: mean(all),
    sd: sd(all),
    'q2.5': lo,
    'q97.5': hi,
    rhat: single ? NaN : rhat(chains),
    ess_bulk: single ? NaN : essBulk(chains),
    ess_tail: single ? NaN : essTail(chains),
  };
}

/** One row per reported parameter, in `names` order (the model's outputNames). */
export function summariseParameters(
  results: readonly ChainResult[],
  names: readonly string[],
  select: (name: string) => boolean = () => true,
): ParameterSummary[] {
  checkChains(results, names.length);
  const out: ParameterSummary[] = [];
  names.forEach((name, j) => {
    if (select(name)) out.push(summariseParameter(name, parameterChains(results, j, names.length)));
  });
  return out;
}

/** brms's summary covers b_, sd_ and distributional parameters, not the r_ levels. */
export function isSummaryParameter(name: string): boolean {
  return !name.startsWith('r_');
}
