/**
 * Real snapshot directories for the comparison tests, written by the pull's own writer
 * (test/audit/snapshot-dir.ts), then named as the community they stand for and, for a
 * sample, described by the manifest's `sample` object (docs/compare.md).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Community, communityOf, type CommunityOptions } from '../../src/compare/community';
import type { MemberRow, SnapshotManifest } from '../../src/snapshot/schema';
import { member, plainTable } from '../audit/fixtures';
import { writeSnapshotDir } from '../audit/snapshot-dir';
import { personStatus } from './helpers';

const DAY = 86400;

/** A member row whose fields give status `code` (ACTIVE … BANNED) at `snapshotTime`. */
export function rowFor(id: number, code: number, snapshotTime: string): MemberRow {
  const snap = Date.parse(snapshotTime) / 1000;
  const seen = snap - DAY - (id % 24) * 3600;
  switch (code) {
    case 0:
      return member({
        id,
        first_name: 'Anna',
        sex: 1 + (id % 2),
        last_seen_time: seen,
        city_id: 1 + (id % 3),
        city_title: ['Москва', 'Санкт-Петербург', 'Казань'][id % 3],
        last_seen_platform: 4,
      });
    case 1:
      return member({
        id,
        first_name: 'Ivan',
        sex: 2,
        last_seen_time: seen - 400 * DAY,
        last_seen_platform: 7,
      });
    case 2:
      return member({ id, first_name: 'Olga', sex: 1 });
    case 3:
      return member({ id, first_name: 'DELETED', deactivated: 'deleted' });
    default:
      return member({ id, first_name: 'DELETED', deactivated: 'banned' });
  }
}

/** Rows for people `ids`, each with the status `personStatus(id, seed)` gives. */
export function rowsFor(ids: readonly number[], snapshotTime: string, seed = 1): MemberRow[] {
  return ids.map((id) => rowFor(id, personStatus(id, seed), snapshotTime));
}

export interface CommunitySpec {
  id: number;
  screen_name: string;
  snapshotTime: string;
  /** A sample: the manifest's `sample` object. */
  sample?: Record<string, unknown>;
}

export async function communityDir(rows: MemberRow[], spec: CommunitySpec): Promise<string> {
  const dir = await writeSnapshotDir(rows, spec.snapshotTime);
  const file = path.join(dir, 'manifest.json');
  const m = JSON.parse(fs.readFileSync(file, 'utf8'));
  m.group = { id: spec.id, screen_name: spec.screen_name, name: `Community ${spec.screen_name}` };
  if (spec.sample) m.sample = spec.sample;
  fs.writeFileSync(file, JSON.stringify(m, null, 2));
  return dir;
}

/**
 * A page sample of a census's rows (sorted by id): pages of `pageSize` at the given page
 * numbers, with the `sample` object describing them.
 */
export function samplePages(
  rows: MemberRow[],
  pageSize: number,
  pageNumbers: number[],
): { rows: MemberRow[]; sample: Record<string, unknown> } {
  const sorted = [...rows].sort((a, b) => a.id - b.id);
  const picked = [...pageNumbers].sort((a, b) => a - b);
  const pages = picked.map((p) => ({
    offset: p * pageSize,
    rows: sorted.slice(p * pageSize, (p + 1) * pageSize).length,
  }));
  return {
    rows: picked.flatMap((p) => sorted.slice(p * pageSize, (p + 1) * pageSize)),
    sample: {
      method: 'pages',
      page_size: pageSize,
      members_total: sorted.length,
      pages_total: Math.ceil(sorted.length / pageSize),
      seed: 5,
      pages,
    },
  };
}

/** A community in memory (no directory): the audit's input built from rows. */
export function memoryCommunity(
  rows: MemberRow[],
  spec: CommunitySpec,
  options: CommunityOptions = {},
): Community {
  const manifest = {
    format: 'vk-audience-study/snapshot',
    format_version: 1,
    group: { id: spec.id, screen_name: spec.screen_name, name: `Community ${spec.screen_name}` },
    snapshot_time: spec.snapshotTime,
    finished_time: spec.snapshotTime,
    source: {
      kind: 'synthetic',
      api_base: 'http://127.0.0.1:1/method',
      synthetic: { seed: 1, members: rows.length },
    },
    api_version: '5.199',
    counts: { reported_at_start: rows.length, reported_at_end: rows.length, rows_written: rows.length },
    fields: [],
    columns: [],
    files: { members: 'members.arrow' },
    tool: { name: 'vk-audience-study', version: 'test' },
    ...(spec.sample ? { sample: spec.sample } : {}),
  } as SnapshotManifest;
  return communityOf({ table: plainTable(rows), manifest }, `memory:${spec.screen_name}`, {
    bootstrapReplicates: 200,
    ...options,
  });
}
