/**
 * Snapshots for the export tests, written by the pull's own snapshot writer (hand-built
 * rows: every status rule and edge, every cell oddity) or pulled from the emulator (a
 * synthetic community through the real client), and DuckDB opened the way an analyst
 * would, with extension downloads off (this machine has no network, and the test must
 * not pass only because something was fetched).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { snapshotSeconds } from '../../src/audit/input';
import { classifyStatus, STATUSES, summarizeStatus, type MemberStatus } from '../../src/audit/status';
import { EXPORT_COLUMNS } from '../../src/export/columns';
import { readSnapshot } from '../../src/snapshot/read';
import { startEmulator } from '../../src/emulator/index';
import type { MemberRow } from '../../src/snapshot/schema';
import { writeSnapshotAt } from '../audit/snapshot-dir';
import { pullMembers } from '../../src/vk/members';
import { Rng } from '../../src/util/rng';

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `vkas-export-${prefix}-`));
}

export function writeSnapshot(
  dir: string,
  rows: MemberRow[],
  opts: { groupId: number; snapshotTime: string; kind?: 'synthetic' | 'vk' },
): Promise<string> {
  return writeSnapshotAt(dir, rows, {
    snapshotTime: opts.snapshotTime,
    kind: opts.kind ?? 'vk',
    group: { id: opts.groupId, screen_name: `club${opts.groupId}`, name: `Community ${opts.groupId}` },
    batch: 700, // several record batches, not a multiple of anything
  });
}

const EMPTY: Omit<MemberRow, 'id'> = {
  first_name: null,
  deactivated: null,
  is_closed: null,
  can_access_closed: null,
  sex: null,
  bdate_visibility: null,
  birth_year: null,
  city_id: null,
  city_title: null,
  country_id: null,
  country_title: null,
  has_photo: null,
  last_seen_time: null,
  last_seen_platform: null,
  online_info_visible: null,
  online_info_status: null,
  followers_count: null,
  can_send_friend_request: null,
  can_write_private_message: null,
  can_see_all_posts: null,
  relation: null,
  university_id: null,
  graduation_year: null,
  education_status: null,
  occupation_type: null,
  verified: null,
  has_mobile: null,
  status_length: null,
};

const DAY = 86400;

/**
 * Rows through every branch of the status rules (docs/status.md) — the inactivity edge
 * exactly, visits after the snapshot, last_seen 0 or negative, each online_info status,
 * unknown ones — and cells that test a format: nulls in every nullable column, empty and
 * quoted strings, line breaks, commas, Cyrillic, an emoji, the extremes of each integer
 * type. `t` is the snapshot time in unix seconds.
 */
export function edgeRows(t: number, n: number, seed: number): MemberRow[] {
  const rng = new Rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)];
  const maybe = <T>(v: T): T | null => (rng.uniform() < 0.25 ? null : v);
  const texts = [
    'Анастасия',
    'Ivan',
    'DELETED',
    '',
    'a,b',
    'say "hi"',
    'two\nlines',
    'cr\r\nlf',
    ' pad ',
    '🙂',
  ];
  const lastSeen = [
    t - 183 * DAY, // exactly at the edge: still active
    t - 183 * DAY - 1,
    t - 183 * DAY + 0.5,
    t - 10,
    t + 3600, // seen after the pull started
    0,
    -5,
    t - 400 * DAY,
  ];
  const online = ['recently', 'last_week', 'last_month', 'long_ago', 'not_show', 'sometime'];
  const rows: MemberRow[] = [];
  let id = 1;
  for (let i = 0; i < n; i++) {
    id += 1 + rng.int(3);
    rows.push({
      ...EMPTY,
      id: i === 0 ? 2147483647 : id,
      first_name: maybe(pick(texts)),
      deactivated: rng.uniform() < 0.2 ? pick(['deleted', 'banned'] as const) : null,
      is_closed: maybe(rng.uniform() < 0.5),
      can_access_closed: maybe(rng.uniform() < 0.5),
      sex: maybe(pick([0, 1, 2, 127, -128])),
      bdate_visibility: maybe(pick(['full', 'no_year'] as const)),
      birth_year: maybe(pick([1940, 2009, 32767, -32768])),
      city_id: maybe(pick([1, 2, 2147483647, -2147483648])),
      city_title: maybe(pick(texts)),
      country_id: maybe(1 + rng.int(250)),
      country_title: maybe('Россия'),
      has_photo: maybe(rng.uniform() < 0.7),
      last_seen_time: rng.uniform() < 0.2 ? null : pick(lastSeen),
      last_seen_platform: maybe(1 + rng.int(7)),
      online_info_visible: maybe(rng.uniform() < 0.9),
      online_info_status: rng.uniform() < 0.3 ? null : pick(online),
      followers_count: maybe(rng.int(100_000)),
      can_send_friend_request: maybe(rng.uniform() < 0.5),
      can_write_private_message: maybe(rng.uniform() < 0.5),
      can_see_all_posts: maybe(rng.uniform() < 0.5),
      relation: maybe(rng.int(9)),
      university_id: maybe(rng.int(5000)),
      graduation_year: maybe(1960 + rng.int(70)),
      education_status: maybe(pick(texts)),
      occupation_type: maybe(pick(['school', 'university', 'work'])),
      verified: maybe(rng.uniform() < 0.01),
    });
  }
  return rows.sort((a, b) => a.id - b.id);
}

/** A small synthetic community pulled from the emulator into `dir` (the real client and writer). */
export async function pullSynthetic(dir: string, members: number, groupId: number): Promise<string> {
  const emu = await startEmulator({ members, seed: 5, groupId, rateLimitPerSecond: 0 });
  try {
    await pullMembers({ token: emu.token, group: emu.screenName, out: dir, base: emu.base, rateLimit: 0 });
  } finally {
    await emu.close();
  }
  return dir;
}

/** DuckDB in memory with extension installs and autoloading off. */
export async function duckdb(): Promise<{ con: DuckDBConnection; close: () => void }> {
  const instance = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    threads: '1',
  });
  const con = await instance.connect();
  return {
    con,
    close: () => {
      con.closeSync();
      instance.closeSync();
    },
  };
}

/** Rows of a query as plain JS objects (DuckDB's BIGINT counts as numbers). */
export async function query(con: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await con.runAndReadAll(sql);
  return reader
    .getRowObjectsJS()
    .map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])),
    );
}

/**
 * The fenced code block that follows `<!-- check: NAME -->` in docs/export.md: the docs
 * show exactly what the tests run.
 */
export function docSnippet(name: string): string {
  const doc = fs.readFileSync(path.resolve(__dirname, '../../../docs/export.md'), 'utf8');
  const marker = `<!-- check: ${name} -->`;
  const at = doc.indexOf(marker);
  if (at < 0) throw new Error(`docs/export.md has no "${marker}"`);
  const m = /```[a-z]*\n([\s\S]*?)```/.exec(doc.slice(at + marker.length));
  if (!m) throw new Error(`docs/export.md: no code block after "${marker}"`);
  return m[1];
}

/** The audit's own status counts for a snapshot. */
export function auditCounts(dir: string): Record<MemberStatus, number> {
  const s = readSnapshot(dir);
  return summarizeStatus(classifyStatus({ table: s.table, manifest: s.manifest })).counts;
}

/** Status counts from rows of (status, members), zero for a status with no row. */
export function countsOf(rows: Record<string, unknown>[]): Record<MemberStatus, number> {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<MemberStatus, number>;
  for (const r of rows) {
    expect(STATUSES).to.include(r.status);
    counts[r.status as MemberStatus] = r.members as number;
  }
  return counts;
}

/** Every exported cell equals the snapshot's (and snapshot_time its manifest's). */
export async function expectSameValues(
  con: DuckDBConnection,
  from: string,
  snapshotDir: string,
): Promise<void> {
  const snap = readSnapshot(snapshotDir);
  const rows = await query(con, `SELECT * FROM ${from} ORDER BY id`);
  expect(rows.length).to.equal(snap.table.numRows());
  const t = snapshotSeconds(snap.manifest);
  const ids = snap.table.array('id') as ArrayLike<number>;
  const order = Array.from({ length: ids.length }, (_, i) => i).sort((a, b) => ids[a] - ids[b]);
  for (const c of EXPORT_COLUMNS) {
    const values = c.origin === 'export' ? null : (snap.table.array(c.name) as ArrayLike<unknown>);
    const want = order.map((i) => (values === null ? t : values[i]));
    const got = rows.map((r) => r[c.name]);
    expect(got, c.name).to.deep.equal(want);
  }
}
