/**
 * Members for the follower-model tests: hand-built rows (every field null unless set) and
 * synthetic members from the emulator's generator, serialised as the API sends them and
 * converted by the pull's own row converter, then loaded back from Arrow IPC (so the
 * column readers' Arrow paths are the ones exercised, as on a real snapshot).
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { bool, float64, int16, int32, int8, utf8 } from '@uwdata/flechette';
import { MEMBER_COLUMNS, MEMBER_FIELDS, type MemberRow } from '../../src/snapshot/schema';
import { toMemberRow } from '../../src/snapshot/member-row';
import { CommunityGenerator, type GeneratorOptions } from '../../src/emulator/generator';
import { parseFields, userJson } from '../../src/emulator/serialize';

export const SNAP = '2026-11-01T00:00:00Z';
export const SNAP_SEC = Date.parse(SNAP) / 1000;
export const manifest = { snapshot_time: SNAP };

let nextId = 1;
/** A live, fully coded member unless fields say otherwise. */
export function member(fields: Partial<MemberRow> = {}): MemberRow {
  const row = Object.fromEntries(MEMBER_COLUMNS.map((c) => [c.name, null])) as unknown as MemberRow;
  return {
    ...row,
    id: nextId++,
    first_name: 'Анна',
    sex: 1,
    followers_count: 10,
    last_seen_time: SNAP_SEC - 3600,
    last_seen_platform: 4,
    has_photo: true,
    is_closed: false,
    can_send_friend_request: true,
    can_write_private_message: true,
    relation: 0,
    university_id: 0,
    ...fields,
  };
}

const TYPES = { int32, int16, int8, float64, bool, utf8 } as const;

export function arrowTable(rows: readonly MemberRow[], batchRows = 1000): ColumnTable {
  const cols: Record<string, unknown[]> = {};
  for (const c of MEMBER_COLUMNS) cols[c.name] = rows.map((r) => r[c.name]);
  const types = Object.fromEntries(MEMBER_COLUMNS.map((c) => [c.name, TYPES[c.type]()]));
  const bytes = aq.toArrowIPC(aq.table(cols), { types, maxBatchRows: batchRows } as Parameters<
    typeof aq.toArrowIPC
  >[1]);
  return aq.fromArrow(bytes);
}

/** `n` members of the synthetic community (seed, other generator options), as a snapshot would hold them. */
export function syntheticRows(
  n: number,
  seed = 7,
  options: Omit<GeneratorOptions, 'seed' | 'referenceSec'> = {},
): MemberRow[] {
  const g = new CommunityGenerator({ ...options, seed, referenceSec: SNAP_SEC });
  const fields = parseFields(MEMBER_FIELDS);
  const rows: MemberRow[] = [];
  for (let i = 0; i < n; i++) rows.push(toMemberRow(JSON.parse(userJson(g.member(i), fields, SNAP_SEC))));
  return rows;
}
