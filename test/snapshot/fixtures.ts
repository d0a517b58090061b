/** Test fixtures for the snapshot tests: random member rows, temp dirs, a pull identity. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Rng } from '../../src/util/rng';
import type { MemberRow } from '../../src/snapshot/schema';
import type { NewPull } from '../../src/snapshot/writer';

/** Random rows covering every column type, with nulls everywhere a column allows them. */
export function randomRows(rng: Rng, n: number, firstId: number): MemberRow[] {
  const maybe = <T>(v: T): T | null => (rng.uniform() < 0.2 ? null : v);
  const rows: MemberRow[] = [];
  let id = firstId;
  for (let i = 0; i < n; i++) {
    id += 1 + rng.int(5);
    rows.push({
      id,
      first_name: maybe(['Анастасия', 'Ivan', 'DELETED', ''][rng.int(4)]),
      deactivated: maybe(rng.uniform() < 0.5 ? 'deleted' : 'banned'),
      is_closed: maybe(rng.uniform() < 0.5),
      can_access_closed: maybe(rng.uniform() < 0.5),
      sex: maybe(rng.int(3)),
      bdate_visibility: maybe(rng.uniform() < 0.5 ? 'full' : 'no_year'),
      birth_year: maybe(1940 + rng.int(70)),
      city_id: maybe(rng.int(2_000_000_000)),
      city_title: maybe(['Москва', 'Санкт-Петербург', 'Kazan'][rng.int(3)]),
      country_id: maybe(rng.int(250)),
      country_title: maybe('Россия'),
      has_photo: maybe(rng.uniform() < 0.7),
      last_seen_time: maybe(1_600_000_000 + rng.int(100_000_000)),
      last_seen_platform: maybe(1 + rng.int(7)),
      online_info_visible: maybe(rng.uniform() < 0.9),
      online_info_status: maybe('recently'),
      followers_count: maybe(rng.int(100_000)),
      can_send_friend_request: maybe(rng.uniform() < 0.5),
      can_write_private_message: maybe(rng.uniform() < 0.5),
      can_see_all_posts: maybe(rng.uniform() < 0.5),
      relation: maybe(rng.int(9)),
      university_id: maybe(rng.int(5000)),
      graduation_year: maybe(1960 + rng.int(70)),
      education_status: maybe('Студент (бакалавр)'),
      occupation_type: maybe(['school', 'university', 'work'][rng.int(3)]),
      verified: maybe(rng.uniform() < 0.01),
    });
  }
  return rows;
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `vkas-${prefix}-`));
}

export const fakePull = (): NewPull<Record<string, never>> => ({
  identity: {
    group: { id: 1, screen_name: 'synthetic_community', name: 'Synthetic' },
    source: { kind: 'synthetic', api_base: 'http://127.0.0.1:1/method', synthetic: { seed: 1, members: 10 } },
    api_version: '5.199',
    fields: ['sex'],
  },
  snapshot_time: '2026-01-01T00:00:00.000Z',
  reported_at_start: 10,
  extra: {},
});
