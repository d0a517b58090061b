/**
 * One chain of adaptive NUTS, the way Stan's run_adaptive_sampler drives it (per
 * docs/model-engine.md): random inits, step-size initialisation, warmup with dual averaging
 * and windowed metric adaptation, then sampling with the adapted step size and metric.
 */
import type { ChainProgress, ChainResult, CompiledModel, LogDensity, SamplerSettings } from '../types';
import { Rng } from '../../util/rng';
import { PhasePoint } from './phase-point';
import { NutsTransition } from './trajectory';
import { initStepSize } from './step-size-init';
import { DualAveraging } from './dual-averaging';
import { WindowedVarianceAdaptation } from './windowed-adaptation';
import { resolveSamplerSettings } from './settings';

export const MAX_INIT_ATTEMPTS = 100;

/** Counts gradient evaluations without touching the model object. */
class CountingDensity implements LogDensity {
  evaluations = 0;
  readonly dim: number;
  constructor(private readonly inner: LogDensity) {
    this.dim = inner.dim;
  }
  logDensityGradient(theta: Float64Array, grad: Float64Array): number {
    this.evaluations++;
    return this.inner.logDensityGradient(theta, grad);
  }
}

function allFinite(x: Float64Array): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return false;
  return true;
}

/**
 * Stan's random inits: uniform(−R, R) on every unconstrained coordinate, retried up to
 * 100 times while the log density or its gradient is not finite.
 */
export function initialPoint(density: LogDensity, radius: number, rng: Rng, z: PhasePoint): void {
  for (let attempt = 0; attempt < MAX_INIT_ATTEMPTS; attempt++) {
    for (let i = 0; i < z.dim; i++) z.q[i] = radius * (2 * rng.uniform() - 1);
    z.logp = density.logDensityGradient(z.q, z.grad);
    if (Number.isFinite(z.logp) && allFinite(z.grad)) return;
  }
  throw new Error(
    `Initialization between (-${radius}, ${radius}) failed after ${MAX_INIT_ATTEMPTS} attempts: the log density ` +
      "or its gradient was not finite at every random init. Check the data against the family's support and the priors, " +
      'or try a smaller initRadius.',
  );
}

/** Calls `onProgress` at the first and last iteration, every 2% of `iter`, and at least every second. */
function progressThrottle(iter: number, onProgress?: (p: ChainProgress) => void) {
  if (!onProgress) return undefined;
  const every = Math.max(1, Math.floor(iter / 50));
  let lastTime = performance.now();
  return (p: ChainProgress, force: boolean): void => {
    const now = performance.now();
    if (force || p.iteration === 1 || p.iteration % every === 0 || now - lastTime >= 1000) {
      lastTime = now;
      onProgress(p);
    }
  };
}

/** Optional starting state of a chain (e.g. to resume from an earlier adaptation). */
export interface ChainStart {
  /** Initial unconstrained position, instead of random inits. */
  init?: ArrayLike<number>;
  /** Initial diagonal inverse metric (default all ones). */
  invMetric?: ArrayLike<number>;
  /**
   * Initial step size (Stan's `stepsize`, default 1). With warmup it is only the starting
   * point of Stan's step-size initialisation; with warmup 0 it is used as is, as Stan does
   * when adaptation is off (without it we still run the initialisation from 1).
   */
  stepSize?: number;
}

function startVector(name: string, x: ArrayLike<number>, dim: number, positive: boolean): Float64Array {
  if (x.length !== dim)
    throw new Error(`sampleChain: start.${name} must have length ${dim} (the model's dim), got ${x.length}`);
  const v = Float64Array.from(x);
  for (let i = 0; i < dim; i++) {
    if (!Number.isFinite(v[i]) || (positive && !(v[i] > 0))) {
      throw new Error(
        `sampleChain: start.${name}[${i}] must be a finite${positive ? ' positive' : ''} number, got ${v[i]}`,
      );
    }
  }
  return v;
}

export function sampleChain(
  model: CompiledModel,
  settingsIn: Partial<SamplerSettings>,
  chain: number,
  onProgress?: (p: ChainProgress) => void,
  start: ChainStart = {},
): ChainResult {
  const settings = resolveSamplerSettings(settingsIn);
  const { iter, warmup, thin } = settings;
  const dim = model.dim;
  if (!(Number.isInteger(dim) && dim > 0))
    throw new Error(`sampleChain: the model must have dim >= 1, got ${dim}`);
  const nOut = model.outputNames.length;
  const rng = Rng.forKey(settings.seed, chain);
  const density = new CountingDensity(model);
  const t0 = performance.now();

  const z = new PhasePoint(dim);
  if (start.init) {
    z.q.set(startVector('init', start.init, dim, false));
    z.logp = density.logDensityGradient(z.q, z.grad);
    if (!Number.isFinite(z.logp) || !allFinite(z.grad)) {
      throw new Error(
        'sampleChain: the log density or its gradient is not finite at start.init; choose another initial value',
      );
    }
  } else {
    initialPoint(density, settings.initRadius, rng, z);
  }

  const nuts = new NutsTransition(density, rng, settings.maxTreedepth);
  if (start.invMetric) nuts.invMetric.set(startVector('invMetric', start.invMetric, dim, true));
  const userStep = start.stepSize ?? 1;
  if (!(userStep > 0 && Number.isFinite(userStep))) {
    throw new Error(`sampleChain: start.stepSize must be a finite positive number, got ${start.stepSize}`);
  }
  const scratch = new PhasePoint(dim);
  // Stan starts from the user step size (default 1) and centres dual averaging on log(10 · it).
  nuts.stepSize =
    warmup === 0 && start.stepSize !== undefined
      ? userStep
      : initStepSize(density, nuts.invMetric, z, userStep, rng, scratch);
  const dual = new DualAveraging({ delta: settings.adaptDelta, mu: Math.log(10 * userStep) });
  const windows = new WindowedVarianceAdaptation(dim, warmup);

  const nDraws = Math.ceil((iter - warmup) / thin);
  const draws = new Float64Array(nDraws * nOut);
  const out = new Float64Array(nOut);
  const stats = {
    lp: new Float64Array(nDraws),
    acceptStat: new Float64Array(nDraws),
    stepsize: new Float64Array(nDraws),
    treedepth: new Int32Array(nDraws),
    nLeapfrog: new Int32Array(nDraws),
    divergent: new Uint8Array(nDraws),
    energy: new Float64Array(nDraws),
  };

  const progress = progressThrottle(iter, onProgress);
  let warmupDivergences = 0;
  let divergences = 0;
  let saved = 0;
  let tWarmupEnd = t0;

  for (let it = 0; it < iter; it++) {
    const isWarmup = it < warmup;
    if (it === warmup && warmup > 0) {
      nuts.stepSize = dual.finalStepSize();
      tWarmupEnd = performance.now();
    }
    const stepSizeUsed = nuts.stepSize;
    const s = nuts.transition(z);

    if (isWarmup) {
      if (s.divergent) warmupDivergences++;
      nuts.stepSize = dual.learn(s.acceptStat);
      if (windows.learn(nuts.invMetric, z.q)) {
        nuts.stepSize = initStepSize(density, nuts.invMetric, z, nuts.stepSize, rng, scratch);
        dual.mu = Math.log(10 * nuts.stepSize);
        dual.restart();
      }
    } else {
      if (s.divergent) divergences++;
      const m = it - warmup;
      if (m % thin === 0) {
        model.constrain(z.q, out);
        draws.set(out, saved * nOut);
        stats.lp[saved] = z.logp;
        stats.acceptStat[saved] = s.acceptStat;
        stats.stepsize[saved] = stepSizeUsed;
        stats.treedepth[saved] = s.treedepth;
        stats.nLeapfrog[saved] = s.nLeapfrog;
        stats.divergent[saved] = s.divergent ? 1 : 0;
        stats.energy[saved] = s.energy;
        saved++;
      }
    }
    progress?.(
      {
        chain,
        iteration: it + 1,
        iter,
        warmup: isWarmup,
        divergences: isWarmup ? warmupDivergences : divergences,
        elapsedSeconds: (performance.now() - t0) / 1000,
      },
      it + 1 === iter || it + 1 === warmup,
    );
  }
  if (warmup === 0) tWarmupEnd = t0;
  const tEnd = performance.now();

  return {
    chain,
    draws,
    nDraws,
    stats,
    stepSize: nuts.stepSize,
    invMetric: Float64Array.from(nuts.invMetric),
    warmupDivergences,
    gradientEvaluations: density.evaluations,
    timings: { warmupSeconds: (tWarmupEnd - t0) / 1000, samplingSeconds: (tEnd - tWarmupEnd) / 1000 },
  };
}
