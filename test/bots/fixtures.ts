import type { SheetMember } from '../../src/bots/label-sample';

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
