/** Test fixtures for the snapshot tests: random member rows, temp dirs, a pull identity. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Rng } from '../../src/util/rng';
import { MEMBER_COLUMNS, type ColumnSpec, type MemberRow } from '../../src/snapshot/schema';
import type { ColumnValue } from '../../src/snapshot/typed-column';
import type { NewPull } from '../../src/snapshot/writer';

const TEXTS = ['Анастасия', 'Ivan', 'DELETED', '', 'Санкт-Петербург', 'Zoë "Z" \\ 日本😀'];

/** A value the column can hold, by its rule (so a new column needs no edit here). */
function randomValue(rng: Rng, c: ColumnSpec): ColumnValue {
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)];
  const r = c.rule;
  switch (r.kind) {
    case 'int':
    case 'bdate_year':
      // Both ends of the range and the middle of it.
      return pick([r.min, r.max, r.min + Math.floor(rng.uniform() * (r.max - r.min + 1))]);
    case 'time':
      return 1_600_000_000 + rng.int(100_000_000);
    case 'flag':
    case 'non_empty':
      return rng.uniform() < 0.5;
    case 'text':
      return pick(TEXTS);
    case 'one_of':
      return pick(r.values);
    case 'bdate_visibility':
      return pick(['full', 'no_year']);
    case 'count':
    case 'length':
      return rng.int(50);
  }
}

/** Random rows covering every column, with nulls everywhere a column allows them; ids increase from `firstId`. */
export function randomRows(rng: Rng, n: number, firstId: number): MemberRow[] {
  const rows: MemberRow[] = [];
  let id = firstId;
  for (let i = 0; i < n; i++) {
    id += 1 + rng.int(5);
    const row: Record<string, ColumnValue> = { id };
    for (const c of MEMBER_COLUMNS.slice(1))
      row[c.name] = c.nullable && rng.uniform() < 0.2 ? null : randomValue(rng, c);
    rows.push(row as MemberRow);
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
