/**
 * Nesterov dual averaging of log(step size) toward a target acceptance statistic
 * (Hoffman & Gelman 2014; Stan's stepsize_adaptation, per docs/model-engine.md):
 *   η = 1/(t + t0),  s̄ ← (1−η) s̄ + η (δ − a),  x = μ − s̄ √t / γ,
 *   w = t^−κ,  x̄ ← (1−w) x̄ + w x,  ε = exp(x);  after warmup ε = exp(x̄).
 */
export interface DualAveragingOptions {
  delta: number;
  gamma?: number;
  kappa?: number;
  t0?: number;
  mu: number;
}

export class DualAveraging {
  mu: number;
  readonly delta: number;
  readonly gamma: number;
  readonly kappa: number;
  readonly t0: number;
  private counter = 0;
  private sBar = 0;
  private xBar = 0;

  constructor(o: DualAveragingOptions) {
    if (!(o.delta > 0 && o.delta < 1)) throw new Error(`adaptDelta must be in (0, 1), got ${o.delta}`);
    this.delta = o.delta;
    this.gamma = o.gamma ?? 0.05;
    this.kappa = o.kappa ?? 0.75;
    this.t0 = o.t0 ?? 10;
    this.mu = o.mu;
  }

  restart(): void {
    this.counter = 0;
    this.sBar = 0;
    this.xBar = 0;
  }

  /** Feeds one warmup transition's accept_stat; returns the next step size. */
  learn(acceptStat: number): number {
    this.counter++;
    const a = acceptStat > 1 ? 1 : acceptStat;
    const eta = 1 / (this.counter + this.t0);
    this.sBar = (1 - eta) * this.sBar + eta * (this.delta - a);
    const x = this.mu - (this.sBar * Math.sqrt(this.counter)) / this.gamma;
    const w = Math.pow(this.counter, -this.kappa);
    this.xBar = (1 - w) * this.xBar + w * x;
    return Math.exp(x);
  }

  /** The step size for sampling: exp of the averaged iterate. */
  finalStepSize(): number {
    return Math.exp(this.xBar);
  }
}
