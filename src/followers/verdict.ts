/**
 * The diagnostics verdict in plain words: can the fit be trusted?
 * Targets (reference/bayes.md §Diagnostics): R-hat < 1.01, bulk and tail ESS > 400; no
 * divergent transitions after warmup; tree depth not saturated; E-BFMI ≥ 0.3.
 * R-hat and ESS are checked over every reported parameter, first-name effects included.
 */
import type { SamplerDiagnostics } from '../model/diagnostics';
import type { ParameterSummary } from '../model/summary';

export const RHAT_TARGET = 1.01;
export const ESS_TARGET = 400;
export const EBFMI_TARGET = 0.3;

export interface Check {
  name: 'R-hat' | 'ESS' | 'divergences' | 'tree depth' | 'E-BFMI';
  ok: boolean;
  text: string;
}

export interface Verdict {
  ok: boolean;
  checks: Check[];
  /** One sentence for the top of the section. */
  headline: string;
}

function worst<T>(xs: readonly T[], score: (x: T) => number, pick: 'max' | 'min'): T | undefined {
  let best: T | undefined;
  let bs = pick === 'max' ? -Infinity : Infinity;
  for (const x of xs) {
    const s = score(x);
    if (Number.isNaN(s)) continue;
    if (pick === 'max' ? s > bs : s < bs) {
      bs = s;
      best = x;
    }
  }
  return best;
}

export function diagnosticsVerdict(
  fit: { parameters: readonly ParameterSummary[]; groupLevels: readonly ParameterSummary[]; sampler: SamplerDiagnostics; settings: { maxTreedepth: number; chains: number } },
): Verdict {
  const all = [...fit.parameters, ...fit.groupLevels];
  const checks: Check[] = [];
  const nanRhat = all.filter((p) => Number.isNaN(p.rhat)).map((p) => p.name);

  const rhatWorst = worst(all, (p) => p.rhat, 'max');
  const maxRhat = rhatWorst?.rhat ?? NaN;
  const rhatBad = all.filter((p) => p.rhat >= RHAT_TARGET);
  checks.push({
    name: 'R-hat',
    ok: rhatBad.length === 0 && nanRhat.length === 0 && fit.settings.chains > 1,
    text: fit.settings.chains < 2
      ? 'R-hat needs at least two chains to compare; run more chains (MODEL_CHAINS).'
      : rhatBad.length === 0
        ? `The ${fit.settings.chains} chains agree: every one of the ${all.length} parameters has R-hat below ${RHAT_TARGET} (largest ${maxRhat.toFixed(3)}, ${rhatWorst?.name}).`
        : `${rhatBad.length} of ${all.length} parameters have R-hat ≥ ${RHAT_TARGET} (largest ${maxRhat.toFixed(3)}, ${rhatWorst?.name}): the chains disagree; run longer chains (MODEL_ITER).`,
  });

  const essOf = (p: ParameterSummary): number => Math.min(p.ess_bulk, p.ess_tail);
  const essWorst = worst(all, essOf, 'min');
  const essBad = all.filter((p) => essOf(p) < ESS_TARGET);
  checks.push({
    name: 'ESS',
    ok: essBad.length === 0,
    text: essBad.length === 0
      ? `Enough independent information: bulk and tail ESS are at least ${ESS_TARGET} everywhere (smallest ${Math.round(essOf(essWorst!))}, ${essWorst!.name}).`
      : `${essBad.length} of ${all.length} parameters have bulk or tail ESS below ${ESS_TARGET} (smallest ${Math.round(essWorst ? essOf(essWorst) : NaN)}, ${essWorst?.name}): their intervals are less precise than they look; run longer chains (MODEL_ITER).`,
  });

  const d = fit.sampler.divergences;
  checks.push({
    name: 'divergences',
    ok: d === 0,
    text: d === 0
      ? 'No divergent transitions after warmup: the sampler explored the posterior without getting stuck in regions of high curvature.'
      : `${d} divergent transitions after warmup: the posterior has regions the sampler could not explore; intervals may be biased (brms would suggest a higher adapt_delta).`,
  });

  const hits = fit.sampler.maxTreedepthHits;
  checks.push({
    name: 'tree depth',
    ok: hits === 0,
    text: hits === 0
      ? `No iteration hit the maximum tree depth (${fit.settings.maxTreedepth}): the sampler was never cut short.`
      : `${hits} iterations hit the maximum tree depth ${fit.settings.maxTreedepth}: an efficiency problem, not a validity one, but the chains are slower than they should be.`,
  });

  const low = fit.sampler.ebfmi.filter((e) => e < EBFMI_TARGET);
  const minE = Math.min(...fit.sampler.ebfmi);
  checks.push({
    name: 'E-BFMI',
    ok: low.length === 0,
    text: low.length === 0
      ? `Energy diagnostic fine in every chain (E-BFMI ≥ ${EBFMI_TARGET}, lowest ${minE.toFixed(2)}).`
      : `${low.length} chain(s) with E-BFMI below ${EBFMI_TARGET} (lowest ${minE.toFixed(2)}): the momentum resampling explores the energy poorly.`,
  });

  const ok = checks.every((c) => c.ok);
  const failed = checks.filter((c) => !c.ok).map((c) => c.name);
  return {
    ok,
    checks,
    headline: ok
      ? 'The fit passes every convergence check: the posterior summaries below can be read as they are.'
      : `The fit fails ${failed.join(', ')}: read the estimates below with care (details per check).`,
  };
}
