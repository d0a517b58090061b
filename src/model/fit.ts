/**
 * fitModel: formula + data → brms-style results, combining the density stage
 * (prepareModel, compileModel on the workers), the sampler (runChains) and the
 * diagnostics/summary stages. Sampler settings are brms's (docs/model-engine.md §Sampling):
 * 4 chains, iter 2000, warmup iter/2, adapt_delta 0.8, max_treedepth 10. Where chains start
 * and which coordinates they sample in follow the preset: 'fast' (default) uses the
 * posterior-preserving speed-ups (group effects centered where the data are rich, the
 * Laplace-whitened warm start where the posterior is near normal at its mode, else Stan's
 * inits with the reason); 'brms' is brms's literal sampler (non-centered, inits U(−2, 2)).
 */
import * as os from 'os';
import { prepareModel, modelFactory, compileModel, type PreparedModel } from './density';
import { laplaceStarts } from './init';
import type { ChainStart } from './nuts/chain';
import type { Preconditioner } from './init/whiten';
import { runChains } from './sampler';
import type { ChainProgress, ChainResult, SamplerSettings } from './types';
import { convergenceWarnings, samplerDiagnostics, type SamplerDiagnostics } from './diagnostics';
import {
  drawsTable,
  formatBrmsSummary,
  isSummaryParameter,
  ranef,
  summariseParameters,
  type ParameterSummary,
  type RanefRow,
} from './summary';
import type { DataColumns } from './data';
import { columnSds, DRIFT_LOGIT_PER_SD, SEPARATION_REMEDY } from './design/separation';
import { bayesR2, formatLoo, loo, type BayesR2, type LooResult } from './loo';

export interface FitOptions {
  /** An arquero table or plain columns (see readDataFile for files). */
  data: Parameters<typeof prepareModel>[0]['data'] | DataColumns;
  formula: string;
  family: string;
  /** Priors in brms notation, e.g. "prior(normal(0, 1), class = b)". */
  priors?: readonly string[];
  chains?: number;
  iter?: number;
  warmup?: number;
  thin?: number;
  seed?: number;
  /** Worker threads (default: all cores, at most one per chain). */
  cores?: number;
  adaptDelta?: number;
  maxTreedepth?: number;
  onProgress?: (p: ChainProgress) => void;
  /** Shown in the summary's "Data:" line (brms shows the data argument's name). */
  dataName?: string;
  /** Exact likelihood compression (docs/model-engine.md): 'auto' (default), true or false. */
  compress?: Parameters<typeof prepareModel>[0]['compress'];
  /** Sampler coordinates of group effects (same posterior): 'noncentered' (brms), 'centered', 'auto'. */
  groupParameterization?: Parameters<typeof prepareModel>[0]['groupParameterization'];
  /**
   * Where warmup starts: 'random' (Stan's and brms's uniform(−2, 2) inits, unit metric) or
   * 'laplace' (chains sample in coordinates whitened by the Laplace approximation at the
   * mode, from overdispersed draws around it, when the posterior is near normal there:
   * init/starts.ts; same posterior, far shorter warmup on large data). With 'laplace' the
   * chains' `invMetric` is in the whitened coordinates. Default: the preset's.
   */
  init?: InitKind;
  /**
   * 'fast' (default): init 'laplace' and groupParameterization 'auto'; 'brms': brms's literal
   * behaviour, init 'random' and groupParameterization 'noncentered'. Explicit `init` /
   * `groupParameterization` options win over the preset.
   */
  preset?: FitPreset;
}

export type InitKind = 'random' | 'laplace';
export type FitPreset = 'fast' | 'brms';
type GroupParam = NonNullable<FitOptions['groupParameterization']>;

/** What a preset means for the options it sets. */
export const PRESETS: Record<FitPreset, { init: InitKind; groupParameterization: 'auto' | 'noncentered' }> = {
  fast: { init: 'laplace', groupParameterization: 'auto' },
  brms: { init: 'random', groupParameterization: 'noncentered' },
};

function presetOf(o: { preset?: FitPreset }): FitPreset {
  const p = o.preset ?? 'fast';
  if (p !== 'fast' && p !== 'brms')
    throw new Error(`fitModel: preset must be 'fast' or 'brms', got ${JSON.stringify(o.preset)}`);
  return p;
}

/** How the chains were started (printed with the fit; part of a cached fit's identity). */
export interface FitInit {
  /** What was asked for. */
  requested: InitKind;
  /** What was used: 'random' when no Laplace approximation exists (then `note` says why). */
  used: InitKind;
  /** Gradient evaluations and seconds spent finding the starts. */
  evaluations: number;
  seconds: number;
  /** How far the posterior is from the Laplace approximation (init/starts.ts), when it was checked. */
  logWeightSd?: number;
  note?: string;
}

export interface FitSettings extends SamplerSettings {
  chains: number;
  cores: number;
  init: InitKind;
  preset: FitPreset;
  groupParameterization: GroupParam;
}

export interface FitTimings {
  /** Seconds: validation and design (prepareModel). */
  prepare: number;
  /** Seconds finding the chains' starts (0 for random inits). */
  init: number;
  /** Slowest chain's warmup and sampling (≈ wall time of each phase when chains run in parallel). */
  warmup: number;
  sampling: number;
  /** Wall time of the whole fit. */
  total: number;
  /** Per chain, as rstan's get_elapsed_time. */
  perChain: { chain: number; warmup: number; sampling: number }[];
}

export interface FitResult {
  prepared: PreparedModel;
  formula: string;
  family: string;
  dataName: string;
  settings: FitSettings;
  outputNames: readonly string[];
  chains: ChainResult[];
  /** brms's summary parameters (b_, sd_, shape / sigma), in output order. */
  parameters: ParameterSummary[];
  /** r_<group>[<level>,Intercept] rows. */
  groupLevels: ParameterSummary[];
  sampler: SamplerDiagnostics;
  warnings: string[];
  timings: FitTimings;
  init: FitInit;
}

function positiveInt(name: string, v: number | undefined, dflt: number, min = 1): number {
  const x = v ?? dflt;
  if (!Number.isInteger(x) || x < min)
    throw new Error(`fitModel: ${name} must be an integer >= ${min}, got ${v}`);
  return x;
}

/** Resolves brms's defaults and checks the sampler settings before any work starts. */
export function resolveFitSettings(o: Omit<FitOptions, 'data' | 'formula' | 'family'>): FitSettings {
  const chains = positiveInt('chains', o.chains, 4);
  const iter = positiveInt('iter', o.iter, 2000, 2);
  const warmup = positiveInt('warmup', o.warmup, Math.floor(iter / 2), 0);
  if (warmup >= iter)
    throw new Error(
      `fitModel: warmup (${warmup}) must be smaller than iter (${iter}) so that draws are kept`,
    );
  const thin = positiveInt('thin', o.thin, 1);
  const cores = positiveInt('cores', o.cores, Math.min(chains, os.availableParallelism()));
  const seed = o.seed ?? 1234;
  if (!Number.isFinite(seed)) throw new Error(`fitModel: seed must be a finite number, got ${o.seed}`);
  const adaptDelta = o.adaptDelta ?? 0.8;
  if (!(adaptDelta > 0 && adaptDelta < 1))
    throw new Error(`fitModel: adaptDelta must be in (0, 1), got ${o.adaptDelta}`);
  const maxTreedepth = positiveInt('maxTreedepth', o.maxTreedepth, 10);
  const preset = presetOf(o);
  const init = o.init ?? PRESETS[preset].init;
  if (init !== 'random' && init !== 'laplace')
    throw new Error(`fitModel: init must be 'random' or 'laplace', got ${JSON.stringify(o.init)}`);
  const groupParameterization = o.groupParameterization ?? PRESETS[preset].groupParameterization;
  return {
    chains,
    cores,
    iter,
    warmup,
    thin,
    seed,
    adaptDelta,
    maxTreedepth,
    initRadius: 2,
    init,
    preset,
    groupParameterization,
  };
}

/** The per-chain sampler settings inside the fit's settings. */
function samplerSettings(s: FitSettings): SamplerSettings {
  const { iter, warmup, thin, adaptDelta, maxTreedepth, seed, initRadius } = s;
  return { iter, warmup, thin, adaptDelta, maxTreedepth, seed, initRadius };
}

const seconds = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e9;

export async function fitModel(options: FitOptions): Promise<FitResult> {
  const t0 = process.hrtime.bigint();
  const settings = resolveFitSettings(options);
  const prepared = prepareFitModel(options);
  const prepare = seconds(t0);
  const { chains: nChains, cores, init: initKind } = settings;
  const sampler = samplerSettings(settings);
  const { starts, preconditioner, init } = chainStarts(prepared, initKind, nChains, settings.seed);
  const chains = await runChains(modelFactory(prepared), sampler, {
    chains: nChains,
    cores,
    onProgress: options.onProgress,
    starts,
    preconditioner,
  });
  return assembleFit(options, settings, prepared, chains, { prepare, total: seconds(t0) }, init);
}

/** The chains' starts for `kind` (undefined: random inits), and what was done. */
export function chainStarts(
  prepared: PreparedModel,
  kind: InitKind,
  chains: number,
  seed: number,
): { starts: ChainStart[] | undefined; preconditioner: Preconditioner | undefined; init: FitInit } {
  if (kind === 'random')
    return {
      starts: undefined,
      preconditioner: undefined,
      init: { requested: kind, used: 'random', evaluations: 0, seconds: 0 },
    };
  const t0 = process.hrtime.bigint();
  const model = compileModel(prepared);
  const found = laplaceStarts(model, chains, seed);
  const secs = seconds(t0);
  if (!found.ok) {
    return {
      starts: undefined,
      preconditioner: undefined,
      init: {
        requested: kind,
        used: 'random',
        evaluations: found.evaluations,
        seconds: secs,
        note: `${found.reason}; Stan's random inits were used instead.`,
      },
    };
  }
  return {
    starts: found.starts,
    preconditioner: found.preconditioner,
    init: {
      requested: kind,
      used: 'laplace',
      evaluations: found.evaluations,
      seconds: secs,
      logWeightSd: found.logWeightSd,
    },
  };
}

/** The PreparedModel fitModel samples, from the same options (also for refitting cached chains). */
export function prepareFitModel(options: FitOptions): PreparedModel {
  return prepareModel({
    data: options.data as Parameters<typeof prepareModel>[0]['data'],
    formula: options.formula,
    family: options.family,
    priors: options.priors ?? [],
    compress: options.compress,
    groupParameterization: options.groupParameterization ?? PRESETS[presetOf(options)].groupParameterization,
  });
}

/**
 * Everything fitModel computes after sampling — summary parameters, group levels, sampler
 * diagnostics, brms's warnings, timings — from chains sampled now or read from a cache.
 */
export function assembleFit(
  options: FitOptions,
  settings: FitSettings,
  prepared: PreparedModel,
  chains: ChainResult[],
  seconds: { prepare: number; total: number },
  init: FitInit = { requested: settings.init, used: settings.init, evaluations: 0, seconds: 0 },
): FitResult {
  const names = prepared.outputNames;
  const parameters = summariseParameters(chains, names, isSummaryParameter);
  const groupLevels = summariseParameters(chains, names, (n) => !isSummaryParameter(n));
  const diag = samplerDiagnostics(chains, settings.maxTreedepth);
  const warnings = convergenceWarnings({
    sampler: diag,
    adaptDelta: settings.adaptDelta,
    maxTreedepth: settings.maxTreedepth,
    chains: settings.chains,
    rhat: parameters.map((p) => p.rhat),
    essBulk: parameters.map((p) => p.ess_bulk),
    essTail: parameters.map((p) => p.ess_tail),
  });
  warnings.push(...driftWarnings(prepared, parameters));
  const perChain = chains.map((c) => ({
    chain: c.chain,
    warmup: c.timings.warmupSeconds,
    sampling: c.timings.samplingSeconds,
  }));
  return {
    prepared,
    formula: prepared.formula,
    family: prepared.family,
    dataName: options.dataName ?? 'data',
    settings,
    outputNames: names,
    chains,
    parameters,
    groupLevels,
    sampler: diag,
    warnings,
    init,
    timings: {
      prepare: seconds.prepare,
      init: init.seconds,
      warmup: Math.max(...perChain.map((c) => c.warmup)),
      sampling: Math.max(...perChain.map((c) => c.sampling)),
      total: seconds.total,
      perChain,
    },
  };
}

/**
 * Separation that no single column shows (the prepare step refuses those) is seen after
 * sampling: a Bernoulli coefficient under a flat prior whose posterior mean moves the logit
 * by more than DRIFT_LOGIT_PER_SD per standard deviation of its column.
 */
export function driftWarnings(prepared: PreparedModel, parameters: readonly ParameterSummary[]): string[] {
  if (prepared.family !== 'bernoulli') return [];
  const K = prepared.termNames.length;
  const sds = columnSds(prepared.cells.design, prepared.cells.n, K);
  const byName = new Map(parameters.map((p) => [p.name, p]));
  const drifting: string[] = [];
  for (let k = 0; k < K; k++) {
    const p = byName.get(`b_${prepared.termNames[k]}`);
    if (!p || prepared.priors.b[k].dist.dist !== 'flat') continue;
    if (Math.abs(p.mean) * sds[k] > DRIFT_LOGIT_PER_SD)
      drifting.push(
        `b_${prepared.termNames[k]} (mean ${p.mean.toFixed(1)}, 95% interval ${p['q2.5'].toFixed(1)} to ${p['q97.5'].toFixed(1)})`,
      );
  }
  if (drifting.length === 0) return [];
  return [
    `${drifting.join(', ')} ${drifting.length > 1 ? 'move' : 'moves'} the logit by more than ${DRIFT_LOGIT_PER_SD} per standard deviation of the predictor under a flat prior: ` +
      `most likely complete or quasi-complete separation by a combination of predictors (a linear combination of them splits the 0s from the 1s), ` +
      `where the posterior is improper and these draws mean nothing. To fit it, ${SEPARATION_REMEDY}.`,
  ];
}

/** The brms-style printed summary of a fit. */
export function fitSummary(fit: FitResult, digits = 2): string {
  return formatBrmsSummary({
    info: fit.prepared,
    dataName: fit.dataName,
    chains: fit.settings.chains,
    iter: fit.settings.iter,
    warmup: fit.settings.warmup,
    thin: fit.settings.thin,
    parameters: fit.parameters,
    warnings: fit.warnings,
    digits,
  });
}

/** All draws (b_, sd_, shape/sigma, r_) as an arquero table with .chain, .iteration, .draw. */
export function fitDraws(fit: FitResult): ReturnType<typeof drawsTable> {
  return drawsTable(fit.chains, fit.outputNames);
}

/** Group-level estimates per grouping factor and level (brms's ranef). */
export function fitRanef(fit: FitResult): Record<string, RanefRow[]> {
  return ranef(fit.chains, fit.prepared);
}

type JsonStats = {
  mean: number | null;
  sd: number | null;
  'q2.5': number | null;
  'q97.5': number | null;
  rhat: number | null;
  ess_bulk: number | null;
  ess_tail: number | null;
};

function statsJson(p: ParameterSummary): JsonStats {
  const n = (x: number): number | null => (Number.isFinite(x) ? x : null); // JSON has no NaN: NA → null
  return {
    mean: n(p.mean),
    sd: n(p.sd),
    'q2.5': n(p['q2.5']),
    'q97.5': n(p['q97.5']),
    rhat: n(p.rhat),
    ess_bulk: n(p.ess_bulk),
    ess_tail: n(p.ess_tail),
  };
}

/** PSIS-LOO of a fit (loo's loo(fit) as brms computes it, r_eff included). */
export function fitLoo(fit: FitResult): LooResult {
  return loo(fit);
}

/** brms's bayes_R2 of a fit. */
export function fitBayesR2(fit: FitResult): BayesR2 {
  return bayesR2(fit);
}

/** What `npm run fit -- --loo` prints after the summary: loo's print and bayes_R2. */
export function criteriaSummary(l: LooResult, r2: BayesR2): string {
  const f = (x: number): string => x.toFixed(2);
  return (
    formatLoo(l) +
    `
Bayes R2: Estimate ${f(r2.Estimate)}, Est.Error ${f(r2['Est.Error'])}, 95% interval ${f(r2['Q2.5'])} to ${f(r2['Q97.5'])}
`
  );
}

/** The `loo` and `bayes_R2` entries of the fit JSON. */
export function criteriaJson(
  l: LooResult,
  r2: BayesR2,
): { loo: Record<string, unknown>; bayes_R2: Record<string, unknown> } {
  const n = (x: number): number | null => (Number.isFinite(x) ? x : null);
  const est = (e: { estimate: number; se: number }) => ({ estimate: n(e.estimate), se: n(e.se) });
  return {
    loo: {
      draws: l.draws,
      observations: l.observations,
      elpd_loo: est(l.elpd_loo),
      p_loo: est(l.p_loo),
      looic: est(l.looic),
      mcse_elpd_loo: n(l.mcse_elpd_loo),
      k_threshold: l.kThreshold,
      pareto_k: l.paretoK.map((r) => ({
        range: r.range,
        label: r.label,
        count: r.count,
        proportion: r.proportion,
        min_ess: r.minEss === null ? null : n(r.minEss),
      })),
      r_eff: { min: n(l.rEff.min), max: n(l.rEff.max) },
      warnings: l.warnings,
    },
    bayes_R2: {
      Estimate: n(r2.Estimate),
      'Est.Error': n(r2['Est.Error']),
      'Q2.5': n(r2['Q2.5']),
      'Q97.5': n(r2['Q97.5']),
    },
  };
}

/**
 * The fit command's JSON document (README, "The model engine"); with `criteria` (from
 * fitLoo and fitBayesR2) it carries the `loo` and `bayes_R2` keys.
 */
export function fitJson(
  fit: FitResult,
  data: { file: string; rows: number },
  criteria?: { loo: LooResult; bayesR2: BayesR2 },
): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    formula: fit.formula,
    family: fit.family,
    data,
    settings: fit.settings,
    parameters: Object.fromEntries(fit.parameters.map((p) => [p.name, statsJson(p)])),
    group_levels: Object.fromEntries(fit.groupLevels.map((p) => [p.name, statsJson(p)])),
    divergences: fit.sampler.divergences,
    warmup_divergences: fit.sampler.warmupDivergences,
    max_treedepth_hits: fit.sampler.maxTreedepthHits,
    ebfmi: fit.sampler.ebfmi,
    step_size: fit.sampler.stepSize,
    warnings: fit.warnings,
    init: fit.init,
    priors: fit.prepared.priors.table,
    timings: {
      prepare: fit.timings.prepare,
      init: fit.timings.init,
      warmup: fit.timings.warmup,
      sampling: fit.timings.sampling,
      total: fit.timings.total,
      per_chain: fit.timings.perChain,
    },
  };
  if (criteria) Object.assign(doc, criteriaJson(criteria.loo, criteria.bayesR2));
  return doc;
}
