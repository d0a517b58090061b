/**
 * Is the data file the one the pull wrote? `manifest.json` records its SHA-256 and length;
 * a file changed since (a damaged disk, a copy cut short, a hand edit) is a SnapshotError
 * naming the file, before any number is computed from it. Snapshots written before the
 * checksums were recorded have none: they are read as they are, and `Integrity` says so.
 */
import * as path from 'node:path';
import { sha256, sha256File } from './checksum';
import { SnapshotError } from './manifest';
import type { SnapshotManifest } from './schema';

export type Integrity =
  { checked: true; sha256: string; note: string } | { checked: false; sha256: null; note: string };

/**
 * Check the members file of the finished snapshot in `dir` against its manifest; `bytes`
 * when the file is already in memory (else it is read in pieces).
 */
export function checkMembersFile(dir: string, manifest: SnapshotManifest, bytes?: Uint8Array): Integrity {
  const name = manifest.files.members;
  const file = path.join(dir, name);
  const want = manifest.checksums?.[name];
  if (!want)
    return {
      checked: false,
      sha256: null,
      note: `${path.join(dir, 'manifest.json')} records no checksum (a snapshot written by an earlier version of the tool), so ${name} could not be checked for damage; pull the community again to get one.`,
    };
  const got = bytes ? { sha256: sha256(bytes), bytes: bytes.length } : sha256File(file);
  if (got.bytes !== want.bytes) {
    throw new SnapshotError(
      `${file} is damaged: it is ${got.bytes} bytes long, manifest.json says ${want.bytes}; the file changed after the pull (a copy cut short, a disk error) — pull the community again (delete ${dir} or use another --out directory).`,
    );
  }
  if (got.sha256 !== want.sha256) {
    throw new SnapshotError(
      `${file} is damaged: its SHA-256 is ${got.sha256}, manifest.json records ${want.sha256}; the file changed after the pull (a disk error, an edit) — pull the community again (delete ${dir} or use another --out directory).`,
    );
  }
  return {
    checked: true,
    sha256: got.sha256,
    note: `${name} matches the SHA-256 recorded in manifest.json.`,
  };
}
