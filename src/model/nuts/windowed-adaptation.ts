/**
 * Windowed diagonal-metric adaptation (Stan's windowed_adaptation + var_adaptation, per
 * docs/model-engine.md): an initial fast buffer (75) where only the step size adapts, then
 * slow windows (25, doubling; the last one stretched to the terminal buffer) whose draws
 * estimate the variance, then a terminal fast buffer (50). With fewer than 150 warmup
 * iterations the stages become 15% / 75% / 10%; below 20 the metric is not adapted.
 *
 * Deliberate difference: Stan's set_window_params forgets to restart the schedule in the
 * short-warmup branch, which leaves the first window end unset so the metric is in fact
 * never updated there; we apply the documented 15/75/10 schedule.
 */
import { WelfordVariance } from './welford';

export interface WindowConfig {
  initBuffer: number;
  termBuffer: number;
  baseWindow: number;
}

export const STAN_WINDOWS: WindowConfig = { initBuffer: 75, termBuffer: 50, baseWindow: 25 };

/** The stage lengths Stan uses for `warmup` iterations, or null when no metric adaptation. */
export function resolveWindows(warmup: number, config: WindowConfig = STAN_WINDOWS): WindowConfig | null {
  if (warmup < 20) return null;
  if (config.initBuffer + config.baseWindow + config.termBuffer > warmup) {
    // Stan stores these in unsigned ints: the products truncate.
    const initBuffer = Math.floor(0.15 * warmup);
    const termBuffer = Math.floor(0.1 * warmup);
    return { initBuffer, termBuffer, baseWindow: warmup - (initBuffer + termBuffer) };
  }
  return { ...config };
}

export class WindowedVarianceAdaptation {
  private readonly windows: WindowConfig | null;
  private readonly estimator: WelfordVariance;
  private counter = 0;
  private windowSize: number;
  private nextWindowEnd: number;

  constructor(
    readonly dim: number,
    readonly warmup: number,
    config: WindowConfig = STAN_WINDOWS,
  ) {
    this.windows = resolveWindows(warmup, config);
    this.estimator = new WelfordVariance(dim);
    this.windowSize = this.windows?.baseWindow ?? 0;
    this.nextWindowEnd = this.windows ? this.windows.initBuffer + this.windowSize - 1 : -1;
  }

  private inSlowWindow(): boolean {
    const w = this.windows;
    return (
      w !== null &&
      this.counter >= w.initBuffer &&
      this.counter < this.warmup - w.termBuffer &&
      this.counter !== this.warmup
    );
  }

  private atWindowEnd(): boolean {
    return this.windows !== null && this.counter === this.nextWindowEnd && this.counter !== this.warmup;
  }

  private computeNextWindow(): void {
    const lastEnd = this.warmup - this.windows!.termBuffer - 1;
    if (this.nextWindowEnd === lastEnd) return;
    this.windowSize *= 2;
    this.nextWindowEnd = this.counter + this.windowSize;
    if (this.nextWindowEnd === lastEnd) return;
    // If the window after next would not fit, stretch this one to the terminal buffer.
    if (this.nextWindowEnd + 2 * this.windowSize >= this.warmup - this.windows!.termBuffer) {
      this.nextWindowEnd = lastEnd;
    }
  }

  /**
   * Feeds the position after one warmup transition. At the end of a slow window writes the
   * regularised variance (n/(n+5))·var + 1e-3·5/(n+5) into `invMetric` and returns true
   * (the caller then re-initialises the step size and restarts dual averaging).
   */
  learn(invMetric: Float64Array, q: Float64Array): boolean {
    if (this.inSlowWindow()) this.estimator.add(q);
    if (this.atWindowEnd()) {
      this.computeNextWindow();
      this.estimator.variance(invMetric);
      const n = this.estimator.count;
      const shrink = n / (n + 5);
      const jitter = 1e-3 * (5 / (n + 5));
      for (let i = 0; i < invMetric.length; i++) {
        invMetric[i] = shrink * invMetric[i] + jitter;
        if (!Number.isFinite(invMetric[i])) {
          throw new Error(
            'Numerical overflow in metric adaptation: the sampler met extreme values on the unconstrained ' +
              'scale; the posterior may be too wide or improper. Check the model specification and priors.',
          );
        }
      }
      this.estimator.restart();
      this.counter++;
      return true;
    }
    this.counter++;
    return false;
  }
}

/** The 0-based warmup iterations at which the metric is updated (for docs and tests). */
export function metricUpdateIterations(warmup: number, config: WindowConfig = STAN_WINDOWS): number[] {
  const a = new WindowedVarianceAdaptation(1, warmup, config);
  const inv = new Float64Array(1);
  const q = new Float64Array(1);
  const out: number[] = [];
  for (let t = 0; t < warmup; t++) {
    q[0] = t % 3; // any non-constant sequence: only the schedule matters here
    if (a.learn(inv, q)) out.push(t);
  }
  return out;
}
