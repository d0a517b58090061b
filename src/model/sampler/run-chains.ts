/**
 * Runs NUTS chains in parallel on worker threads: one worker per core (at most one per
 * chain), each pulling chain numbers from a shared queue. Chain k always draws from the
 * stream Rng.forKey(seed, k), so results do not depend on `cores` or on scheduling.
 *
 * The factory reference (with its payload) goes to each worker once, as workerData:
 * SharedArrayBuffer-backed typed arrays in the payload stay shared, other buffers are
 * copied once per worker, never once per chain.
 */
import { Worker } from 'node:worker_threads';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ChainProgress, ChainResult, CompiledModel, ModelFactoryRef, SamplerSettings } from '../types';
import { sampleChain, type ChainStart } from '../nuts/chain';
import { WhitenedModel, type Preconditioner } from '../init/whiten';
import { resolveSamplerSettings } from '../nuts/settings';
import type { RunChainMessage, WorkerInit, WorkerMessage } from './protocol';

export interface RunChainsOptions {
  /** Number of chains (default 4, as brms). Chains are numbered 1..chains. */
  chains?: number;
  /** Worker threads (default os.availableParallelism()); capped at `chains`. */
  cores?: number;
  /** Throttled per-chain progress (every 2% of iterations or 1 s, plus the end of warmup and of sampling). */
  onProgress?: (p: ChainProgress) => void;
  /** Stops every worker and rejects (e.g. a notebook's stop button or a CLI's Ctrl-C handler). */
  signal?: AbortSignal;
  /** Per chain (index chain − 1): where it starts; missing entries use Stan's random inits. */
  starts?: readonly (ChainStart | undefined)[];
  /** Every chain samples in these linearly transformed coordinates (init/whiten.ts); `starts` are in them too. */
  preconditioner?: Preconditioner;
}

/** The compiled worker script next to this file (works from dist/, .build/, notebooks and the CLI). */
export function workerScriptPath(): string {
  return path.join(__dirname, 'worker.js');
}

function resolveCounts(options: RunChainsOptions): { chains: number; cores: number } {
  const chains = options.chains ?? 4;
  if (!Number.isInteger(chains) || chains < 1)
    throw new Error(`runChains: chains must be an integer >= 1, got ${chains}`);
  const cores = options.cores ?? os.availableParallelism();
  if (!Number.isInteger(cores) || cores < 1)
    throw new Error(`runChains: cores must be an integer >= 1, got ${cores}`);
  return { chains, cores };
}

function checkFactory(factory: ModelFactoryRef): void {
  if (!factory || typeof factory.module !== 'string' || typeof factory.exportName !== 'string') {
    throw new Error('runChains: factory must be { module, exportName, payload }');
  }
  if (!path.isAbsolute(factory.module)) {
    throw new Error(
      `runChains: factory.module must be an absolute path to compiled JS, got "${factory.module}"`,
    );
  }
  if (!fs.existsSync(factory.module)) {
    throw new Error(
      `runChains: factory module ${factory.module} does not exist; build the project first (npm run build)`,
    );
  }
}

export function runChains(
  factory: ModelFactoryRef,
  settingsIn: Partial<SamplerSettings>,
  options: RunChainsOptions = {},
): Promise<ChainResult[]> {
  let settings: SamplerSettings;
  let chains: number;
  let cores: number;
  try {
    settings = resolveSamplerSettings(settingsIn);
    ({ chains, cores } = resolveCounts(options));
    checkFactory(factory);
    if (!fs.existsSync(workerScriptPath())) {
      throw new Error(
        `runChains: worker script ${workerScriptPath()} is missing; build the project first (npm run build)`,
      );
    }
  } catch (e) {
    return Promise.reject(e);
  }
  const nWorkers = Math.min(cores, chains);
  const { onProgress, signal } = options;
  if (signal?.aborted) return Promise.reject(new Error('runChains: aborted before the chains started'));

  return new Promise<ChainResult[]>((resolve, reject) => {
    const queue = Array.from({ length: chains }, (_, i) => i + 1);
    const results: ChainResult[] = new Array(chains);
    const workers: Worker[] = [];
    const retired = new Set<Worker>();
    const running = new Map<Worker, number>();
    let done = 0;
    let settled = false;

    const stopAll = (): void => {
      for (const w of workers) {
        retired.add(w);
        void w.terminate();
      }
    };
    const onAbort = (): void => fail(new Error(`runChains: aborted (${done} of ${chains} chains finished)`));
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      stopAll();
      reject(err);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const dispatch = (w: Worker): void => {
      const chain = queue.shift();
      if (chain === undefined) {
        retired.add(w);
        void w.terminate();
        return;
      }
      running.set(w, chain);
      const msg: RunChainMessage = {
        type: 'run',
        chain,
        settings,
        progress: onProgress !== undefined,
        start: options.starts?.[chain - 1],
        preconditioner: options.preconditioner,
      };
      w.postMessage(msg);
    };

    const init: WorkerInit = { factory };
    for (let i = 0; i < nWorkers; i++) {
      const w = new Worker(workerScriptPath(), { workerData: init });
      workers.push(w);
      w.on('message', (m: WorkerMessage) => {
        if (settled) return;
        switch (m.type) {
          case 'ready':
            dispatch(w);
            break;
          case 'progress':
            try {
              onProgress?.(m.progress);
            } catch (e) {
              fail(e instanceof Error ? e : new Error(String(e)));
            }
            break;
          case 'result':
            running.delete(w);
            results[m.result.chain - 1] = m.result;
            done++;
            if (done === chains) {
              settled = true;
              signal?.removeEventListener('abort', onAbort);
              stopAll();
              resolve(results);
            } else {
              dispatch(w);
            }
            break;
          case 'error': {
            const where =
              m.stage === 'factory'
                ? `model factory ${factory.exportName} (${factory.module}) failed`
                : `chain ${m.chain} failed`;
            const err = new Error(`${where}: ${m.message}`);
            if (m.stack) err.stack = `${err.message}\n  worker stack:\n${m.stack}`;
            fail(err);
            break;
          }
        }
      });
      w.on('error', (e: Error) => fail(new Error(`sampler worker crashed: ${e.message}`)));
      w.on('exit', (code) => {
        if (!retired.has(w) && !settled) {
          const chain = running.get(w);
          fail(
            new Error(
              `sampler worker exited unexpectedly (code ${code})${chain ? ` while running chain ${chain}` : ''}`,
            ),
          );
        }
      });
    }
  });
}

/** The same chains in this thread, one after the other (reference for tests, or no worker support). */
export function runChainsSequential(
  model: CompiledModel,
  settingsIn: Partial<SamplerSettings>,
  options: Omit<RunChainsOptions, 'cores'> = {},
): ChainResult[] {
  const settings = resolveSamplerSettings(settingsIn);
  const { chains } = resolveCounts({ ...options, cores: 1 });
  const out: ChainResult[] = [];
  const target = options.preconditioner ? new WhitenedModel(model, options.preconditioner) : model;
  for (let k = 1; k <= chains; k++)
    out.push(sampleChain(target, settings, k, options.onProgress, options.starts?.[k - 1]));
  return out;
}
