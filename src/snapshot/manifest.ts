/**
 * `manifest.json`: validation on read (a clear error naming the file and the problem) and
 * the column list every manifest carries. The type is the contract in schema.ts.
 */
import {
  MEMBER_COLUMNS,
  MEMBERS_FILE,
  SNAPSHOT_FORMAT,
  SNAPSHOT_FORMAT_VERSION,
  type SnapshotManifest,
} from './schema';
import { isObject } from '../util/json-shape';
import { SHA256_HEX } from './checksum';

export class SnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotError';
  }
}

export function manifestColumns(): SnapshotManifest['columns'] {
  return MEMBER_COLUMNS.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable }));
}

/** Parse and check a manifest; `where` names the file in error messages. */
export function parseManifest(text: string, where: string): SnapshotManifest {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch (e) {
    throw new SnapshotError(
      `${where} is not valid JSON (${(e as Error).message}); the snapshot is damaged — pull it again.`,
    );
  }
  const bad = (what: string): never => {
    throw new SnapshotError(
      `${where}: ${what}; this is not a vk-audience-study snapshot manifest (or it is damaged) — pull it again.`,
    );
  };
  if (!isObject(m)) return bad('not a JSON object');
  if (m.format !== SNAPSHOT_FORMAT)
    bad(`"format" is ${JSON.stringify(m.format)}, expected "${SNAPSHOT_FORMAT}"`);
  if (m.format_version !== SNAPSHOT_FORMAT_VERSION) {
    throw new SnapshotError(
      `${where}: snapshot format_version ${JSON.stringify(m.format_version)} is not supported by this version of the tool (expects ${SNAPSHOT_FORMAT_VERSION}); pull the community again with this version.`,
    );
  }
  if (!isObject(m.group) || typeof m.group.id !== 'number') bad('"group.id" is missing');
  if (typeof m.snapshot_time !== 'string' || Number.isNaN(Date.parse(m.snapshot_time)))
    bad('"snapshot_time" is not an ISO date');
  if (!isObject(m.source) || (m.source.kind !== 'synthetic' && m.source.kind !== 'vk'))
    bad('"source.kind" must be "synthetic" or "vk"');
  const counts = m.counts;
  if (
    !isObject(counts) ||
    !['reported_at_start', 'reported_at_end', 'rows_written'].every((k) => Number.isInteger(counts[k]))
  ) {
    bad('"counts" must hold integer reported_at_start, reported_at_end and rows_written');
  }
  if (!isObject(m.files) || typeof m.files.members !== 'string') bad('"files.members" is missing');
  if (!Array.isArray(m.columns)) bad('"columns" is missing');
  const manifest = m as unknown as SnapshotManifest;
  if (manifest.files.members.includes('/') || manifest.files.members.includes('\\')) {
    bad(
      `"files.members" must be a file name in the snapshot directory, got ${JSON.stringify(manifest.files.members)}`,
    );
  }
  if (manifest.files.members !== MEMBERS_FILE)
    bad(`"files.members" is ${JSON.stringify(manifest.files.members)}, expected "${MEMBERS_FILE}"`);
  if (m.checksums !== undefined) {
    const sums = m.checksums;
    if (!isObject(sums)) return bad('"checksums" is not an object');
    for (const [file, c] of Object.entries(sums)) {
      if (
        !isObject(c) ||
        typeof c.sha256 !== 'string' ||
        !SHA256_HEX.test(c.sha256) ||
        !Number.isInteger(c.bytes)
      )
        bad(`"checksums.${file}" must hold a hex "sha256" and an integer "bytes"`);
    }
    if (!isObject(sums[MEMBERS_FILE])) bad(`"checksums" has no entry for ${MEMBERS_FILE}`);
  }
  return manifest;
}
