import { expect } from 'chai';
import {
  CODE_NULL,
  CODE_OTHER,
  readBool,
  readCategory,
  readDictionary,
  readNumber,
  readStrings,
} from '../../src/audit/columns';
import { arrowTable, member, plainTable } from './fixtures';

describe('audit/columns: typed readers', () => {
  const rows = [
    member({ last_seen_time: 1.5e9, sex: 1, has_photo: true, deactivated: null, first_name: 'Ёжик' }),
    member({ last_seen_time: null, sex: null, has_photo: false, deactivated: 'deleted', first_name: null }),
    member({ last_seen_time: 0, sex: 0, has_photo: null, deactivated: 'banned', first_name: 'DELETED' }),
    member({ last_seen_time: 1.7e9, sex: 2, has_photo: true, deactivated: null, first_name: 'Ivan' }),
    member({ last_seen_time: null, sex: 2, has_photo: false, deactivated: 'deleted', first_name: '' }),
  ];

  it('reads Arrow columns in several record batches through the buffer fast path', () => {
    const t = arrowTable(rows, 2);
    const col = t.column('last_seen_time') as unknown as { data: unknown[] };
    expect(col.data.length).to.equal(3); // 2 + 2 + 1 rows: the batch loop is exercised
  });

  for (const [kind, t] of [
    ['plain', plainTable(rows)],
    ['arrow', arrowTable(rows, 2)],
  ] as const) {
    it(`gives the same values on a ${kind} table`, () => {
      expect(Array.from(readNumber(t, 'last_seen_time', 'x'))).to.deep.equal([1.5e9, NaN, 0, 1.7e9, NaN]);
      expect(Array.from(readNumber(t, 'sex', 'x'))).to.deep.equal([1, NaN, 0, 2, 2]);
      expect(Array.from(readBool(t, 'has_photo', 'x'))).to.deep.equal([1, 0, -1, 1, 0]);
      const d = readCategory(t, 'deactivated', ['deleted', 'banned'], 'x');
      expect(Array.from(d.codes)).to.deep.equal([CODE_NULL, 0, 1, CODE_NULL, 0]);
      expect(d.firstOther).to.equal(null);
      const f = readCategory(t, 'first_name', ['Ivan'], 'x');
      expect(Array.from(f.codes)).to.deep.equal([CODE_OTHER, CODE_NULL, CODE_OTHER, 0, CODE_OTHER]);
      expect(f.firstOther).to.equal('Ёжик'); // multi-byte UTF-8 decoded correctly
      expect(readStrings(t, 'first_name', 'x')).to.deep.equal(['Ёжик', null, 'DELETED', 'Ivan', '']);
    });
  }

  it('dictionary-encodes strings exactly, through hash-table growth, on both table kinds', () => {
    // 3000 distinct names (the hash table grows several times), each twice, plus nulls
    const names: (string | null)[] = [];
    for (let i = 0; i < 3000; i++) names.push(`Имя${i}`, i % 7 === 0 ? null : `Имя${i}`);
    const many = names.map((n) => member({ first_name: n }));
    for (const t of [plainTable(many), arrowTable(many, 1000)]) {
      const d = readDictionary(t, 'first_name', 'x');
      expect(d.values.length).to.equal(3000);
      const decoded = Array.from(d.codes, (c) => (c === -1 ? null : d.values[c]));
      expect(decoded).to.deep.equal(names);
    }
  });

  it('respects a filtered or reordered table', () => {
    const t = arrowTable(rows, 2).filter((d: { sex: number | null }) => d.sex === 2);
    expect(Array.from(readNumber(t, 'last_seen_time', 'x'))).to.deep.equal([1.7e9, NaN]);
    const o = plainTable(rows).orderby('id').reify();
    expect(readStrings(o, 'first_name', 'x')[3]).to.equal('Ivan');
  });

  it('rejects values of the wrong type, naming the column', () => {
    const t = plainTable([member({ sex: 'female' as unknown as number })]);
    expect(() => readNumber(t, 'sex', 'activity time')).to.throw(
      /activity time: column "sex" must hold numbers/,
    );
    const b = plainTable([member({ has_photo: 'yes' as unknown as boolean })]);
    expect(() => readBool(b, 'has_photo', 'quality')).to.throw(/"has_photo" must hold booleans/);
  });
});
