/**
 * Where things live in a snapshot directory.
 *
 *   <dir>/members.arrow        finished members table (Arrow IPC file format)
 *   <dir>/manifest.json        written last, atomically: its presence = finished
 *   <dir>/.pull-partial/       only while a pull is unfinished:
 *       members.arrow.part     the growing IPC file (header + whole record batches)
 *       checkpoint.json        next offset, counts, rows, bytes and batch checksums so far
 *       lock                   pid and start time of the pulling process (lock.ts)
 *
 * An unfinished directory has no manifest and no members.arrow except for the instant
 * between the final rename and the manifest write — and a reader requires the manifest.
 */
import * as path from 'node:path';
import { MANIFEST_FILE, MEMBERS_FILE } from './schema';

export const PARTIAL_DIR = '.pull-partial';
export const PART_FILE = 'members.arrow.part';
export const CHECKPOINT_FILE = 'checkpoint.json';
export const LOCK_FILE = 'lock';

export interface SnapshotPaths {
  dir: string;
  members: string;
  manifest: string;
  partialDir: string;
  part: string;
  checkpoint: string;
  /** Names the process writing the pull (one writer per directory, lock.ts). */
  lock: string;
}

export function snapshotPaths(dir: string): SnapshotPaths {
  const partialDir = path.join(dir, PARTIAL_DIR);
  return {
    dir,
    members: path.join(dir, MEMBERS_FILE),
    manifest: path.join(dir, MANIFEST_FILE),
    partialDir,
    part: path.join(partialDir, PART_FILE),
    checkpoint: path.join(partialDir, CHECKPOINT_FILE),
    lock: path.join(partialDir, LOCK_FILE),
  };
}
