/**
 * The community generated ahead of the requests, on the machine's other core.
 *
 * Generating a member costs about as much as writing its JSON (~1.4 µs each, bench
 * emulator), and the server thread did both, one request at a time: the emulator could not
 * reach its target of 300k fielded members per second to one client. A worker thread
 * (store-worker.ts) now generates the initial community in blocks, in index order (the
 * order pulls read it), into shared typed-array columns (record-codec.ts, 53 bytes per
 * member: 126 MiB at the study's 2.5M); the server thread decodes a stored member (~0.2 µs)
 * and generates itself only what is not stored yet (members who joined later, or blocks
 * the worker has not reached: it then goes on from the next block, so that on a busy
 * machine, where three threads share two cores, the two never generate the same block
 * while a pull reads it). Stored and generated members are the same records, so answers
 * are byte-identical either way.
 *
 * Ordering: the worker writes a block's columns, then publishes it with `Atomics.store`;
 * the server reads the flag with `Atomics.load` before the columns.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CommunityGenerator, MemberRecord, MemberSource, emptyRecord } from '../generator';
import { RecordCodec, RecordColumns, allocateColumns } from './record-codec';

/** Members per block: the unit the worker publishes and a hint points at. */
export const BLOCK_SHIFT = 12;

/** What the server thread hands the worker (workerData). */
export interface StoreWorkerData {
  seed: number;
  referenceSec: number;
  botShare: number;
  followersZeroShare: number;
  capacity: number;
  buffers: Record<string, SharedArrayBuffer>;
  /** Per block: 1 once stored. */
  ready: SharedArrayBuffer;
  /** [0]: the block the server wants next (-1: none). */
  hint: SharedArrayBuffer;
}

export class MemberStore implements MemberSource {
  readonly referenceSec: number;
  private readonly columns: RecordColumns;
  private readonly ready: Int32Array;
  private readonly hint: Int32Array;
  private readonly codec = new RecordCodec();
  private worker: Worker | undefined;
  private lastHint = -1;
  private failure: Error | undefined;
  private readonly finished: Promise<void>;

  /** `capacity` members from index 0 are stored; the generator answers for the rest. */
  constructor(
    private readonly gen: CommunityGenerator,
    readonly capacity: number,
  ) {
    this.referenceSec = gen.referenceSec;
    const { columns, buffers } = allocateColumns(capacity);
    this.columns = columns;
    const blocks = (capacity + (1 << BLOCK_SHIFT) - 1) >> BLOCK_SHIFT;
    const ready = new SharedArrayBuffer(4 * blocks);
    const hint = new SharedArrayBuffer(4);
    this.ready = new Int32Array(ready);
    this.hint = new Int32Array(hint);
    this.hint[0] = -1;
    const data: StoreWorkerData = {
      seed: gen.seed,
      referenceSec: gen.referenceSec,
      botShare: gen.botShare,
      followersZeroShare: gen.followersZeroShare,
      capacity,
      buffers,
      ready,
      hint,
    };
    const worker = new Worker(path.join(__dirname, 'store-worker.js'), { workerData: data });
    // The server must not stay alive for it, nor fail with it: what it stored is good,
    // the rest is generated on the spot.
    worker.unref();
    this.worker = worker;
    this.finished = new Promise<void>((resolve) => {
      worker.once('error', (err) => {
        this.failure = err;
        resolve();
      });
      worker.once('exit', () => resolve());
    });
  }

  idOf(index: number): number {
    return this.gen.idOf(index);
  }

  /** Whether member `index` is stored (and so is read, not generated). */
  has(index: number): boolean {
    return index >= 0 && index < this.capacity && Atomics.load(this.ready, index >> BLOCK_SHIFT) === 1;
  }

  memberInto(index: number, rec: MemberRecord): MemberRecord {
    if (this.has(index)) return this.codec.decodeInto(this.columns, index, index, rec);
    this.wantBlock(index);
    return this.gen.memberInto(index, rec);
  }

  member(index: number): MemberRecord {
    return this.memberInto(index, emptyRecord());
  }

  /** Stored members so far (for the benchmark and tests). */
  storedCount(): number {
    let n = 0;
    for (let b = 0; b < this.ready.length; b++) {
      if (Atomics.load(this.ready, b) === 1)
        n += Math.min(1 << BLOCK_SHIFT, this.capacity - (b << BLOCK_SHIFT));
    }
    return n;
  }

  /** Resolves when the worker has stored every block, stopped, or failed (`error()` says which). */
  whenFilled(): Promise<void> {
    // Someone waits for it now: the process stays up until it is done.
    this.worker?.ref();
    return this.finished;
  }

  /** Why the worker stopped early, if it did. */
  error(): Error | undefined {
    return this.failure;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  /** A read the worker has not reached (it fell behind, or a pull starts elsewhere: id_desc): it goes on from the block after. */
  private wantBlock(index: number): void {
    if (index < 0 || index >= this.capacity) return;
    const block = index >> BLOCK_SHIFT;
    if (block === this.lastHint) return;
    this.lastHint = block;
    Atomics.store(this.hint, 0, block);
  }
}
