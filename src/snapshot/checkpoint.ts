/**
 * `.pull-partial/checkpoint.json`: the state an unfinished pull resumes from, and its check
 * on read. The file is replaced atomically, so a torn one is damage from outside; a shape
 * this version does not write (another version of the tool, an edit) is named as such —
 * either way a sentence naming the file and what to do, never a JSON parser's message or a
 * TypeError from a missing key.
 */
import type { ArrowBlock } from './arrow-ipc';
import { SHA256_HEX } from './checksum';
import { SnapshotError } from './manifest';
import type { FileChecksum, SnapshotManifest } from './schema';
import { isObject } from '../util/json-shape';

export const CHECKPOINT_VERSION = 1;

/** What identifies a pull: resuming is refused when the same directory held another one. */
export interface PullIdentity {
  group: SnapshotManifest['group'];
  source: SnapshotManifest['source'];
  api_version: string;
  fields: string[];
  /**
   * A sample pull (vk/sample.ts): the members asked for and the seed of the draw (null in a
   * request that left the seed to the pull; the checkpoint holds the one drawn). Absent: a
   * census, every member.
   */
  sample?: { members: number; seed: number | null };
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

/** A record batch committed to the part file, with the SHA-256 of its bytes. */
export interface CommittedBlock extends ArrowBlock {
  /** Absent in checkpoints written before checksums were recorded. */
  sha256?: string;
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
  blocks: CommittedBlock[];
  phase: 'pulling' | 'finalizing';
  reported_at_end: number | null;
  finished_time: string | null;
  /** Once finalizing: the finished members file's checksum, for the manifest. */
  members_checksum?: FileChecksum;
  /** Extra state of the puller (e.g. statistics), opaque to the writer. */
  extra: X;
}

const isInt = (v: unknown, min = 0): v is number => Number.isSafeInteger(v) && (v as number) >= min;

/** The first problem with the checkpoint's shape, or null when it is one this version writes. */
function problem(c: Record<string, unknown>): string | null {
  const id = c.identity;
  if (
    !isObject(id) ||
    !isObject(id.group) ||
    !isInt(id.group.id, 1) ||
    typeof id.group.screen_name !== 'string' ||
    !isObject(id.source) ||
    (id.source.kind !== 'vk' && id.source.kind !== 'synthetic') ||
    typeof id.api_version !== 'string' ||
    !Array.isArray(id.fields) ||
    !id.fields.every((f) => typeof f === 'string')
  )
    return '"identity" (group, source, API version, fields) is missing or incomplete';
  const sample = id.sample;
  if (
    sample !== undefined &&
    (!isObject(sample) || !isInt(sample.members, 1) || !Number.isSafeInteger(sample.seed))
  )
    return '"identity.sample" is not {members, seed}';
  if (typeof c.snapshot_time !== 'string' || Number.isNaN(Date.parse(c.snapshot_time)))
    return '"snapshot_time" is not a date';
  const p = c.paging;
  if (!isObject(p) || !isInt(p.next_offset) || !isInt(p.last_count) || !isInt(p.last_id))
    return '"paging" is missing or not whole numbers';
  if (!isInt(c.reported_at_start) || !isInt(c.rows) || !isInt(c.bytes, 1))
    return '"reported_at_start", "rows" or "bytes" is not a whole number';
  if (!Array.isArray(c.blocks)) return '"blocks" is missing';
  let end = -1;
  for (const b of c.blocks as unknown[]) {
    if (!isObject(b) || !isInt(b.offset, 1) || !isInt(b.metadataLength, 1) || !isInt(b.bodyLength))
      return 'a block is not {offset, metadataLength, bodyLength}';
    if (b.sha256 !== undefined && (typeof b.sha256 !== 'string' || !SHA256_HEX.test(b.sha256)))
      return 'a block\'s "sha256" is not a hex digest';
    if (end >= 0 && b.offset !== end) return 'the blocks do not follow each other';
    end = b.offset + b.metadataLength + b.bodyLength;
  }
  if (end >= 0 && end !== c.bytes) return '"bytes" is not where the last block ends';
  if (c.phase !== 'pulling' && c.phase !== 'finalizing')
    return '"phase" is neither "pulling" nor "finalizing"';
  if (c.reported_at_end !== null && !isInt(c.reported_at_end))
    return '"reported_at_end" is not a whole number';
  if (c.finished_time !== null && typeof c.finished_time !== 'string') return '"finished_time" is not a date';
  const mc = c.members_checksum;
  if (mc !== undefined && (!isObject(mc) || typeof mc.sha256 !== 'string' || !isInt(mc.bytes)))
    return '"members_checksum" is not {sha256, bytes}';
  if (!isObject(c.extra)) return '"extra" is not an object';
  return null;
}

/** Parse and check a checkpoint; `where` names the file, `partialDir` what to delete. */
export function parseCheckpoint<X>(text: string, where: string, partialDir: string): Checkpoint<X> {
  const startOver = `delete ${partialDir} and run the same command again to pull from the start`;
  let c: unknown;
  try {
    c = JSON.parse(text);
  } catch (e) {
    throw new SnapshotError(
      `${where} is damaged (not valid JSON: ${(e as Error).message}), so the unfinished pull cannot be resumed; ${startOver}.`,
    );
  }
  if (!isObject(c))
    throw new SnapshotError(
      `${where} is damaged (not a JSON object); the unfinished pull cannot be resumed; ${startOver}.`,
    );
  if (c.checkpoint_version !== CHECKPOINT_VERSION) {
    throw new SnapshotError(
      `${where} has checkpoint_version ${JSON.stringify(c.checkpoint_version) ?? 'missing'}, and this version of the tool reads ${CHECKPOINT_VERSION}: it was written by another version (finish the pull with that one), or it is damaged; otherwise ${startOver}.`,
    );
  }
  const bad = problem(c);
  if (bad !== null)
    throw new SnapshotError(
      `${where} is not a checkpoint this version of the tool wrote (${bad}): damaged, or written by another version; ${startOver}.`,
    );
  return c as unknown as Checkpoint<X>;
}
