import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { SheetMember } from '../../src/bots/label-sample';
import type { MemberRow } from '../../src/snapshot/schema';
import { hash32, Rng } from '../../src/util/rng';
import { member, plainTable } from '../audit/fixtures';

/** Live members for sheet tests: names with commas and quotes, nulls in every optional field. */
export function members(n: number): SheetMember[] {
  return Array.from({ length: n }, (_, i) => ({
    id: 1000 + 7 * i,
    first_name: i % 3 === 0 ? 'Анна, "Аня"' : 'Ivan',
    sex: 1 + (i % 2),
    has_photo: i % 4 !== 0,
    city_title: i % 5 === 0 ? null : 'Москва',
    followers_count: i % 6 === 0 ? null : i * 3,
    is_closed: i % 7 === 0,
    last_seen: '2024-05-01',
  }));
}

/**
 * A constructed community for the bots section: `n` members (ids 1..n, sorted like a
 * snapshot), every `deactivatedEvery`-th deleted, the rest live with bot-like profiles for
 * the ids `isBot` names (no phone, status absent, few followers, no photo, no city) and
 * human-like ones otherwise, each field varied so the score takes many values. With
 * `newColumns` false the table lacks has_mobile and status_length, like a snapshot
 * pulled before they were stored.
 */
export function botsTable(
  n: number,
  opts: {
    seed?: number;
    isBot?: (id: number) => boolean;
    newColumns?: boolean;
    deactivatedEvery?: number;
  } = {},
): { table: ColumnTable; rows: MemberRow[]; isBot: (id: number) => boolean } {
  const rng = new Rng(opts.seed ?? 1);
  const isBot = opts.isBot ?? ((id: number) => hash32(7, id) % 20 === 0);
  const every = opts.deactivatedEvery ?? 9;
  const rows: MemberRow[] = [];
  const hasMobile: (boolean | null)[] = [];
  const statusLength: (number | null)[] = [];
  for (let id = 1; id <= n; id++) {
    const bot = isBot(id);
    const dead = id % every === 0;
    const p = (human: number, botP: number): boolean => rng.uniform() < (bot ? botP : human);
    rows.push(
      member({
        id,
        deactivated: dead ? (id % (2 * every) === 0 ? 'banned' : 'deleted') : null,
        first_name: dead ? 'DELETED' : 'Anna',
        is_closed: dead ? null : p(0.3, 0.1),
        sex: dead ? null : rng.uniform() < 0.1 ? 0 : 1 + rng.int(2),
        bdate_visibility: dead ? null : p(0.6, 0.2) ? 'no_year' : null,
        city_id: dead ? null : p(0.7, 0.2) ? 1 + rng.int(5) : null,
        city_title: dead ? null : 'Москва',
        has_photo: dead ? null : p(0.9, 0.4),
        followers_count: dead ? null : Math.floor(Math.exp(rng.uniform() * (bot ? 4 : 7))),
        can_send_friend_request: dead ? null : p(0.8, 0.9),
        can_write_private_message: dead ? null : p(0.4, 0.7),
        can_see_all_posts: dead ? null : p(0.6, 0.8),
        relation: dead ? null : p(0.5, 0.2) ? rng.int(8) : null,
        occupation_type: dead ? null : p(0.4, 0.1) ? 'work' : null,
        verified: dead ? null : false,
        last_seen_time: dead ? null : 1717000000 - rng.int(1e7),
      }),
    );
    hasMobile.push(dead ? null : p(0.95, 0.3));
    statusLength.push(dead ? null : p(0.98, 0.3) ? (p(0.5, 0.5) ? 0 : 1 + rng.int(60)) : null);
  }
  const cols: Record<string, unknown[]> = {};
  for (const name of plainTable(rows.slice(0, 1)).columnNames()) {
    if (name !== 'has_mobile' && name !== 'status_length')
      cols[name] = rows.map((r) => r[name as keyof MemberRow]);
  }
  if (opts.newColumns !== false) Object.assign(cols, { has_mobile: hasMobile, status_length: statusLength });
  const table = aq.table(cols);
  return { table, rows, isBot };
}

export const BOTS_MANIFEST = {
  snapshot_time: '2024-06-01T12:00:00Z',
  group: { id: 77, screen_name: 'test_community', name: 'Test community' },
};
