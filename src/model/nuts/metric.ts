/**
 * Diagonal Euclidean metric (Stan's diag_e_metric, per docs/model-engine.md):
 * T(p) = ½ Σ invM_i p_i², p ~ N(0, M) with M = diag(1 / invM).
 */
import type { Rng } from '../../util/rng';
import type { PhasePoint } from './phase-point';

export function kineticEnergy(invMetric: Float64Array, p: Float64Array): number {
  let t = 0;
  for (let i = 0; i < p.length; i++) t += invMetric[i] * p[i] * p[i];
  return 0.5 * t;
}

/** H = V + T with V = -log p; NaN becomes +∞ so it always counts as divergent, as in Stan. */
export function hamiltonian(invMetric: Float64Array, z: PhasePoint): number {
  const h = -z.logp + kineticEnergy(invMetric, z.p);
  return Number.isNaN(h) ? Infinity : h;
}

/** p_i = N(0,1) / sqrt(invM_i), drawn in coordinate order (one normal per coordinate). */
export function sampleMomentum(invMetric: Float64Array, p: Float64Array, rng: Rng): void {
  for (let i = 0; i < p.length; i++) p[i] = rng.normal() / Math.sqrt(invMetric[i]);
}

/** p# = M⁻¹ p (dτ/dp), the velocity the U-turn criterion projects on. */
export function pSharp(invMetric: Float64Array, p: Float64Array, out: Float64Array): void {
  for (let i = 0; i < p.length; i++) out[i] = invMetric[i] * p[i];
}
