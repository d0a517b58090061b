/**
 * Pooled posterior draws of one reported parameter and their quantiles (type-7, as
 * brms / posterior report them: docs/model-engine.md §brms defaults).
 */
import type { ChainResult } from '../model/types';
import { quantiles } from '../model/diagnostics';

/** All draws of output `name` (chains in order). Throws when the fit has no such output. */
export function pooledDraws(
  chains: readonly ChainResult[],
  outputNames: readonly string[],
  name: string,
): Float64Array {
  const j = outputNames.indexOf(name);
  if (j < 0)
    throw new Error(
      `the fit reports no parameter "${name}"; it has ${outputNames.slice(0, 8).join(', ')}${outputNames.length > 8 ? ', …' : ''}`,
    );
  const P = outputNames.length;
  const total = chains.reduce((a, c) => a + c.nDraws, 0);
  const out = new Float64Array(total);
  let at = 0;
  for (const c of chains) for (let i = 0; i < c.nDraws; i++) out[at++] = c.draws[i * P + j];
  return out;
}

/** The five quantiles the figures use: 95% and 50% intervals around the median. */
export interface Interval5 {
  q025: number;
  q25: number;
  q50: number;
  q75: number;
  q975: number;
}

export function interval5(x: ArrayLike<number>): Interval5 {
  const [q025, q25, q50, q75, q975] = quantiles(x, [0.025, 0.25, 0.5, 0.75, 0.975]);
  return { q025, q25, q50, q75, q975 };
}
