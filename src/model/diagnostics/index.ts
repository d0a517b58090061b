/** Convergence and sampler diagnostics (reference/bayes.md §Diagnostics). */
export * from './convergence';
export * from './sampler';
export { autocovariance, fftInPlace } from './fft';
export { quantiles, quantileSorted, median, mean, sd, mad, averageRanks } from './stats';
