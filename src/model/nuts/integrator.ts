/**
 * Leapfrog (velocity Verlet) for a separable Hamiltonian with a diagonal metric:
 * half step in p, full step in q, half step in p (Stan's expl_leapfrog, per
 * docs/model-engine.md). One log density + gradient evaluation per step.
 *
 * Split in two so the tree builder can fuse the closing half step with its own pass over
 * p (the sampler's overhead is a handful of passes over the parameter vector per step).
 */
import type { LogDensity } from '../types';
import type { PhasePoint } from './phase-point';

/** Half step in p and full step in q in one pass, then the log density and gradient at the new q. */
export function leapfrogOpen(
  density: LogDensity,
  invMetric: Float64Array,
  z: PhasePoint,
  epsilon: number,
): void {
  const { q, p, grad } = z;
  const half = 0.5 * epsilon;
  for (let i = 0; i < q.length; i++) {
    const pi = p[i] + half * grad[i];
    p[i] = pi;
    q[i] += epsilon * invMetric[i] * pi;
  }
  z.logp = density.logDensityGradient(q, grad);
}

/** One full leapfrog step. */
export function leapfrog(density: LogDensity, invMetric: Float64Array, z: PhasePoint, epsilon: number): void {
  leapfrogOpen(density, invMetric, z, epsilon);
  const { p, grad } = z;
  const half = 0.5 * epsilon;
  for (let i = 0; i < p.length; i++) p[i] += half * grad[i];
}
