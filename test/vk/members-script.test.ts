import { expect } from 'chai';
import { Rng } from '../../src/util/rng';
import { MemberBatchBuilder, rowOf } from '../../src/snapshot/member-batch';
import { toMemberRow } from '../../src/snapshot/member-row';
import {
  PROJECTED,
  ShapeMismatchError,
  appendProjected,
  checkColumns,
  membersScript,
  usersFromColumns,
} from '../../src/vk/members-script';

/** VK-ish values of every shape a field may take, including wrong ones. */
function randomValue(rng: Rng, name: string): unknown {
  const pick = <T>(xs: T[]): T => xs[rng.int(xs.length)];
  const junk = pick<unknown>([null, null, 'x', -1, 1.5, true, false, '7', 0, 1, {}, []]);
  if (rng.uniform() < 0.3) return junk;
  switch (name) {
    case 'id':
      return 1 + rng.int(2_000_000_000);
    case 'bdate':
      return pick(['1.2.1990', '31.12', '', '1.1.1800', null]);
    case 'deactivated':
      return pick(['deleted', 'banned', null, 'frozen']);
    case 'first_name':
    case 'city_title':
    case 'country_title':
    case 'online_info_status':
    case 'education_status':
    case 'occupation_type':
      return pick(['Анна', 'work', 'recently', '', null]);
    case 'last_seen_time':
      return pick([1_700_000_000, 0, -5, 1.7e9 + 0.5, null]);
    default:
      return rng.int(300) - 10;
  }
}

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

  it('the column-wise conversion gives exactly what toMemberRow gives for the same user objects', () => {
    const rng = new Rng(5);
    const n = 800;
    const cols = PROJECTED.map(([name]) => Array.from({ length: n }, () => randomValue(rng, name)));
    // ids must be valid for both paths
    cols[0] = Array.from({ length: n }, (_, i) => i + 1);
    checkColumns(cols, n);
    const b = new MemberBatchBuilder();
    appendProjected(b, cols, 0, 300);
    appendProjected(b, cols, 300, n);
    const batch = b.take();
    expect(batch.length).to.equal(n);
    const users = usersFromColumns(cols, n);
    for (let i = 0; i < n; i++) {
      expect(rowOf(batch, i), `member ${i}`).to.deep.equal(toMemberRow(users[i]));
    }
  });

  it('misaligned projections are detected (the puller then asks for whole objects)', () => {
    const cols = PROJECTED.map(() => [1, 2, 3]);
    cols[5] = [1, 2];
    expect(() => checkColumns(cols, 3)).to.throw(ShapeMismatchError, /has 2 values for 3 members/);
    expect(() => checkColumns(cols.slice(1), 3)).to.throw(ShapeMismatchError, /expected \d+ columns/);
  });
});
