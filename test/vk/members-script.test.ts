import { expect } from 'chai';
import { Rng } from '../../src/util/rng';
import { batchFromRows, memberBatch, rowOf } from '../../src/snapshot/member-batch';
import { MemberConversionError, toMemberRow } from '../../src/snapshot/member-row';
import { MEMBERS, MEMBER_FIELDS } from '../../src/snapshot/schema';
import {
  ShapeMismatchError,
  appendProjected,
  checkColumns,
  membersScript,
} from '../../src/vk/members-script';
import { EVERY_KIND, randomCols, usersFromColumns } from './columns-decoder-fixtures';

describe('vk/members-script: the execute paging script and its columns answer', () => {
  it('pages 25 × 1000 with the given overlap, sorted by id, with the study fields', () => {
    const code = membersScript({
      groupId: 42,
      start: 5000,
      page: 1000,
      overlap: 3,
      calls: 25,
      fields: ['sex', 'city'],
      shape: 'columns',
    });
    expect(code).to.contain('var o = 5000;');
    expect(code).to.contain('while (n < 25)');
    expect(code).to.contain('"group_id":42,"sort":"id_asc","count":1000,"offset":o,"fields":"sex,city"');
    expect(code).to.contain('o = o + 997;');
    expect(code).to.contain('r.items@.city@.title');
    expect(() =>
      membersScript({
        groupId: 1,
        start: 0,
        page: 1000,
        overlap: 0,
        calls: 26,
        fields: [],
        shape: 'objects',
      }),
    ).to.throw(RangeError);
    expect(() =>
      membersScript({
        groupId: 1,
        start: 0,
        page: 1000,
        overlap: 1000,
        calls: 1,
        fields: [],
        shape: 'objects',
      }),
    ).to.throw(RangeError);
  });

  it("projects the schema's VK paths, each once, in column order (bdate feeds two columns)", () => {
    const code = membersScript({
      groupId: 1,
      start: 0,
      page: 1000,
      overlap: 1,
      calls: 2,
      fields: MEMBER_FIELDS,
      shape: 'columns',
    });
    const projected = [...code.matchAll(/r\.items@\.([\w@.]+);/g)].map((m) => m[1].split('@.'));
    expect(projected).to.deep.equal(MEMBERS.projections.map((p) => [...p.path]));
    expect(projected.filter((p) => p.join('.') === 'bdate')).to.have.length(1);
    expect(code).to.contain(`"cols": [${MEMBERS.projections.map((_, i) => `c${i}`).join(', ')}]`);
    // A new column's path is projected with no other edit.
    const more = membersScript(
      { groupId: 1, start: 0, page: 1000, overlap: 1, calls: 2, fields: EVERY_KIND.fields, shape: 'columns' },
      EVERY_KIND,
    );
    expect(more).to.contain('r.items@.online_info@.is_mobile;');
    expect(more).to.contain('"fields":"' + EVERY_KIND.fields.join(','));
  });

  it('the column-wise conversion gives exactly what toMemberRow gives for the same user objects', () => {
    for (const schema of [MEMBERS, EVERY_KIND]) {
      const rng = new Rng(5);
      const n = 800;
      const cols = randomCols(rng, n, schema);
      checkColumns(cols, n, schema);
      const batch = memberBatch(16, schema);
      appendProjected(batch, cols, 0, 300, schema);
      appendProjected(batch, cols, 300, n, schema);
      expect(batch.length).to.equal(n);
      // toMemberRow's rows as stored (a lone surrogate is U+FFFD once in UTF-8).
      const stored = batchFromRows(
        usersFromColumns(cols, n, schema).map((u) => toMemberRow(u, schema)),
        schema,
      );
      for (let i = 0; i < n; i++) {
        expect(rowOf(batch, i, schema), `member ${i}`).to.deep.equal(rowOf(stored, i, schema));
      }
    }
  });

  it('a member without a valid id is a clear error, and nothing of its answer is appended', () => {
    const cols = randomCols(new Rng(6), 10);
    cols[0][7] = '0';
    const batch = memberBatch();
    expect(() => appendProjected(batch, cols, 0, 10)).to.throw(
      MemberConversionError,
      /no valid "id" \(got "0"\)/,
    );
    expect(batch.length).to.equal(0);
    expect(Object.values(batch.columns).every((c) => c.length === 0)).to.equal(true);
  });

  it('misaligned projections are detected (the puller then asks for whole objects)', () => {
    const cols = MEMBERS.projections.map(() => [1, 2, 3]);
    cols[5] = [1, 2];
    expect(() => checkColumns(cols, 3)).to.throw(ShapeMismatchError, /column sex has 2 values for 3 members/);
    expect(() => checkColumns(cols.slice(1), 3)).to.throw(ShapeMismatchError, /expected \d+ columns/);
  });
});
