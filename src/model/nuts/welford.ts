/** Welford's streaming mean and variance per coordinate (Stan's welford_var_estimator). */
export class WelfordVariance {
  private n = 0;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;

  constructor(readonly dim: number) {
    this.mean = new Float64Array(dim);
    this.m2 = new Float64Array(dim);
  }

  get count(): number {
    return this.n;
  }

  restart(): void {
    this.n = 0;
    this.mean.fill(0);
    this.m2.fill(0);
  }

  add(x: Float64Array): void {
    this.n++;
    for (let i = 0; i < this.dim; i++) {
      const d = x[i] - this.mean[i];
      this.mean[i] += d / this.n;
      this.m2[i] += d * (x[i] - this.mean[i]);
    }
  }

  /** Sample variance (divisor n − 1) into `out`. */
  variance(out: Float64Array): void {
    for (let i = 0; i < this.dim; i++) out[i] = this.m2[i] / (this.n - 1);
  }
}
