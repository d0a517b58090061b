/** NUTS as Stan does it: one chain's adaptive sampler and its building blocks. */
export { sampleChain, initialPoint, MAX_INIT_ATTEMPTS } from './chain';
export type { ChainStart } from './chain';
export { resolveSamplerSettings, DEFAULT_SAMPLER_SETTINGS } from './settings';
export { NutsTransition, DEFAULT_MAX_DELTA_H } from './trajectory';
export type { TransitionStats } from './trajectory';
export { PhasePoint } from './phase-point';
export { leapfrog, leapfrogOpen } from './integrator';
export { noUTurn, mergeNoUTurn } from './termination';
export { logSumExp } from './proposal';
export { initStepSize } from './step-size-init';
export { DualAveraging } from './dual-averaging';
export { WelfordVariance } from './welford';
export {
  WindowedVarianceAdaptation,
  metricUpdateIterations,
  resolveWindows,
  STAN_WINDOWS,
} from './windowed-adaptation';
