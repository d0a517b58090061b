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
 * Checksums: each batch's SHA-256 goes into the checkpoint with it, and a resume checks
 * every committed batch before adding to them; the SHA-256 of the whole file, fed batch by
 * batch as they are encoded, goes into the manifest. A filesystem error (a full disk, a
 * read-only or unsuitable location) is a SnapshotError saying what to do (disk.ts).
 *
 * Finishing: trailer (EOS + footer) appended and fsynced → checkpoint marked
 * "finalizing" → part renamed to members.arrow → manifest.json written atomically →
 * partial directory removed. A kill between any two steps is resumed by `open()`.
 */
import { createHash, webcrypto, type Hash } from 'node:crypto';
import * as fs from 'node:fs';
import { encodeBatch, fileHeader, fileTrailer } from './arrow-ipc';
import { promisify } from 'node:util';
import { fsyncDir, writeJsonAtomic, writeJsonAtomicAsync } from '../util/atomic-write';
import { snapshotPaths, type SnapshotPaths } from './layout';
import { SnapshotError, manifestColumns, parseManifest } from './manifest';
import {
  MEMBERS_FILE,
  SNAPSHOT_FORMAT,
  SNAPSHOT_FORMAT_VERSION,
  type FileChecksum,
  type MemberRow,
  type SampleDesign,
  type SnapshotManifest,
} from './schema';
import { batchFromRows, type MemberBatch } from './member-batch';
import {
  CHECKPOINT_VERSION,
  parseCheckpoint,
  type Checkpoint,
  type CommittedBlock,
  type PagingState,
  type PullIdentity,
} from './checkpoint';
import { hashRanges, sha256, sha256File } from './checksum';
import { checkMembersFile, type Integrity } from './integrity';
import { checkWritable, diskError, makeDirs, removeCreated } from './disk';
import { acquireLock, releaseLock } from './lock';
import { sharesText } from '../vk/synthetic-marker';

export type { Checkpoint, PagingState, PullIdentity } from './checkpoint';

/** What can be written as one record batch: a batch, or rows (tests, hand-built snapshots). */
export type Members = MemberBatch | readonly MemberRow[];

export type OpenResult<X> =
  | { kind: 'finished'; manifest: SnapshotManifest; integrity: Integrity }
  | { kind: 'writer'; writer: SnapshotWriter<X>; resumed: boolean };

export interface NewPull<X> {
  identity: PullIdentity;
  snapshot_time: string;
  reported_at_start: number;
  extra: X;
}

type PartialIdentity = Pick<PullIdentity, 'group'> & Partial<PullIdentity>;
/** What names a community: a pull's identity or a finished snapshot's manifest. */
type CommunityOf = Pick<PullIdentity, 'group'> & Partial<Pick<PullIdentity, 'source'>>;

/**
 * Same community? The synthetic one is identified by its generator settings, not by the
 * emulator's address (a fresh emulator listens on a new port after every restart).
 */
function sameCommunity(a: CommunityOf, b: CommunityOf): boolean {
  if (a.group.id !== b.group.id) return false;
  if (!a.source || !b.source) return true;
  if (a.source.kind !== b.source.kind) return false;
  if (a.source.kind !== 'synthetic') return true;
  const s = a.source.synthetic;
  const t = b.source.synthetic;
  return (
    s?.seed === t?.seed &&
    s?.members === t?.members &&
    s?.bot_share === t?.bot_share &&
    s?.followers_zero_share === t?.followers_zero_share
  );
}

/**
 * A census (null), or a sample of `size` pages (of a finished snapshot) or members (asked
 * for, in an unfinished pull) drawn with `seed` (null: any seed).
 */
type Kind = { size: number; seed: number | null } | null;

function describeKind(k: Kind, unit: 'page' | 'member'): string {
  if (k === null) return 'a census (every member)';
  const seed = k.seed === null ? '' : ` drawn with seed ${k.seed}`;
  return `a sample of ${k.size} ${unit}${k.size === 1 ? '' : 's'}${seed}`;
}

/** Does what the directory holds (`held`) answer what is asked for? */
function sameKind(held: Kind, asked: Kind): boolean {
  if (held === null || asked === null) return held === asked;
  return held.size === asked.size && (asked.seed === null || asked.seed === held.seed);
}

/** A census and a sample never share a directory, nor two different samples. */
function kindError(
  dir: string,
  what: string,
  [held, asked]: [Kind, Kind],
  unit: 'page' | 'member',
  fix: string,
): SnapshotError | null {
  if (sameKind(held, asked)) return null;
  return new SnapshotError(
    `${dir} holds ${what} that is ${describeKind(held, unit)}, and this command asks for ${describeKind(asked, unit)}: a census and a sample (or two samples) never share a directory; ${fix}.`,
  );
}

/** What a finished snapshot holds and what the identity asks for, in pages. */
function manifestKinds(m: SnapshotManifest, asked: PartialIdentity): [Kind, Kind] {
  const s = m.sample;
  const held: Kind = s ? { size: s.pages.length, seed: s.seed } : null;
  const a = asked.sample;
  if (!a) return [held, null];
  const size = s ? Math.min(s.pages_total, Math.ceil(a.members / s.page_size)) : Math.ceil(a.members / 1000);
  return [held, { size, seed: a.seed }];
}

/** The same for an unfinished pull, in members asked for (its pages are the puller's business). */
function checkpointKinds(cp: PullIdentity, asked: PartialIdentity): [Kind, Kind] {
  const k = (s: PullIdentity['sample']): Kind => (s ? { size: s.members, seed: s.seed } : null);
  return [k(cp.sample), k(asked.sample)];
}

/** Same pull: the same community, through the same API base, version and fields. */
function sameIdentity(a: PullIdentity, b: PullIdentity): boolean {
  return (
    sameCommunity(a, b) &&
    (a.source.kind === 'synthetic' || a.source.api_base === b.source.api_base) &&
    a.api_version === b.api_version &&
    a.fields.join(',') === b.fields.join(',')
  );
}

/** "RIA Novosti (ria, id 15755094)", or the synthetic community with its generator settings. */
function describeCommunity(c: CommunityOf): string {
  const g = `${c.group.name ?? c.group.screen_name} (${c.group.screen_name}, id ${c.group.id})`;
  const s = c.source?.synthetic;
  return c.source?.kind === 'synthetic' && s
    ? `${g}, synthetic with seed ${s.seed} and ${s.members} members${sharesText(s) ? ` (${sharesText(s)})` : ''}`
    : g;
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

function readRange(fd: number, start: number, end: number): Buffer {
  const buf = Buffer.alloc(end - start);
  let done = 0;
  while (done < buf.length) {
    const n = fs.readSync(fd, buf, done, buf.length - done, start + done);
    if (n === 0) break;
    done += n;
  }
  return buf.subarray(0, done);
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
    /** SHA-256 of the part file's bytes up to `planned.bytes` (null once finalizing). */
    private whole: Hash | null,
  ) {
    this.fd = fd;
    this.planned = cp;
  }

  /**
   * Open `dir` for a pull: a finished snapshot of the same community is reported as such
   * (after its checksum is checked); an unfinished one of the same pull is resumed (after
   * the checksums of its committed batches are checked); otherwise a new pull starts.
   * `fresh()` is only called (and only then may it make API calls) when there is nothing
   * to resume. Every problem of the directory is a SnapshotError saying what to do.
   */
  static async open<X>(
    dir: string,
    identity: PartialIdentity | null,
    fresh: () => Promise<NewPull<X>>,
  ): Promise<OpenResult<X>> {
    const paths = snapshotPaths(dir);
    const existing = SnapshotWriter.existing<X>(paths, identity);
    if (existing) return existing;
    // A location that cannot hold a snapshot fails before the API is asked anything.
    checkWritable(paths.dir);
    const init = await fresh();
    return SnapshotWriter.start(paths, init);
  }

  /** A finished snapshot or an unfinished pull in the directory, or null when there is neither. */
  private static existing<X>(paths: SnapshotPaths, identity: PartialIdentity | null): OpenResult<X> | null {
    try {
      if (fs.existsSync(paths.manifest) && !fs.existsSync(paths.checkpoint)) {
        const manifest = parseManifest(fs.readFileSync(paths.manifest, 'utf8'), paths.manifest);
        if (identity && !sameCommunity(manifest, identity)) {
          throw new SnapshotError(
            `${paths.dir} holds the finished snapshot of ${describeCommunity(manifest)}, pulled ${manifest.snapshot_time}, not of ${describeCommunity(identity)}; use another --out directory (or delete ${paths.dir} to replace it).`,
          );
        }
        const mixed =
          identity &&
          kindError(
            paths.dir,
            'a finished snapshot',
            manifestKinds(manifest, identity),
            'page',
            `use another --out directory (or delete ${paths.dir} to replace it)`,
          );
        if (mixed) throw mixed;
        return { kind: 'finished', manifest, integrity: checkMembersFile(paths.dir, manifest) };
      }
      if (fs.existsSync(paths.checkpoint)) {
        const cp = parseCheckpoint<X>(
          fs.readFileSync(paths.checkpoint, 'utf8'),
          paths.checkpoint,
          paths.partialDir,
        );
        if (identity && !sameCommunity(cp.identity, identity)) {
          throw new SnapshotError(
            `${paths.dir} holds an unfinished pull of ${describeCommunity(cp.identity)}, not of ${describeCommunity(identity)}; use another --out directory or delete ${paths.partialDir}.`,
          );
        }
        const mixed =
          identity &&
          kindError(
            paths.dir,
            'an unfinished pull',
            checkpointKinds(cp.identity, identity),
            'member',
            `use another --out directory or delete ${paths.partialDir}`,
          );
        if (mixed) throw mixed;
        if (
          identity &&
          identity.fields &&
          identity.api_version &&
          identity.source &&
          !sameIdentity(cp.identity, identity as PullIdentity)
        ) {
          throw new SnapshotError(
            `${paths.dir} holds an unfinished pull made with other settings (API base, API version or fields); use another --out directory or delete ${paths.partialDir}.`,
          );
        }
        acquireLock(paths.lock, paths.dir);
        try {
          return { kind: 'writer', writer: SnapshotWriter.resume(paths, cp), resumed: true };
        } catch (e) {
          releaseLock(paths.lock);
          throw e;
        }
      }
      if (fs.existsSync(paths.members)) {
        throw new SnapshotError(
          `${paths.dir} already holds ${MEMBERS_FILE} without a manifest or a checkpoint (not written by this tool, or damaged); use another --out directory or delete it.`,
        );
      }
      return null;
    } catch (e) {
      throw diskError(e, paths.partialDir, paths.dir, 'resumable');
    }
  }

  /** A new pull: directory, lock, part file with its header, first checkpoint — or nothing at all. */
  private static start<X>(paths: SnapshotPaths, init: NewPull<X>): OpenResult<X> {
    let created: string[] = [];
    let locked = false;
    let fd: number | undefined;
    let file = paths.lock;
    try {
      created = makeDirs(paths.partialDir);
      acquireLock(paths.lock, paths.dir);
      locked = true;
      if (fs.existsSync(paths.checkpoint)) {
        // Another pull started here while our first page was on its way.
        throw new SnapshotError(
          `another pull started writing ${paths.dir} at the same time; use another --out directory.`,
        );
      }
      const header = fileHeader();
      file = paths.part;
      fd = fs.openSync(paths.part, 'w', 0o644);
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
      file = paths.checkpoint;
      writeJsonAtomic(paths.checkpoint, cp);
      fsyncDir(paths.dir);
      const whole = createHash('sha256').update(header);
      return { kind: 'writer', writer: new SnapshotWriter(paths, cp, fd, whole), resumed: false };
    } catch (e) {
      // Nothing half-written: without its first checkpoint the pull leaves nothing behind.
      if (fd !== undefined) fs.closeSync(fd);
      if (locked) {
        if (!fs.existsSync(paths.checkpoint)) fs.rmSync(paths.part, { force: true });
        releaseLock(paths.lock);
      }
      removeCreated(created);
      throw diskError(e, file, paths.dir, 'nothing');
    }
  }

  private static resume<X>(paths: SnapshotPaths, cp: Checkpoint<X>): SnapshotWriter<X> {
    const damaged = (what: string) =>
      new SnapshotError(
        `${what}; the unfinished pull is damaged — delete ${paths.partialDir} and run the same command again to pull from the start.`,
      );
    if (cp.phase === 'finalizing' && !fs.existsSync(paths.part)) {
      // Killed after the rename: the finished file is in place; only the manifest is missing.
      if (!fs.existsSync(paths.members))
        throw damaged(`${paths.checkpoint} is finalizing but ${paths.members} is missing`);
      const got = sha256File(paths.members);
      const want = cp.members_checksum;
      if (want && (want.sha256 !== got.sha256 || want.bytes !== got.bytes))
        throw damaged(`${paths.members} does not match the checksum in ${paths.checkpoint}`);
      return new SnapshotWriter(paths, { ...cp, members_checksum: got }, -1, null);
    }
    if (!fs.existsSync(paths.part)) throw damaged(`${paths.checkpoint} exists but ${paths.part} is missing`);
    const size = fs.statSync(paths.part).size;
    if (size < cp.bytes)
      throw damaged(`${paths.part} is shorter (${size} B) than its checkpoint says (${cp.bytes} B)`);
    const fd = fs.openSync(paths.part, 'r+');
    try {
      // Drop a batch (or trailer) written after the last checkpoint: it is fetched again.
      fs.ftruncateSync(fd, cp.bytes);
      // Every committed byte is checked before more are added behind it.
      const header = fileHeader();
      const headerEnd = cp.blocks.length ? cp.blocks[0].offset : cp.bytes;
      if (headerEnd !== header.length || !readRange(fd, 0, headerEnd).equals(header)) {
        throw new SnapshotError(
          `${paths.part} does not start with the Arrow schema this version of the tool writes (written by another version, or damaged); delete ${paths.partialDir} and run the same command again to pull from the start.`,
        );
      }
      const whole = createHash('sha256').update(header);
      const sums = hashRanges(
        fd,
        cp.blocks.map((b) => [b.offset, b.offset + b.metadataLength + b.bodyLength] as const),
        whole,
      );
      cp.blocks.forEach((b, k) => {
        if (b.sha256 !== undefined && b.sha256 !== sums[k])
          throw damaged(
            `${paths.part} is damaged: record batch ${k + 1} of ${cp.blocks.length} (bytes ${b.offset}–${b.offset + b.metadataLength + b.bodyLength}) does not match its SHA-256 in ${paths.checkpoint}`,
          );
      });
      const resumed: Checkpoint<X> = {
        ...cp,
        phase: 'pulling',
        reported_at_end: null,
        finished_time: null,
        members_checksum: undefined,
      };
      return new SnapshotWriter(paths, resumed, fd, whole);
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
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

  /**
   * The checkpoint after `members` follow `after`, and the bytes to write at `after.bytes`;
   * the new block's `sha256` is the caller's to fill in before the checkpoint is written.
   */
  private static next<X>(
    after: Checkpoint<X>,
    members: Members,
    paging: PagingState,
    extra: X,
  ): { next: Checkpoint<X>; message: Uint8Array | null; block: CommittedBlock | null } {
    const next: Checkpoint<X> = { ...after, paging: { ...paging }, extra };
    const rows = Array.isArray(members)
      ? batchFromRows(members as readonly MemberRow[])
      : (members as MemberBatch);
    if (rows.length === 0) return { next, message: null, block: null };
    const { batch } = encodeBatch(rows);
    const block: CommittedBlock = {
      offset: after.bytes,
      metadataLength: batch.metadataLength,
      bodyLength: batch.bodyLength,
    };
    next.blocks = [...after.blocks, block];
    next.bytes = after.bytes + batch.message.length;
    next.rows = after.rows + rows.length;
    return { next, message: batch.message, block };
  }

  private assertIdle(what: string): void {
    if (this.queued > 0)
      throw new Error(`SnapshotWriter.${what}: queued batches are still being written; await drain() first`);
  }

  /** A filesystem error as the sentence for the user; the writer accepts no more batches. */
  private failed(e: unknown, file: string): unknown {
    const mapped = diskError(e, file, this.paths.dir, 'resumable');
    this.ioError ??= mapped;
    return mapped;
  }

  /** Append a batch (may be empty: then only the paging state is checkpointed). */
  appendBatch(members: Members, paging: PagingState, extra: X): void {
    this.assertIdle('appendBatch');
    if (this.ioError !== undefined) throw this.ioError;
    const fd = this.ensureOpen();
    const { next, message, block } = SnapshotWriter.next(this.cp, members, paging, extra);
    if (message && block) block.sha256 = sha256(message);
    try {
      if (message) {
        writeAllSync(fd, message, this.cp.bytes);
        fs.fdatasyncSync(fd);
      }
      writeJsonAtomic(this.paths.checkpoint, next);
    } catch (e) {
      throw this.failed(e, message ? this.paths.part : this.paths.checkpoint);
    }
    if (message) this.whole!.update(message);
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
    const { next, message, block } = SnapshotWriter.next(this.planned, members, paging, extra);
    // The whole file's hash is fed in file order, now (should a write fail, the writer takes
    // no more batches); the batch's own is computed in the thread pool, beside the writes.
    if (message) this.whole!.update(message);
    const digest = message ? webcrypto.subtle.digest('SHA-256', message) : null;
    digest?.catch(() => undefined); // met when awaited below, if the batch gets that far
    this.planned = next;
    this.queued++;
    const job = this.io.then(async () => {
      if (this.ioError !== undefined) throw this.ioError;
      let file = this.paths.part;
      try {
        if (message && block && digest) {
          await writeAll(fd, message, at);
          await fdatasyncAsync(fd);
          block.sha256 = Buffer.from(await digest).toString('hex');
        }
        file = this.paths.checkpoint;
        await writeJsonAtomicAsync(this.paths.checkpoint, next);
      } catch (e) {
        throw this.failed(e, file);
      }
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

  /**
   * Close the file, write the manifest (with the members file's checksum, and the design of
   * a sample); returns it.
   */
  finish(
    reportedAtEnd: number,
    tool: SnapshotManifest['tool'],
    finishedTime = new Date().toISOString(),
    sample?: SampleDesign,
  ): SnapshotManifest {
    this.assertIdle('finish');
    if (this.ioError !== undefined) throw this.ioError;
    let file = this.paths.part;
    try {
      if (this.cp.phase !== 'finalizing') {
        const fd = this.ensureOpen();
        const trailer = fileTrailer(this.cp.blocks);
        writeAllSync(fd, trailer, this.cp.bytes);
        fs.fsyncSync(fd);
        fs.closeSync(fd);
        this.fd = null;
        const checksum: FileChecksum = {
          sha256: this.whole!.update(trailer).digest('hex'),
          bytes: this.cp.bytes + trailer.length,
        };
        this.whole = null;
        this.cp = {
          ...this.cp,
          phase: 'finalizing',
          reported_at_end: reportedAtEnd,
          finished_time: finishedTime,
          members_checksum: checksum,
        };
        file = this.paths.checkpoint;
        writeJsonAtomic(this.paths.checkpoint, this.cp);
        file = this.paths.members;
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
        checksums: { [MEMBERS_FILE]: cp.members_checksum ?? sha256File(this.paths.members) },
        ...(sample ? { sample } : {}),
        tool,
      };
      file = this.paths.manifest;
      writeJsonAtomic(this.paths.manifest, manifest);
      fs.rmSync(this.paths.partialDir, { recursive: true, force: true });
      fsyncDir(this.paths.dir);
      return manifest;
    } catch (e) {
      throw this.failed(e, file);
    }
  }

  /**
   * Release the file and the lock without finishing (the pull can be resumed later). With
   * batches still queued, that happens once their I/O settled. After a failed write the
   * part file is cut back to its checkpoint, so no torn batch takes space on a full disk.
   */
  close(): void {
    if (this.queued > 0) {
      void this.io.then(() => this.close());
      return;
    }
    if (this.fd !== null && this.fd >= 0) {
      if (this.ioError !== undefined) {
        try {
          fs.ftruncateSync(this.fd, this.cp.bytes);
        } catch {
          // the resume cuts it off in any case
        }
      }
      fs.closeSync(this.fd);
    }
    this.fd = null;
    releaseLock(this.paths.lock);
  }
}
