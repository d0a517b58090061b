/** Running NUTS chains: in parallel on worker threads, or sequentially in this thread. */
export { runChains, runChainsSequential, workerScriptPath } from './run-chains';
export type { RunChainsOptions } from './run-chains';
export { sampleChain } from '../nuts/chain';
export { resolveSamplerSettings, DEFAULT_SAMPLER_SETTINGS } from '../nuts/settings';
