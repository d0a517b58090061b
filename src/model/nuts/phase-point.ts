/**
 * A point in phase space: position q (unconstrained parameters), momentum p, and the
 * log density with its gradient at q, cached so a leapfrog step needs exactly one
 * gradient evaluation (per docs/model-engine.md, as Stan's ps_point carries V and g).
 *
 * Points are allocated once per sampler and then only copied into (`copyFrom`): the tree
 * builder must not allocate (the hot loop runs millions of times per fit).
 */
export class PhasePoint {
  readonly q: Float64Array;
  readonly p: Float64Array;
  /** Gradient of the log density at q (Stan keeps the gradient of V = -log p). */
  readonly grad: Float64Array;
  logp = -Infinity;

  constructor(readonly dim: number) {
    this.q = new Float64Array(dim);
    this.p = new Float64Array(dim);
    this.grad = new Float64Array(dim);
  }

  copyFrom(other: PhasePoint): void {
    this.q.set(other.q);
    this.p.set(other.p);
    this.grad.set(other.grad);
    this.logp = other.logp;
  }
}
