/**
 * Sampler-level diagnostics and the warnings brms/rstan print, from the per-iteration
 * statistics of the saved draws (Stan's `__` columns).
 */
import type { ChainResult } from '../types';

export interface SamplerDiagnostics {
  /** Divergent transitions after warmup, all chains. */
  divergences: number;
  /** Divergences per chain (after warmup). */
  divergencesPerChain: number[];
  /** Divergences during warmup, all chains (not a convergence problem; reported apart). */
  warmupDivergences: number;
  /** Post-warmup transitions that hit the maximum tree depth. */
  maxTreedepthHits: number;
  /** E-BFMI per chain. */
  ebfmi: number[];
  /** Mean acceptance statistic per chain. */
  meanAcceptStat: number[];
  /** Adapted step size per chain. */
  stepSize: number[];
}

/**
 * E-BFMI of one chain as Stan (CmdStan's diagnose): Σ(E_i − E_{i−1})² / Σ(E_i − Ē)².
 * Below 0.3 the momentum resampling explores the energy distribution poorly.
 */
export function ebfmi(energy: ArrayLike<number>): number {
  const n = energy.length;
  if (n < 2) return NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += energy[i];
  mean /= n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0) num += (energy[i] - energy[i - 1]) ** 2;
    den += (energy[i] - mean) ** 2;
  }
  return num / den;
}

export function samplerDiagnostics(chains: readonly ChainResult[], maxTreedepth: number): SamplerDiagnostics {
  const divergencesPerChain = chains.map((c) => {
    let k = 0;
    for (let i = 0; i < c.stats.divergent.length; i++) k += c.stats.divergent[i];
    return k;
  });
  let maxTreedepthHits = 0;
  for (const c of chains) {
    // Stan counts a transition as saturated when its depth reached max_treedepth
    for (let i = 0; i < c.stats.treedepth.length; i++)
      if (c.stats.treedepth[i] >= maxTreedepth) maxTreedepthHits++;
  }
  return {
    divergences: divergencesPerChain.reduce((a, b) => a + b, 0),
    divergencesPerChain,
    warmupDivergences: chains.reduce((a, c) => a + c.warmupDivergences, 0),
    maxTreedepthHits,
    ebfmi: chains.map((c) => ebfmi(c.stats.energy)),
    meanAcceptStat: chains.map((c) => {
      const a = c.stats.acceptStat;
      let s = 0;
      for (let i = 0; i < a.length; i++) s += a[i];
      return a.length ? s / a.length : NaN;
    }),
    stepSize: chains.map((c) => c.stepSize),
  };
}

const WARNINGS_URL = 'http://mc-stan.org/misc/warnings.html';

/** The thresholds brms and rstan warn at. */
export const WARN_RHAT = 1.05;
export const WARN_EBFMI = 0.3;
/** rstan warns when an ESS is below 100 per chain (400 for brms's 4 chains). */
export const WARN_ESS_PER_CHAIN = 100;

export interface ConvergenceInputs {
  sampler: SamplerDiagnostics;
  adaptDelta: number;
  maxTreedepth: number;
  chains: number;
  /** R-hat, bulk- and tail-ESS of the reported (summary) parameters. */
  rhat: readonly number[];
  essBulk: readonly number[];
  essTail: readonly number[];
}

/**
 * Warnings in brms's words (summary.brmsfit) and rstan's (throw_sampler_warnings, for
 * tree depth, E-BFMI and low ESS, which brms leaves to rstan). The URLs are text only.
 */
export function convergenceWarnings(x: ConvergenceInputs): string[] {
  const out: string[] = [];
  if (x.rhat.some((r) => r > WARN_RHAT)) {
    out.push(
      'Parts of the model have not converged (some Rhats are > 1.05). Be careful when analysing ' +
        'the results! We recommend running more iterations and/or setting stronger priors.',
    );
  }
  if (x.sampler.divergences > 0) {
    out.push(
      `There were ${x.sampler.divergences} divergent transitions after warmup. Increasing adapt_delta ` +
        `above ${x.adaptDelta} may help. See ${WARNINGS_URL}#divergent-transitions-after-warmup`,
    );
  }
  if (x.sampler.maxTreedepthHits > 0) {
    out.push(
      `There were ${x.sampler.maxTreedepthHits} transitions after warmup that exceeded the maximum ` +
        `treedepth. Increase max_treedepth above ${x.maxTreedepth}. See ${WARNINGS_URL}#maximum-treedepth-exceeded`,
    );
  }
  const lowBfmi = x.sampler.ebfmi.filter((e) => e < WARN_EBFMI).length;
  if (lowBfmi > 0) {
    out.push(
      `There were ${lowBfmi} chains where the estimated Bayesian Fraction of Missing Information ` +
        `was low. See ${WARNINGS_URL}#bfmi-low`,
    );
  }
  if (x.essBulk.some((e) => e < WARN_ESS_PER_CHAIN * x.chains)) {
    out.push(
      'Bulk Effective Samples Size (ESS) is too low, indicating posterior means and medians may be ' +
        `unreliable. Running the chains for more iterations may help. See ${WARNINGS_URL}#bulk-ess`,
    );
  }
  if (x.essTail.some((e) => e < WARN_ESS_PER_CHAIN * x.chains)) {
    out.push(
      'Tail Effective Samples Size (ESS) is too low, indicating posterior variances and tail ' +
        `quantiles may be unreliable. Running the chains for more iterations may help. See ${WARNINGS_URL}#tail-ess`,
    );
  }
  return out;
}
