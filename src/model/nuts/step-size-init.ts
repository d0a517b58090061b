/**
 * Stan's heuristic step-size initialisation (base_hmc::init_stepsize, per
 * docs/model-engine.md): from the current point, take one leapfrog step from a fresh
 * momentum; if the energy change is better than log(0.8) keep doubling the step size,
 * otherwise keep halving it, each try with a fresh momentum, until it crosses.
 */
import type { LogDensity } from '../types';
import type { Rng } from '../../util/rng';
import { PhasePoint } from './phase-point';
import { leapfrog } from './integrator';
import { hamiltonian, sampleMomentum } from './metric';

const LOG_08 = Math.log(0.8);

/** Returns the initial step size; `start` is left untouched, `scratch` is clobbered. */
export function initStepSize(
  density: LogDensity,
  invMetric: Float64Array,
  start: PhasePoint,
  stepSize: number,
  rng: Rng,
  scratch: PhasePoint = new PhasePoint(start.dim),
): number {
  if (start.dim === 0) throw new Error('initStepSize: the model has no parameters to sample');
  if (stepSize === 0 || stepSize > 1e7 || Number.isNaN(stepSize)) return stepSize;

  const energyGain = (): number => {
    scratch.copyFrom(start);
    sampleMomentum(invMetric, scratch.p, rng);
    const H0 = hamiltonian(invMetric, scratch);
    leapfrog(density, invMetric, scratch, stepSize);
    return H0 - hamiltonian(invMetric, scratch); // NaN energies are +∞ in hamiltonian()
  };

  const direction = energyGain() > LOG_08 ? 1 : -1;
  for (;;) {
    const deltaH = energyGain();
    if (direction === 1 && !(deltaH > LOG_08)) break;
    if (direction === -1 && !(deltaH < LOG_08)) break;
    stepSize = direction === 1 ? 2 * stepSize : 0.5 * stepSize;
    if (stepSize > 1e7) {
      throw new Error(
        'Step size initialisation: the posterior is improper (step size grew past 1e7). Check the model and its priors.',
      );
    }
    if (stepSize === 0) {
      throw new Error(
        'Step size initialisation: no acceptably small step size could be found. Perhaps the posterior is not continuous?',
      );
    }
  }
  return stepSize;
}
