/** Adversarial columns answers for the decoder and members-script tests. */
import { Rng } from '../../src/util/rng';
import { isObject } from '../../src/util/json-shape';
import { MEMBERS, MEMBER_COLUMNS, memberSchema, type MemberSchema } from '../../src/snapshot/schema';

/**
 * The pull's columns plus one of every rule kind the member schema offers and the pull
 * does not use yet, as the bot-score fields would use them — one path feeding two columns
 * (`status`), like `bdate`. A name the pull's schema already has is left out (that column is
 * tested as the pull's).
 */
export const EVERY_KIND: MemberSchema = memberSchema([
  ...MEMBER_COLUMNS,
  ...(
    [
      ['has_mobile', 'bool', ['has_mobile'], { kind: 'flag' }],
      ['career_count', 'int32', ['career'], { kind: 'count' }],
      ['military_count', 'int32', ['military'], { kind: 'count' }],
      ['personal_given', 'bool', ['personal'], { kind: 'non_empty' }],
      ['status_length', 'int32', ['status'], { kind: 'length' }],
      ['status_given', 'bool', ['status'], { kind: 'non_empty' }],
      ['home_town_length', 'int32', ['home_town'], { kind: 'length' }],
      ['site_given', 'bool', ['site'], { kind: 'non_empty' }],
      ['online_on_mobile', 'bool', ['online_info', 'is_mobile'], { kind: 'flag' }],
    ] as const
  )
    .filter(([name]) => !MEMBER_COLUMNS.some((c) => (c.name as string) === name))
    .map(([name, type, path, rule]) => ({
      name,
      type,
      nullable: true,
      path,
      field: path[0],
      rule,
      doc: 'test column',
    })),
]);

const TEXTS = [
  'Анна',
  'work',
  'recently',
  '',
  'Zoë "Z" \\ O\'Neil',
  'a\u0000b',
  '日本',
  '😀x',
  '\ud83d',
  'x\u2028',
];
const NESTED = [
  [],
  {},
  [1, [2, { a: [] }]],
  { a: 1 },
  [{ id: 1, name: 'x' }],
  { '': null },
  [[]],
  ['a', 'b', 'c'],
];

/** Values of every shape a projected field may take (the junk list goes into every column). */
export function randomValue(rng: Rng, path: string): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)];
  const junk = pick<unknown>([
    null,
    'x',
    -1,
    1.5,
    true,
    false,
    '7',
    ' 7 ',
    '0x10',
    '1',
    '0',
    0,
    1,
    -0,
    1e2,
    2.0,
    1e300,
    12345678901234567000,
    '',
    'é"\\/\n\t\u0001\u2028😀',
    ...NESTED,
  ]);
  if (rng.uniform() < 0.3) return junk;
  switch (path) {
    case 'id':
      return 1 + rng.int(2_000_000_000);
    case 'bdate':
      return pick([
        '1.2.1990',
        '5.6.2050',
        '31.12',
        '',
        '1.1.1800',
        '1.1.2101',
        '123.1.1990',
        '1.2.19900',
        '01.02.2000',
        '1.2.',
        '1..1990',
        '1.2.199',
        '١.٢.١٩٩٠',
        '1.2.1990 ',
        '1.2.0000',
        null,
        7,
      ]);
    case 'deactivated':
      return pick(['deleted', 'banned', null, 'frozen', 'Deleted', '', 'dele\u0074ed']);
    case 'first_name':
    case 'city.title':
    case 'country.title':
    case 'online_info.status':
    case 'education_status':
    case 'occupation.type':
    case 'status':
    case 'home_town':
    case 'site':
      return pick([...TEXTS, null]);
    case 'career':
    case 'military':
    case 'personal':
      return pick([...NESTED, null, '', 'x']);
    case 'last_seen.time':
      return pick([1_700_000_000, 0, -5, 1.7e9 + 0.5, null, '1700000000', Number.MAX_VALUE]);
    default:
      return rng.int(300) - 10;
  }
}

/** One array per projected path, `n` members, valid increasing ids. */
export function randomCols(rng: Rng, n: number, schema: MemberSchema = MEMBERS): unknown[][] {
  const cols = schema.projections.map(({ path }) =>
    Array.from({ length: n }, () => randomValue(rng, path.join('.'))),
  );
  cols[0] = Array.from({ length: n }, (_, i) => 1 + i * 3);
  return cols;
}

/** The execute answer's text for these columns. */
export function answerOf(cols: unknown[][], lens: number[], extra = ''): string {
  return (
    JSON.stringify({ response: { counts: lens.map(() => 99_999), lens, cols } }).slice(0, -1) + extra + '}'
  );
}

/** VK-shaped user objects rebuilt from a columns answer (absent where the projection gave null). */
export function usersFromColumns(
  cols: unknown[][],
  total: number,
  schema: MemberSchema = MEMBERS,
): Record<string, unknown>[] {
  const users: Record<string, unknown>[] = [];
  for (let r = 0; r < total; r++) {
    const u: Record<string, unknown> = {};
    schema.projections.forEach(({ path }, i) => {
      const v = cols[i][r];
      if (v === null || v === undefined) return;
      let at = u;
      for (const p of path.slice(0, -1))
        at = (isObject(at[p]) ? at[p] : (at[p] = {})) as Record<string, unknown>;
      at[path[path.length - 1]] = v;
    });
    users.push(u);
  }
  return users;
}

/** Rows equal value for value (+0 and -0 alike: both are 0 once in Arrow); throws naming the first difference. */
export function expectSameRows(got: readonly object[], want: readonly object[], what: string): void {
  if (got.length !== want.length) throw new Error(`${what}: ${got.length} rows, expected ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i] as Record<string, unknown>;
    const w = want[i] as Record<string, unknown>;
    const keys = Object.keys(w);
    if (Object.keys(g).join() !== keys.join())
      throw new Error(`${what} row ${i}: columns ${Object.keys(g).join()} vs ${keys.join()}`);
    for (const k of keys) {
      if (!Object.is(g[k], w[k]) && !(g[k] === 0 && w[k] === 0))
        throw new Error(`${what} row ${i} ${k}: ${JSON.stringify(g[k])}, expected ${JSON.stringify(w[k])}`);
    }
  }
}
