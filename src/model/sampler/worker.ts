/**
 * Worker thread body for runChains: builds the model from its factory reference once, then
 * runs the chains the main thread hands it, one at a time, posting throttled progress and
 * the result (its typed arrays transferred, not copied).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ChainProgress, CompiledModel, ModelFactoryRef } from '../types';
import { sampleChain } from '../nuts/chain';
import { WhitenedModel } from '../init/whiten';
import type { RunChainMessage, WorkerInit, WorkerMessage } from './protocol';

function post(msg: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(msg, transfer);
}

function describe(e: unknown): { message: string; stack?: string } {
  if (e instanceof Error) return { message: e.message, stack: e.stack };
  return { message: String(e) };
}

function checkModel(model: unknown, factory: ModelFactoryRef): CompiledModel {
  const m = model as Partial<CompiledModel> | null;
  if (
    !m ||
    typeof m.logDensityGradient !== 'function' ||
    typeof m.constrain !== 'function' ||
    typeof m.dim !== 'number' ||
    !Array.isArray(m.outputNames)
  ) {
    throw new Error(
      `${factory.exportName} in ${factory.module} did not return a CompiledModel ` +
        '(dim, logDensityGradient, constrain, outputNames)',
    );
  }
  return m as CompiledModel;
}

async function buildModel(factory: ModelFactoryRef): Promise<CompiledModel> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(factory.module) as Record<string, unknown>;
  const make = mod[factory.exportName];
  if (typeof make !== 'function') {
    throw new Error(`${factory.module} has no exported function ${factory.exportName}`);
  }
  return checkModel(await make(factory.payload), factory);
}

async function main(): Promise<void> {
  const { factory } = workerData as WorkerInit;
  let model: CompiledModel;
  try {
    model = await buildModel(factory);
  } catch (e) {
    post({ type: 'error', stage: 'factory', ...describe(e) });
    return;
  }
  parentPort!.on('message', (msg: RunChainMessage) => {
    try {
      const onProgress = msg.progress
        ? (progress: ChainProgress) => post({ type: 'progress', progress })
        : undefined;
      const target = msg.preconditioner ? new WhitenedModel(model, msg.preconditioner) : model;
      const result = sampleChain(target, msg.settings, msg.chain, onProgress, msg.start);
      const s = result.stats;
      post({ type: 'result', result }, [
        result.draws.buffer,
        result.invMetric.buffer,
        s.lp.buffer,
        s.acceptStat.buffer,
        s.stepsize.buffer,
        s.treedepth.buffer,
        s.nLeapfrog.buffer,
        s.divergent.buffer,
        s.energy.buffer,
      ] as ArrayBuffer[]);
    } catch (e) {
      post({ type: 'error', stage: 'chain', chain: msg.chain, ...describe(e) });
    }
  });
  post({ type: 'ready' });
}

void main();
