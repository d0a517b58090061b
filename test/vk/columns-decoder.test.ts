import { expect } from 'chai';
import { Rng } from '../../src/util/rng';
import { MemberBatchBuilder, rowOf } from '../../src/snapshot/member-batch';
import { BatchPool, keepRows, typedRowOf } from '../../src/snapshot/typed-batch';
import { DecodedColumns, decodeColumnsAnswer } from '../../src/vk/columns-decoder';
import { PROJECTED, appendProjected } from '../../src/vk/members-script';

/** Values of every shape a projected field may take (nested values excepted: those fall back). */
function randomValue(rng: Rng, name: string): unknown {
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
  ]);
  if (rng.uniform() < 0.3) return junk;
  switch (name) {
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
        null,
        7,
      ]);
    case 'deactivated':
      return pick(['deleted', 'banned', null, 'frozen', 'Deleted', '']);
    case 'first_name':
    case 'city_title':
    case 'country_title':
    case 'online_info_status':
    case 'education_status':
    case 'occupation_type':
      return pick(['Анна', 'work', 'recently', '', null, 'Zoë "Z" \\ O\'Neil', 'a\u0000b', '日本', '😀x']);
    case 'last_seen_time':
      return pick([1_700_000_000, 0, -5, 1.7e9 + 0.5, null, '1700000000', Number.MAX_VALUE]);
    default:
      return rng.int(300) - 10;
  }
}

function answerOf(cols: unknown[][], lens: number[], extra = ''): string {
  return (
    JSON.stringify({ response: { counts: lens.map(() => 99_999), lens, cols } }).slice(0, -1) + extra + '}'
  );
}

/** The general path: JSON.parse and appendProjected, as rows. */
function generalRows(cols: unknown[][], n: number) {
  const b = new MemberBatchBuilder();
  appendProjected(b, cols, 0, n);
  const batch = b.take();
  return Array.from({ length: n }, (_, i) => rowOf(batch, i));
}

function randomCols(rng: Rng, n: number): unknown[][] {
  const cols = PROJECTED.map(([name]) => Array.from({ length: n }, () => randomValue(rng, name)));
  cols[0] = Array.from({ length: n }, (_, i) => 1 + i * 3);
  return cols;
}

describe('vk/columns-decoder: the columns answer decoded from bytes', () => {
  it('gives exactly what JSON.parse + appendProjected give, value for value, on adversarial values', () => {
    const rng = new Rng(21);
    const n = 3000;
    const cols = randomCols(rng, n);
    const lens = [1000, 1000, 1000];
    const body = answerOf(cols, lens);
    const parsed = (JSON.parse(body) as { response: { cols: unknown[][] } }).response.cols;
    const want = generalRows(parsed, n);
    for (const text of [body, JSON.stringify(JSON.parse(body), null, 2)]) {
      const d = decodeColumnsAnswer(Buffer.from(text, 'utf8'));
      expect(d, 'decoded').to.be.instanceOf(DecodedColumns);
      expect(d!.lens).to.deep.equal(lens);
      expect(d!.counts).to.deep.equal([99_999, 99_999, 99_999]);
      expect(d!.batch.length).to.equal(n);
      for (let i = 0; i < n; i++) {
        const got = typedRowOf(d!.batch, i);
        for (const k of Object.keys(want[i]) as (keyof typeof got)[]) {
          // Typed columns hold +0 where the general path may hold -0 (both are 0 once in Arrow).
          if (!Object.is(got[k], want[i][k]) && !(got[k] === 0 && want[i][k] === 0)) {
            throw new Error(
              `row ${i} ${k}: decoded ${JSON.stringify(got[k])}, general ${JSON.stringify(want[i][k])} (input ${JSON.stringify(parsed[PROJECTED.findIndex(([p]) => k.startsWith(p) || p.startsWith(k.split('_')[0]))]?.[i])})`,
            );
          }
        }
      }
    }
  });

  it('keepRows cuts a decoded answer down to the accepted ranges, in place, values intact', () => {
    const rng = new Rng(23);
    const n = 2500;
    const cols = randomCols(rng, n);
    const body = answerOf(cols, [1000, 1000, 500]);
    const want = generalRows((JSON.parse(body) as { response: { cols: unknown[][] } }).response.cols, n);
    const d = decodeColumnsAnswer(Buffer.from(body))!;
    const ranges = [
      [1, 1000],
      [1001, 1001],
      [1002, 2000],
      [2001, 2500],
    ] as const;
    const kept = keepRows(d.batch, ranges);
    const wantRows = ranges.flatMap(([a, b]) => want.slice(a, b));
    expect(kept.length).to.equal(wantRows.length);
    for (let i = 0; i < wantRows.length; i++) {
      const got = typedRowOf(kept, i);
      for (const k of Object.keys(got) as (keyof typeof got)[]) {
        if (!Object.is(got[k], wantRows[i][k]) && !(got[k] === 0 && wantRows[i][k] === 0)) {
          throw new Error(
            `kept row ${i} ${k}: ${JSON.stringify(got[k])} vs ${JSON.stringify(wantRows[i][k])}`,
          );
        }
      }
    }
    expect(() =>
      keepRows(decodeColumnsAnswer(Buffer.from(body))!.batch, [
        [10, 20],
        [5, 30],
      ]),
    ).to.throw(RangeError, /out of order/);
  });

  it('an empty answer decodes to no members', () => {
    const d = decodeColumnsAnswer(
      Buffer.from(
        answerOf(
          PROJECTED.map(() => []),
          [0],
        ),
      ),
    );
    expect(d).to.be.instanceOf(DecodedColumns);
    expect(d!.batch.length).to.equal(0);
  });

  it('returns null (the general path takes over) for anything it does not expect', () => {
    const rng = new Rng(22);
    const cols = randomCols(rng, 10);
    const ok = answerOf(cols, [10]);
    expect(decodeColumnsAnswer(Buffer.from(ok))).to.be.instanceOf(DecodedColumns);
    const bad: [string, string][] = [
      ['an error answer', '{"error":{"error_code":6,"error_msg":"Too many requests per second"}}'],
      [
        'execute_errors next to the response',
        answerOf(cols, [10], ',"execute_errors":[{"method":"groups.getMembers","error_code":10}]'),
      ],
      ['truncated', ok.slice(0, -3)],
      ['trailing garbage', ok + 'x'],
      ['a trailing comma', ok.replace('"lens":[10]', '"lens":[10,]')],
      ['lens that do not add up', ok.replace('"lens":[10]', '"lens":[11]')],
      ['a non-integer length', ok.replace('"lens":[10]', '"lens":[10.5]')],
      ['a leading zero', ok.replace('"lens":[10]', '"lens":[010]')],
      ['another key in the response', ok.replace('{"response":{', '{"response":{"x":1,')],
    ];
    const withCol = (c: number, f: (col: unknown[]) => unknown[]) =>
      answerOf(
        cols.map((col, i) => (i === c ? f(col) : col)),
        [10],
      );
    bad.push(
      ['a nested value', withCol(8, (c) => [{ title: 'x' }, ...c.slice(1)])],
      ['an invalid id (0)', withCol(0, (c) => [0, ...c.slice(1)])],
      ['an id beyond int32', withCol(0, (c) => [...c.slice(0, 9), 2 ** 31])],
      ['an id as a string', withCol(0, (c) => ['5', ...c.slice(1)])],
      ['a column too short', withCol(3, (c) => c.slice(1))],
      ['a column missing', answerOf(cols.slice(1), [10])],
    );
    for (const [what, text] of bad) expect(decodeColumnsAnswer(Buffer.from(text)), what).to.equal(null);
    // Byte-level faults the general path reports as non-JSON (or repairs as U+FFFD).
    const rawControl = Buffer.from(withCol(1, () => Array(10).fill('ab')).replace('"ab"', '"a\u0001b"'));
    expect(decodeColumnsAnswer(rawControl), 'a raw control character').to.equal(null);
    const badEscape = Buffer.from(withCol(1, () => Array(10).fill('ab')).replace('"ab"', '"a\\qb"'));
    expect(decodeColumnsAnswer(badEscape), 'an escape JSON does not know').to.equal(null);
    const invalidUtf8 = Buffer.from(withCol(1, () => Array(10).fill('ab')));
    invalidUtf8[invalidUtf8.indexOf('"ab"') + 1] = 0xff;
    expect(decodeColumnsAnswer(invalidUtf8), 'invalid UTF-8').to.equal(null);
  });
});

describe('snapshot/typed-batch: batches reused through a pool', () => {
  it('a released batch decodes the next answer with no value of the previous one showing', () => {
    const rng = new Rng(24);
    const pool = new BatchPool();
    const full = randomCols(rng, 600);
    const first = decodeColumnsAnswer(Buffer.from(answerOf(full, [600])), pool)!;
    keepRows(first.batch, [[1, 600]]); // moved-from values stay past the new length
    pool.release(first.batch);
    // The next answer: all nulls except ids; every stored value must be null.
    const empty = PROJECTED.map(() => Array<unknown>(600).fill(null));
    empty[0] = Array.from({ length: 600 }, (_, i) => 10_000 + i);
    const second = decodeColumnsAnswer(Buffer.from(answerOf(empty, [600])), pool)!;
    expect(second.batch, 'the pooled batch was reused').to.equal(first.batch);
    for (let i = 0; i < 600; i++) {
      const row = typedRowOf(second.batch, i);
      for (const [k, v] of Object.entries(row))
        if (k !== 'id' && v !== null) throw new Error(`row ${i} ${k}: ${String(v)} left over`);
    }
    // Under every null the raw slot is 0 (readers that ignore validity see no old value).
    for (const [k, col] of Object.entries(second.batch.columns)) {
      if (k === 'id') continue;
      for (const raw of [col.ints, col.floats, col.bits]) {
        for (let i = 0; i < raw.length; i++)
          if (raw[i] !== 0) throw new Error(`${k}: raw slot ${i} holds ${raw[i]}`);
      }
      if (col.kind === 'utf8') expect(col.byteLength, k).to.equal(0);
    }
    // An answer that falls back gives its batch back too.
    const before = decodeColumnsAnswer(
      Buffer.from(answerOf(full, [600]).replace('"lens":[600]', '"lens":[601]')),
      pool,
    );
    expect(before).to.equal(null);
    expect(pool.take(10)).to.be.an('object');
  });
});
