/**
 * Leapfrog (velocity Verlet) for a separable Hamiltonian with a diagonal metric:
 * half step in p, full step in q, half step in p (Stan's expl_leapfrog, per
 * reference/bayes.md). One log density + gradient evaluation per step.
 */
import type { LogDensity } from '../types';
import type { PhasePoint } from './phasePoint';

export function leapfrog(
  density: LogDensity,
  invMetric: Float64Array,
  z: PhasePoint,
  epsilon: number,
): void {
  const { q, p, grad } = z;
  const n = q.length;
  const half = 0.5 * epsilon;
  for (let i = 0; i < n; i++) p[i] += half * grad[i];
  for (let i = 0; i < n; i++) q[i] += epsilon * invMetric[i] * p[i];
  z.logp = density.logDensityGradient(q, grad);
  for (let i = 0; i < n; i++) p[i] += half * grad[i];
}
