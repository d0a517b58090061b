/**
 * Streaming, checkpointed, resumable snapshot writer.
 *
 * Each batch of members is appended to `.pull-partial/members.arrow.part` as one Arrow
 * record batch, fsynced, and only then is the checkpoint (next offset, counts, rows, the
 * committed byte length and the batch positions) replaced atomically. So the checkpoint
 * never points past bytes that are on disk; bytes past it (a batch half-written when the
 * process died) are cut off on resume. Memory holds one batch at a time.
 *
 * `queueBatch` does the same with the I/O off the event loop (libuv's thread pool): the
 * batch is encoded at once, and its write, fdatasync and checkpoint run after those of
 * the batches queued before it, in order, while the caller goes on receiving the next
 * answer. The checkpoint on disk (and `checkpoint`) only ever moves to a state whose
 * bytes are synced; a failed write stops every later one, so the file never gets a gap.
 *
 * Finishing: trailer (EOS + footer) appended and fsynced → checkpoint marked
 * "finalizing" → part renamed to members.arrow → manifest.json written atomically →
 * partial directory removed. A kill between any two steps is resumed by `open()`.
 */
import * as fs from 'node:fs';
import { ArrowBlock, encodeBatch, fileHeader, fileTrailer } from './arrow-ipc';
import { promisify } from 'node:util';
import { fsyncDir, writeJsonAtomic, writeJsonAtomicAsync } from '../util/atomic-write';
import { snapshotPaths, type SnapshotPaths } from './layout';
import { SnapshotError, manifestColumns, parseManifest } from './manifest';
import {
  MEMBERS_FILE,
  SNAPSHOT_FORMAT,
  SNAPSHOT_FORMAT_VERSION,
  type MemberRow,
  type SnapshotManifest,
} from './schema';
import { batchFromRows, type MemberBatch } from './member-batch';

/** What can be written as one record batch: a batch, or rows (tests, hand-built snapshots). */
export type Members = MemberBatch | readonly MemberRow[];

const CHECKPOINT_VERSION = 1;

/** What identifies a pull: resuming is refused when the same directory held another one. */
export interface PullIdentity {
  group: SnapshotManifest['group'];
  source: SnapshotManifest['source'];
  api_version: string;
  fields: string[];
}

/** The pull's own paging state, saved with every batch. */
export interface PagingState {
  /** Position in the member list where the next new member is expected. */
  next_offset: number;
  /** `count` VK reported on the latest page. */
  last_count: number;
  /** Highest member id written so far (0 = none): members arrive sorted by id. */
  last_id: number;
}

export interface Checkpoint<X = Record<string, unknown>> {
  checkpoint_version: number;
  identity: PullIdentity;
  snapshot_time: string;
  reported_at_start: number;
  paging: PagingState;
  rows: number;
  /** Committed length of the part file: everything after it is discarded on resume. */
  bytes: number;
  blocks: ArrowBlock[];
  phase: 'pulling' | 'finalizing';
  reported_at_end: number | null;
  finished_time: string | null;
  /** Extra state of the puller (e.g. statistics), opaque to the writer. */
  extra: X;
}

export type OpenResult<X> =
  | { kind: 'finished'; manifest: SnapshotManifest }
  | { kind: 'writer'; writer: SnapshotWriter<X>; resumed: boolean };

export interface NewPull<X> {
  identity: PullIdentity;
  snapshot_time: string;
  reported_at_start: number;
  extra: X;
}

/**
 * Same pull? The synthetic community is identified by its generator settings, not by the
 * emulator's address (a fresh emulator listens on a new port after every restart).
 */
function sameIdentity(a: PullIdentity, b: PullIdentity): boolean {
  const sameSource =
    a.source.kind === b.source.kind &&
    (a.source.kind === 'synthetic'
      ? a.source.synthetic?.seed === b.source.synthetic?.seed &&
        a.source.synthetic?.members === b.source.synthetic?.members
      : a.source.api_base === b.source.api_base);
  return (
    a.group.id === b.group.id &&
    a.api_version === b.api_version &&
    sameSource &&
    a.fields.join(',') === b.fields.join(',')
  );
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One writer per directory: the lock file holds the writer's pid. A lock left by a
 * process that no longer runs (killed) is taken over; a live one is a clear error.
 */
function acquireLock(paths: SnapshotPaths): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(paths.lock, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(fs.readFileSync(paths.lock, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && pidAlive(pid)) {
        throw new SnapshotError(
          `another pull (process ${pid}) is writing ${paths.dir}; wait for it to finish or stop it, or use another --out directory.`,
        );
      }
      fs.rmSync(paths.lock, { force: true });
    }
  }
  throw new SnapshotError(
    `cannot take the lock ${paths.lock}; another pull may be starting in ${paths.dir}.`,
  );
}

function writeAllSync(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.length) {
    done += fs.writeSync(fd, bytes, done, bytes.length - done, position + done);
  }
}

const fdatasyncAsync = promisify(fs.fdatasync);

function writeAsync(
  fd: number,
  bytes: Uint8Array,
  offset: number,
  length: number,
  position: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.write(fd, bytes, offset, length, position, (e, n) => (e ? reject(e) : resolve(n)));
  });
}

async function writeAll(fd: number, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    done += await writeAsync(fd, bytes, done, bytes.length - done, position + done);
  }
}

export class SnapshotWriter<X = Record<string, unknown>> {
  private fd: number | null;
  /** The checkpoint once every queued batch is on disk. */
  private planned: Checkpoint<X>;
  /** The queued batches' I/O, in order. */
  private io: Promise<void> = Promise.resolve();
  private queued = 0;
  private ioError: unknown = undefined;

  private constructor(
    readonly paths: SnapshotPaths,
    private cp: Checkpoint<X>,
    fd: number,
  ) {
    this.fd = fd;
    this.planned = cp;
  }

  /**
   * Open `dir` for a pull: a finished snapshot is reported as such; an unfinished one of
   * the same pull is resumed; otherwise a new pull starts. `fresh()` is only called (and
   * only then may it make API calls) when there is nothing to resume.
   */
  static async open<X>(
    dir: string,
    identity: (Pick<PullIdentity, 'group'> & Partial<PullIdentity>) | null,
    fresh: () => Promise<NewPull<X>>,
  ): Promise<OpenResult<X>> {
    const paths = snapshotPaths(dir);
    if (fs.existsSync(paths.manifest) && !fs.existsSync(paths.checkpoint)) {
      return {
        kind: 'finished',
        manifest: parseManifest(fs.readFileSync(paths.manifest, 'utf8'), paths.manifest),
      };
    }
    if (fs.existsSync(paths.checkpoint)) {
      const cp = JSON.parse(fs.readFileSync(paths.checkpoint, 'utf8')) as Checkpoint<X>;
      if (cp.checkpoint_version !== CHECKPOINT_VERSION) {
        throw new SnapshotError(
          `${paths.checkpoint} was written by another version of the tool; delete ${paths.partialDir} and pull again.`,
        );
      }
      if (identity && cp.identity.group.id !== identity.group.id) {
        throw new SnapshotError(
          `${dir} holds an unfinished pull of group ${cp.identity.group.id} (${cp.identity.group.screen_name}), not of group ${identity.group.id}; use another --out directory or delete ${paths.partialDir}.`,
        );
      }
      if (
        identity &&
        identity.fields &&
        identity.api_version &&
        identity.source &&
        !sameIdentity(cp.identity, identity as PullIdentity)
      ) {
        throw new SnapshotError(
          `${dir} holds an unfinished pull made with other settings (API base or synthetic community, API version or fields); use another --out directory or delete ${paths.partialDir}.`,
        );
      }
      acquireLock(paths);
      try {
        return { kind: 'writer', writer: SnapshotWriter.resume(paths, cp), resumed: true };
      } catch (e) {
        fs.rmSync(paths.lock, { force: true });
        throw e;
      }
    }
    if (fs.existsSync(paths.members)) {
      throw new SnapshotError(
        `${dir} already holds ${MEMBERS_FILE} without a manifest or a checkpoint (not written by this tool, or damaged); use another --out directory or delete it.`,
      );
    }
    const init = await fresh();
    fs.mkdirSync(paths.partialDir, { recursive: true });
    acquireLock(paths);
    if (fs.existsSync(paths.checkpoint)) {
      // Another pull started here while our first page was on its way.
      fs.rmSync(paths.lock, { force: true });
      throw new SnapshotError(
        `another pull started writing ${dir} at the same time; use another --out directory.`,
      );
    }
    const header = fileHeader();
    const fd = fs.openSync(paths.part, 'w', 0o644);
    writeAllSync(fd, header, 0);
    fs.fsyncSync(fd);
    const cp: Checkpoint<X> = {
      checkpoint_version: CHECKPOINT_VERSION,
      identity: init.identity,
      snapshot_time: init.snapshot_time,
      reported_at_start: init.reported_at_start,
      paging: { next_offset: 0, last_count: init.reported_at_start, last_id: 0 },
      rows: 0,
      bytes: header.length,
      blocks: [],
      phase: 'pulling',
      reported_at_end: null,
      finished_time: null,
      extra: init.extra,
    };
    writeJsonAtomic(paths.checkpoint, cp);
    fsyncDir(paths.dir);
    return { kind: 'writer', writer: new SnapshotWriter(paths, cp, fd), resumed: false };
  }

  private static resume<X>(paths: SnapshotPaths, cp: Checkpoint<X>): SnapshotWriter<X> {
    if (cp.phase === 'finalizing' && !fs.existsSync(paths.part)) {
      // Killed after the rename: the finished file is in place; only the manifest is missing.
      return new SnapshotWriter(paths, cp, -1);
    }
    if (!fs.existsSync(paths.part)) {
      throw new SnapshotError(
        `${paths.checkpoint} exists but ${paths.part} is missing; the unfinished pull is damaged — delete ${paths.partialDir} and pull again.`,
      );
    }
    const size = fs.statSync(paths.part).size;
    if (size < cp.bytes) {
      throw new SnapshotError(
        `${paths.part} is shorter (${size} B) than its checkpoint says (${cp.bytes} B); the unfinished pull is damaged — delete ${paths.partialDir} and pull again.`,
      );
    }
    const fd = fs.openSync(paths.part, 'r+');
    // Drop a batch (or trailer) written after the last checkpoint: it is fetched again.
    fs.ftruncateSync(fd, cp.bytes);
    const resumed: Checkpoint<X> = { ...cp, phase: 'pulling', reported_at_end: null, finished_time: null };
    return new SnapshotWriter(paths, resumed, fd);
  }

  get checkpoint(): Readonly<Checkpoint<X>> {
    return this.cp;
  }

  /** True when the pull already ended and only the manifest is left to write. */
  get onlyManifestLeft(): boolean {
    return this.cp.phase === 'finalizing';
  }

  private ensureOpen(): number {
    if (this.fd === null || this.fd < 0) throw new Error('SnapshotWriter: the part file is closed');
    return this.fd;
  }

  /** The checkpoint after `members` follow `after`, and the bytes to write at `after.bytes`. */
  private static next<X>(
    after: Checkpoint<X>,
    members: Members,
    paging: PagingState,
    extra: X,
  ): { next: Checkpoint<X>; message: Uint8Array | null } {
    const next: Checkpoint<X> = { ...after, paging: { ...paging }, extra };
    const rows = Array.isArray(members)
      ? batchFromRows(members as readonly MemberRow[])
      : (members as MemberBatch);
    if (rows.length === 0) return { next, message: null };
    const { batch } = encodeBatch(rows);
    next.blocks = [
      ...after.blocks,
      { offset: after.bytes, metadataLength: batch.metadataLength, bodyLength: batch.bodyLength },
    ];
    next.bytes = after.bytes + batch.message.length;
    next.rows = after.rows + rows.length;
    return { next, message: batch.message };
  }

  private assertIdle(what: string): void {
    if (this.queued > 0)
      throw new Error(`SnapshotWriter.${what}: queued batches are still being written; await drain() first`);
  }

  /** Append a batch (may be empty: then only the paging state is checkpointed). */
  appendBatch(members: Members, paging: PagingState, extra: X): void {
    this.assertIdle('appendBatch');
    const fd = this.ensureOpen();
    const { next, message } = SnapshotWriter.next(this.cp, members, paging, extra);
    if (message) {
      writeAllSync(fd, message, this.cp.bytes);
      fs.fdatasyncSync(fd);
    }
    writeJsonAtomic(this.paths.checkpoint, next);
    this.cp = next;
    this.planned = next;
  }

  /**
   * `appendBatch` with the I/O queued behind the batches before it (see the file comment).
   * Encodes now; resolves when the batch and its checkpoint are on disk.
   */
  queueBatch(members: Members, paging: PagingState, extra: X): Promise<void> {
    if (this.ioError !== undefined) return Promise.reject(this.ioError);
    const fd = this.ensureOpen();
    const at = this.planned.bytes;
    const { next, message } = SnapshotWriter.next(this.planned, members, paging, extra);
    this.planned = next;
    this.queued++;
    const job = this.io.then(async () => {
      if (this.ioError !== undefined) throw this.ioError;
      if (message) {
        await writeAll(fd, message, at);
        await fdatasyncAsync(fd);
      }
      await writeJsonAtomicAsync(this.paths.checkpoint, next);
      this.cp = next;
    });
    this.io = job.then(
      () => {
        this.queued--;
      },
      (e: unknown) => {
        this.queued--;
        this.ioError ??= e;
      },
    );
    return job;
  }

  /** Resolves when every queued batch is on disk; rejects with the first write failure. */
  async drain(): Promise<void> {
    await this.io;
    if (this.ioError !== undefined) throw this.ioError;
  }

  /** Close the file, write the manifest; returns it. */
  finish(
    reportedAtEnd: number,
    tool: SnapshotManifest['tool'],
    finishedTime = new Date().toISOString(),
  ): SnapshotManifest {
    this.assertIdle('finish');
    if (this.ioError !== undefined) throw this.ioError;
    if (this.cp.phase !== 'finalizing') {
      const fd = this.ensureOpen();
      writeAllSync(fd, fileTrailer(this.cp.blocks), this.cp.bytes);
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      this.fd = null;
      this.cp = {
        ...this.cp,
        phase: 'finalizing',
        reported_at_end: reportedAtEnd,
        finished_time: finishedTime,
      };
      writeJsonAtomic(this.paths.checkpoint, this.cp);
      fs.renameSync(this.paths.part, this.paths.members);
      fsyncDir(this.paths.dir);
    }
    const cp = this.cp;
    const manifest: SnapshotManifest = {
      format: SNAPSHOT_FORMAT,
      format_version: SNAPSHOT_FORMAT_VERSION,
      group: cp.identity.group,
      snapshot_time: cp.snapshot_time,
      finished_time: cp.finished_time ?? finishedTime,
      source: cp.identity.source,
      api_version: cp.identity.api_version,
      counts: {
        reported_at_start: cp.reported_at_start,
        reported_at_end: cp.reported_at_end ?? reportedAtEnd,
        rows_written: cp.rows,
      },
      fields: cp.identity.fields,
      columns: manifestColumns(),
      files: { members: MEMBERS_FILE },
      tool,
    };
    writeJsonAtomic(this.paths.manifest, manifest);
    fs.rmSync(this.paths.partialDir, { recursive: true, force: true });
    fsyncDir(this.paths.dir);
    return manifest;
  }

  /**
   * Release the file and the lock without finishing (the pull can be resumed later). With
   * batches still queued, that happens once their I/O settled.
   */
  close(): void {
    if (this.queued > 0) {
      void this.io.then(() => this.close());
      return;
    }
    if (this.fd !== null && this.fd >= 0) fs.closeSync(this.fd);
    this.fd = null;
    fs.rmSync(this.paths.lock, { force: true });
  }
}
