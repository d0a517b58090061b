/**
 * The live members of a snapshot as the bot stages see them: which rows are live, their
 * ids, the columns the score reads, and the fields a labeller looks at.
 *
 * Live = not `deleted` and not `banned` (the audit's rule 1, src/audit/status.ts). The live
 * members are always taken in the snapshot's row order, so the same snapshot and seed draw
 * the same labelling sample in `npm run label-sample` and when the audit checks it.
 *
 * Columns are read once each with the audit's typed-array readers (src/audit/columns.ts),
 * which the status, time and geography summaries share, so scoring adds one pass.
 */
import type { ColumnTable } from 'arquero';
import { CODE_NULL, readBool, readCategory, readNumber } from '../audit/columns';
import { EXISTING_SNAPSHOT_COLUMNS, NEW_SNAPSHOT_COLUMNS, type BotColumns } from './columns';
import type { SheetMember } from './label-sample';

const WHAT = 'bot score';
const DEACTIVATED = ['deleted', 'banned'] as const;
const BDATE = ['full', 'no_year'] as const;
const OCCUPATION = ['school', 'university', 'work'] as const;

/** Every snapshot column the score reads. */
export const SCORE_COLUMNS: readonly (keyof BotColumns)[] = [
  ...EXISTING_SNAPSHOT_COLUMNS,
  ...NEW_SNAPSHOT_COLUMNS.map((c) => c.name),
];

export interface LiveMembers {
  /** Row numbers (table order) of the live members. */
  rows: Int32Array;
  /** VK id of each live member, aligned with `rows`. */
  ids: Float64Array;
  /** All members of the snapshot (live, deleted and banned). */
  members: number;
}

/** The live members, in table order. */
export function liveMembers(table: ColumnTable): LiveMembers {
  const deact = readCategory(table, 'deactivated', DEACTIVATED, WHAT);
  const id = readNumber(table, 'id', WHAT);
  const n = table.numRows();
  let live = 0;
  for (let i = 0; i < n; i++) if (deact.codes[i] === CODE_NULL) live++;
  const rows = new Int32Array(live);
  const ids = new Float64Array(live);
  for (let i = 0, k = 0; i < n; i++) {
    if (deact.codes[i] !== CODE_NULL) continue;
    rows[k] = i;
    ids[k++] = id[i];
  }
  return { rows, ids, members: n };
}

/** Why the score cannot be computed on this snapshot, or null when it can. */
export interface ScoreUnavailable {
  reason: string;
  missing_columns: string[];
}

/**
 * The score needs every column in SCORE_COLUMNS. A snapshot pulled before `has_mobile` and
 * `status_length` were stored lacks them; one whose pull did not ask VK for the field has
 * the column but null for every live member — scoring it would read "status absent" for
 * everyone, the strongest bot signal the labelled data show, so it is refused too.
 */
export function scoreUnavailable(table: ColumnTable, live: LiveMembers): ScoreUnavailable | null {
  const missing = SCORE_COLUMNS.filter((c) => table.column(c) === undefined);
  if (missing.length > 0) {
    return {
      reason:
        `the bot score needs the snapshot column(s) ${missing.join(', ')}, which this snapshot does not have ` +
        '(it was pulled before they were stored); pull the community again with this version (npm run pull) to get them',
      missing_columns: [...missing],
    };
  }
  if (live.rows.length === 0)
    return { reason: 'the snapshot has no live members to score', missing_columns: [] };
  const empty = NEW_SNAPSHOT_COLUMNS.filter((c) => {
    const v = c.type === 'bool' ? readBool(table, c.name, WHAT) : readNumber(table, c.name, WHAT);
    for (const r of live.rows) if (c.type === 'bool' ? v[r] !== -1 : !Number.isNaN(v[r])) return false;
    return true;
  }).map((c) => c.name);
  if (empty.length > 0) {
    return {
      reason:
        `VK returned no ${empty.join(' and no ')} for any live member (the column(s) ${empty.join(', ')} are null throughout), ` +
        `so the pull did not ask for the field(s) ${NEW_SNAPSHOT_COLUMNS.filter((c) => empty.includes(c.name))
          .map((c) => c.field)
          .join(', ')}; pull the community again with this version (npm run pull)`,
      missing_columns: empty,
    };
  }
  return null;
}

/** The score's columns of every member as typed arrays (nulls as NaN / -1 / CODE_NULL). */
export interface ScoreColumnArrays {
  deactivated: Int8Array;
  is_closed: Int8Array;
  sex: Float64Array;
  bdate_visibility: Int8Array;
  city_id: Float64Array;
  has_photo: Int8Array;
  followers_count: Float64Array;
  can_send_friend_request: Int8Array;
  can_write_private_message: Int8Array;
  can_see_all_posts: Int8Array;
  relation: Float64Array;
  occupation_type: Int8Array;
  verified: Int8Array;
  has_mobile: Int8Array;
  status_length: Float64Array;
}

export function scoreColumnArrays(table: ColumnTable): ScoreColumnArrays {
  const bool = (name: string): Int8Array => readBool(table, name, WHAT);
  const num = (name: string): Float64Array => readNumber(table, name, WHAT);
  const cat = (name: string, levels: readonly string[]): Int8Array =>
    readCategory(table, name, levels, WHAT).codes;
  return {
    deactivated: cat('deactivated', DEACTIVATED),
    is_closed: bool('is_closed'),
    sex: num('sex'),
    bdate_visibility: cat('bdate_visibility', BDATE),
    city_id: num('city_id'),
    has_photo: bool('has_photo'),
    followers_count: num('followers_count'),
    can_send_friend_request: bool('can_send_friend_request'),
    can_write_private_message: bool('can_write_private_message'),
    can_see_all_posts: bool('can_see_all_posts'),
    relation: num('relation'),
    occupation_type: cat('occupation_type', OCCUPATION),
    verified: bool('verified'),
    has_mobile: bool('has_mobile'),
    status_length: num('status_length'),
  };
}

const flag = (v: number): boolean | null => (v === -1 ? null : v === 1);
const num = (v: number): number | null => (Number.isNaN(v) ? null : v);
const level = (v: number, levels: readonly string[]): string | null =>
  // A value outside the levels is kept as "other": it is stated, so not null.
  v === CODE_NULL ? null : v >= 0 ? levels[v] : 'other';

/** One member's BotColumns from the arrays. */
export function botColumnsAt(a: ScoreColumnArrays, row: number): BotColumns {
  return botColumnsInto(a, row, {} as BotColumns);
}

/** botColumnsAt writing into `out` (returned), for loops that reuse one record. */
export function botColumnsInto(a: ScoreColumnArrays, row: number, out: BotColumns): BotColumns {
  out.deactivated = level(a.deactivated[row], DEACTIVATED);
  out.is_closed = flag(a.is_closed[row]);
  out.sex = num(a.sex[row]);
  out.bdate_visibility = level(a.bdate_visibility[row], BDATE);
  out.city_id = num(a.city_id[row]);
  out.has_photo = flag(a.has_photo[row]);
  out.followers_count = num(a.followers_count[row]);
  out.can_send_friend_request = flag(a.can_send_friend_request[row]);
  out.can_write_private_message = flag(a.can_write_private_message[row]);
  out.can_see_all_posts = flag(a.can_see_all_posts[row]);
  out.relation = num(a.relation[row]);
  out.occupation_type = level(a.occupation_type[row], OCCUPATION);
  out.verified = flag(a.verified[row]);
  out.has_mobile = flag(a.has_mobile[row]);
  out.status_length = num(a.status_length[row]);
  return out;
}

/** What the labelling sheet shows of one member (table.get: only the n sampled rows are read). */
export function sheetMemberAt(table: ColumnTable, row: number): SheetMember {
  const get = (name: string): unknown => (table.column(name) === undefined ? null : table.get(name, row));
  const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
  const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const boolOrNull = (v: unknown): boolean | null =>
    v === true || v === 1 ? true : v === false || v === 0 ? false : null;
  const seen = numOrNull(get('last_seen_time'));
  return {
    id: numOrNull(get('id')) as number,
    first_name: str(get('first_name')),
    sex: numOrNull(get('sex')),
    has_photo: boolOrNull(get('has_photo')),
    city_title: str(get('city_title')),
    followers_count: numOrNull(get('followers_count')),
    is_closed: boolOrNull(get('is_closed')),
    last_seen: seen !== null && seen > 0 ? new Date(seen * 1000).toISOString().slice(0, 10) : null,
  };
}

/**
 * Finds members by id: binary search on the id column when it is sorted (snapshots are,
 * by contract), on a sorted copy otherwise.
 */
export class MemberIndex {
  private readonly sortedIds: Float64Array;
  private readonly order: Int32Array | null;

  constructor(ids: Float64Array) {
    let sorted = true;
    for (let i = 1; i < ids.length && sorted; i++) if (!(ids[i - 1] < ids[i])) sorted = false;
    if (sorted) {
      this.sortedIds = ids;
      this.order = null;
    } else {
      const order = Int32Array.from(ids.keys()).sort((a, b) => ids[a] - ids[b]);
      this.order = order;
      this.sortedIds = Float64Array.from(order, (i) => ids[i]);
    }
  }

  /** The position of `id` in the original array, or -1. */
  find(id: number): number {
    let lo = 0;
    let hi = this.sortedIds.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.sortedIds[mid];
      if (v === id) return this.order === null ? mid : this.order[mid];
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}
