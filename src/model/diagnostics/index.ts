/** Convergence and sampler diagnostics (docs/model-engine.md §Diagnostics). */
export * from './convergence';
export * from './sampler';
export { autocovariance, fftInPlace } from './fft';
export { quantiles, quantileSorted, median, mean, sd, mad, averageRanks } from './stats';
