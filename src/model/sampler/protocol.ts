/** Messages between runChains (main thread) and its worker threads. */
import type { ChainProgress, ChainResult, ModelFactoryRef, SamplerSettings } from '../types';
import type { ChainStart } from '../nuts/chain';
import type { Preconditioner } from '../init/whiten';

/** Passed once per worker as workerData: the model is built once and reused for every chain. */
export interface WorkerInit {
  factory: ModelFactoryRef;
}

export interface RunChainMessage {
  type: 'run';
  chain: number;
  settings: SamplerSettings;
  /** Whether anyone listens to progress (otherwise the worker does not post it). */
  progress: boolean;
  /** Where the chain starts (init and initial inverse metric); absent: Stan's random inits. */
  start?: ChainStart;
  /** Sample in these linearly transformed coordinates (init/whiten.ts); `start` is in them too. */
  preconditioner?: Preconditioner;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'progress'; progress: ChainProgress }
  | { type: 'result'; result: ChainResult }
  | { type: 'error'; stage: 'factory' | 'chain'; chain?: number; message: string; stack?: string };
