/**
 * The worker side of member-store.ts: generates every block of the initial community into
 * the shared columns, in index order, jumping ahead of a read it had not reached yet
 * (blocks left behind are filled last, for later pulls), then exits. A plain loop with no messages: the server's wishes arrive through a shared word.
 */
import { workerData } from 'node:worker_threads';
import { CommunityGenerator, emptyRecord } from '../generator';
import { BLOCK_SHIFT, StoreWorkerData } from './member-store';
import { RecordCodec, columnsOver } from './record-codec';

function fill(data: StoreWorkerData): void {
  const gen = new CommunityGenerator({
    seed: data.seed,
    referenceSec: data.referenceSec,
    botShare: data.botShare,
    followersZeroShare: data.followersZeroShare,
  });
  const codec = new RecordCodec();
  const columns = columnsOver(data.buffers);
  const ready = new Int32Array(data.ready);
  const hint = new Int32Array(data.hint);
  const blocks = ready.length;
  const rec = emptyRecord();
  let cursor = 0;
  for (let left = blocks; left > 0;) {
    // The server is generating block `wanted` itself right now: go on from the one after,
    // ahead of it again, rather than redo that block (the reader has passed it by then).
    const wanted = Atomics.exchange(hint, 0, -1);
    if (wanted >= 0 && wanted < blocks) cursor = (wanted + 1) % blocks;
    // The next block not yet stored, from the cursor on (wrapping: a jump leaves earlier blocks behind).
    while (Atomics.load(ready, cursor) === 1) cursor = (cursor + 1) % blocks;
    const start = cursor << BLOCK_SHIFT;
    const end = Math.min(data.capacity, start + (1 << BLOCK_SHIFT));
    for (let i = start; i < end; i++) codec.encode(gen.memberInto(i, rec), columns, i);
    Atomics.store(ready, cursor, 1);
    left--;
    cursor = (cursor + 1) % blocks;
  }
}

fill(workerData as StoreWorkerData);
