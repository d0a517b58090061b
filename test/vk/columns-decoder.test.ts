import { expect } from 'chai';
import { Rng } from '../../src/util/rng';
import { BatchPool, batchFromRows, keepRows, memberBatch, rowOf } from '../../src/snapshot/member-batch';
import { toMemberRow } from '../../src/snapshot/member-row';
import { MEMBERS, type MemberSchema } from '../../src/snapshot/schema';
import { DECODED_KINDS, DecodedColumns, decodeColumnsAnswer, sinksFor } from '../../src/vk/columns-decoder';
import { appendProjected } from '../../src/vk/members-script';
import {
  EVERY_KIND,
  answerOf,
  expectSameRows,
  randomCols,
  usersFromColumns,
} from './columns-decoder-fixtures';

/** The general path: JSON.parse and appendProjected, as rows. */
function generalRows(cols: unknown[][], n: number, schema: MemberSchema = MEMBERS) {
  const batch = memberBatch(16, schema);
  appendProjected(batch, cols, 0, n, schema);
  return Array.from({ length: n }, (_, i) => rowOf(batch, i, schema));
}

/** Decoded (pretty-printed too) = JSON.parse + appendProjected = toMemberRow of the user objects. */
function expectAllPathsAgree(schema: MemberSchema, seed: number): void {
  const rng = new Rng(seed);
  const n = 3000;
  const cols = randomCols(rng, n, schema);
  const lens = [1000, 1000, 1000];
  const body = answerOf(cols, lens);
  const parsed = (JSON.parse(body) as { response: { cols: unknown[][] } }).response.cols;
  const want = generalRows(parsed, n, schema);
  // toMemberRow's rows as stored (a lone surrogate is U+FFFD once in UTF-8).
  const stored = batchFromRows(
    usersFromColumns(parsed, n, schema).map((u) => toMemberRow(u, schema)),
    schema,
  );
  expectSameRows(
    Array.from({ length: n }, (_, i) => rowOf(stored, i, schema)),
    want,
    'toMemberRow vs appendProjected',
  );
  for (const text of [body, JSON.stringify(JSON.parse(body), null, 2)]) {
    const d = decodeColumnsAnswer(Buffer.from(text, 'utf8'), undefined, schema);
    expect(d, 'decoded').to.be.instanceOf(DecodedColumns);
    expect(d!.lens).to.deep.equal(lens);
    expect(d!.counts).to.deep.equal([99_999, 99_999, 99_999]);
    expect(d!.batch.length).to.equal(n);
    expectSameRows(
      Array.from({ length: n }, (_, i) => rowOf(d!.batch, i, schema)),
      want,
      'decoded vs appendProjected',
    );
  }
}

describe('vk/columns-decoder: the columns answer decoded from bytes', () => {
  it('gives exactly what JSON.parse + appendProjected (and toMemberRow) give, value for value, on adversarial values', () => {
    expectAllPathsAgree(MEMBERS, 21);
  });

  it('so does every rule kind the schema offers (counts, lengths, non-empty flags of nested values)', () => {
    const kinds = new Set(EVERY_KIND.columns.map((c) => c.rule.kind));
    expect([...kinds].sort()).to.deep.equal(Object.keys(DECODED_KINDS).sort());
    expectAllPathsAgree(EVERY_KIND, 25);
  });

  it("takes each column's rule, bounds and null rule from the schema", () => {
    for (const schema of [MEMBERS, EVERY_KIND]) {
      const sinks = sinksFor(memberBatch(16, schema), schema);
      expect(sinks.length).to.equal(schema.projections.length);
      sinks.forEach((perPath, k) => {
        const want = schema.projections[k].columns.map((ci) => {
          const c = schema.columns[ci];
          const r = c.rule as { kind: string; min?: number; max?: number; values?: readonly string[] };
          return {
            name: c.name,
            kind: r.kind,
            required: !c.nullable,
            min: r.min ?? 0,
            max: r.max ?? 0,
            values: r.values ?? [],
          };
        });
        const got = perPath.map((s) => ({
          name: s.name,
          kind: s.kind,
          required: s.required,
          min: s.min,
          max: s.max,
          values: [...s.values],
        }));
        expect(got, schema.projections[k].path.join('.')).to.deep.equal(want);
      });
      expect(sinks.flat().map((s) => s.name)).to.have.members(schema.columns.map((c) => c.name));
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
    expectSameRows(
      Array.from({ length: kept.length }, (_, i) => rowOf(kept, i)),
      wantRows,
      'kept',
    );
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
          MEMBERS.projections.map(() => []),
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
      ['a nested value not closed', withCol(8, (c) => ['[1,2', ...c.slice(1)]).replace('"[1,2"', '[1,2')],
      [
        'a nested value with a trailing comma',
        withCol(8, (c) => ['[1,]', ...c.slice(1)]).replace('"[1,]"', '[1,]'),
      ],
      [
        'an object key that is not a string',
        withCol(8, (c) => ['{1:2}', ...c.slice(1)]).replace('"{1:2}"', '{1:2}'),
      ],
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

describe('snapshot/member-batch: batches reused through a pool', () => {
  it('a released batch decodes the next answer with no value of the previous one showing', () => {
    const rng = new Rng(24);
    const pool = new BatchPool();
    const full = randomCols(rng, 600);
    const first = decodeColumnsAnswer(Buffer.from(answerOf(full, [600])), pool)!;
    keepRows(first.batch, [[1, 600]]); // moved-from values stay past the new length
    pool.release(first.batch);
    // The next answer: all nulls except ids; every stored value must be null.
    const empty = MEMBERS.projections.map(() => Array<unknown>(600).fill(null));
    empty[0] = Array.from({ length: 600 }, (_, i) => 10_000 + i);
    const second = decodeColumnsAnswer(Buffer.from(answerOf(empty, [600])), pool)!;
    expect(second.batch, 'the pooled batch was reused').to.equal(first.batch);
    for (let i = 0; i < 600; i++) {
      const row = rowOf(second.batch, i);
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
