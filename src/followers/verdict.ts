/**
 * The diagnostics verdict in plain words: can the fit be trusted?
 * Targets (docs/model-engine.md §Diagnostics): R-hat < 1.01, bulk and tail ESS > 400; no
 * divergent transitions after warmup; tree depth not saturated; E-BFMI ≥ 0.3.
 * R-hat and ESS are checked over every reported parameter, first-name effects included.
 */
import type { SamplerDiagnostics } from '../model/diagnostics';
import type { ParameterSummary } from '../model/summary';

export const RHAT_TARGET = 1.01;
export const ESS_TARGET = 400;
export const EBFMI_TARGET = 0.3;

/** brms's own R-hat warning threshold (src/model/diagnostics WARN_RHAT). */
export const RHAT_WARN = 1.05;

export interface Check {
  name: 'R-hat' | 'ESS' | 'divergences' | 'tree depth' | 'E-BFMI';
  /** pass: meets the strict target; warn: short of it but not a validity problem; fail: do not trust as is. */
  status: 'pass' | 'warn' | 'fail';
  /** status !== 'fail'. */
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

function check(name: Check['name'], status: Check['status'], text: string): Check {
  return { name, status, ok: status !== 'fail', text };
}

export function diagnosticsVerdict(fit: {
  parameters: readonly ParameterSummary[];
  groupLevels: readonly ParameterSummary[];
  sampler: SamplerDiagnostics;
  settings: { maxTreedepth: number; chains: number };
}): Verdict {
  const all = [...fit.parameters, ...fit.groupLevels];
  const checks: Check[] = [];
  const nanRhat = all.filter((p) => Number.isNaN(p.rhat)).map((p) => p.name);

  const rhatWorst = worst(all, (p) => p.rhat, 'max');
  const maxRhat = rhatWorst?.rhat ?? NaN;
  const rhatBad = all.filter((p) => p.rhat >= RHAT_TARGET);
  const single = fit.settings.chains < 2;
  const rhatStatus =
    single || nanRhat.length > 0 || maxRhat >= RHAT_WARN ? 'fail' : rhatBad.length > 0 ? 'warn' : 'pass';
  checks.push(
    check(
      'R-hat',
      rhatStatus,
      single
        ? 'R-hat needs at least two chains to compare; run more chains (MODEL_CHAINS).'
        : nanRhat.length > 0
          ? `R-hat is undefined for ${nanRhat.length} parameters (e.g. ${nanRhat[0]}): their draws are constant or not finite.`
          : rhatBad.length === 0
            ? `The ${fit.settings.chains} chains agree: every one of the ${all.length} parameters has R-hat below ${RHAT_TARGET} (largest ${maxRhat.toFixed(3)}, ${rhatWorst?.name}).`
            : `${rhatBad.length} of ${all.length} parameters have R-hat ≥ ${RHAT_TARGET} (largest ${maxRhat.toFixed(3)}, ${rhatWorst?.name})` +
              (rhatStatus === 'warn'
                ? `: below brms's warning level ${RHAT_WARN}, so the chains roughly agree, but short of the strict target ${RHAT_TARGET}; longer chains (e.g. MODEL_ITER=2000) would settle them.`
                : `: the chains disagree; do not trust these estimates until longer chains (MODEL_ITER) bring R-hat below ${RHAT_TARGET}.`),
    ),
  );

  const essOf = (p: ParameterSummary): number => Math.min(p.ess_bulk, p.ess_tail);
  const essWorst = worst(all, essOf, 'min');
  const essBad = all.filter((p) => essOf(p) < ESS_TARGET);
  checks.push(
    check(
      'ESS',
      essBad.length === 0 ? 'pass' : 'fail',
      essBad.length === 0
        ? `Enough independent information: bulk and tail ESS are at least ${ESS_TARGET} everywhere (smallest ${Math.round(essOf(essWorst!))}, ${essWorst!.name}).`
        : `${essBad.length} of ${all.length} parameters have bulk or tail ESS below ${ESS_TARGET} (smallest ${Math.round(essWorst ? essOf(essWorst) : NaN)}, ${essWorst?.name}): their intervals are less precise than they look; run longer chains (MODEL_ITER).`,
    ),
  );

  const d = fit.sampler.divergences;
  checks.push(
    check(
      'divergences',
      d === 0 ? 'pass' : 'fail',
      d === 0
        ? 'No divergent transitions after warmup: the sampler explored the posterior without getting stuck in regions of high curvature.'
        : `${d} divergent transitions after warmup: the posterior has regions the sampler could not explore; intervals may be biased (brms would suggest a higher adapt_delta).`,
    ),
  );

  const hits = fit.sampler.maxTreedepthHits;
  checks.push(
    check(
      'tree depth',
      hits === 0 ? 'pass' : 'warn',
      hits === 0
        ? `No iteration hit the maximum tree depth (${fit.settings.maxTreedepth}): the sampler was never cut short.`
        : `${hits} iterations hit the maximum tree depth ${fit.settings.maxTreedepth}: an efficiency problem, not a validity one, but the chains are slower than they should be.`,
    ),
  );

  const low = fit.sampler.ebfmi.filter((e) => e < EBFMI_TARGET);
  const minE = Math.min(...fit.sampler.ebfmi);
  checks.push(
    check(
      'E-BFMI',
      low.length === 0 ? 'pass' : 'warn',
      low.length === 0
        ? `Energy diagnostic fine in every chain (E-BFMI ≥ ${EBFMI_TARGET}, lowest ${minE.toFixed(2)}).`
        : `${low.length} chain(s) with E-BFMI below ${EBFMI_TARGET} (lowest ${minE.toFixed(2)}): the momentum resampling explores the energy poorly.`,
    ),
  );

  const ok = checks.every((c) => c.ok);
  const failed = checks.filter((c) => c.status === 'fail').map((c) => c.name);
  const warned = checks.filter((c) => c.status === 'warn').map((c) => c.name);
  return {
    ok,
    checks,
    headline: failed.length
      ? `The fit fails ${failed.join(', ')}: read the estimates below with care (details per check).`
      : warned.length
        ? `The fit is usable, with a caveat on ${warned.join(', ')} (short of the strict target, not a validity problem: details below).`
        : 'The fit passes every convergence check: the posterior summaries below can be read as they are.',
  };
}
