/**
 * Population-level effects as the study reads them: multiplicative effects on expected
 * followers, exp(b), with 50% and 95% intervals, and which of them are clearly non-zero.
 *
 * exp is monotone, so the quantiles of exp(b) are exp of the quantiles of b: intervals
 * are computed on the log scale and exponentiated (no delta method, no approximation).
 * "Clear" means the 95% interval of b excludes 0 (of exp(b): excludes 1).
 */
import type { ChainResult } from '../model/types';
import { PREDICTORS } from './coding';
import { interval5, pooledDraws, type Interval5 } from './draws';

export interface PopulationEffect extends Interval5 {
  /** brms term, e.g. "platformiphone"; the draw is "b_" + term. */
  term: string;
  predictor: string;
  predictorLabel: string;
  level: string;
  /** The reference level the effect is relative to. */
  reference: string;
  /** Posterior mean of b (log scale). */
  mean: number;
  /** 95% interval of b excludes 0. */
  clear: boolean;
}

/** Every b_ term of the fit that codes a predictor level (intercept excluded), in formula order. */
export function populationEffects(fit: {
  chains: readonly ChainResult[];
  outputNames: readonly string[];
}): PopulationEffect[] {
  const out: PopulationEffect[] = [];
  for (const p of PREDICTORS) {
    for (const level of p.levels.slice(1)) {
      const term = `${p.name}${level}`;
      if (!fit.outputNames.includes(`b_${term}`)) continue; // level absent from the data, or predictor dropped
      const x = pooledDraws(fit.chains, fit.outputNames, `b_${term}`);
      let s = 0;
      for (const v of x) s += v;
      const q = interval5(x);
      out.push({
        term,
        predictor: p.name,
        predictorLabel: p.label,
        level,
        reference: p.levels[0],
        mean: s / x.length,
        ...q,
        clear: q.q025 > 0 || q.q975 < 0,
      });
    }
  }
  return out;
}

/** A log-scale effect as a percentage change in expected followers: exp(b) − 1. */
export function percentChange(b: number): number {
  return 100 * Math.expm1(b);
}

/** "+42%" / "−18%" with a real minus sign and no "+0%" noise below 0.5%. */
export function formatPercent(b: number, digits = 0): string {
  const p = percentChange(b);
  const text = Math.abs(p).toFixed(digits);
  if (Number(text) === 0) return '±0%';
  return `${p > 0 ? '+' : '−'}${text}%`;
}

/** "×1.42 (95% CI 1.31–1.55)". */
export function formatMultiplier(e: Interval5): string {
  return `×${Math.exp(e.q50).toFixed(2)} (95% interval ${Math.exp(e.q025).toFixed(2)}–${Math.exp(e.q975).toFixed(2)})`;
}

export interface Finding {
  effect: PopulationEffect;
  /** One sentence in plain words, numbers from the posterior. */
  text: string;
}

/**
 * The study's conclusions rebuilt from the posterior: one sentence per effect whose 95%
 * interval excludes no effect, largest first, and the list of effects that are not clear.
 */
export function findings(effects: readonly PopulationEffect[]): {
  clear: Finding[];
  unclear: PopulationEffect[];
} {
  const clear = effects
    .filter((e) => e.clear)
    .sort((a, b) => Math.abs(b.q50) - Math.abs(a.q50))
    .map((e) => ({
      effect: e,
      text:
        `${e.predictorLabel} ${e.level} (vs ${e.reference}): ${formatPercent(e.q50)} expected followers, ` +
        `${formatMultiplier(e)}, other traits held equal.`,
    }));
  return { clear, unclear: effects.filter((e) => !e.clear) };
}
