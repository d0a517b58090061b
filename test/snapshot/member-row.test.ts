import { expect } from 'chai';
import {
  MemberConversionError,
  convert,
  count,
  nonEmpty,
  parseBdate,
  textLength,
  toMemberRow,
  valueAt,
} from '../../src/snapshot/member-row';
import {
  MEMBERS,
  MEMBER_COLUMNS,
  MEMBER_FIELDS,
  memberSchema,
  type ColumnSpec,
} from '../../src/snapshot/schema';

// VK-shaped objects as in docs/vk-api.md (API 5.199).
const live = {
  id: 12345,
  first_name: 'Анастасия',
  last_name: 'Иванова',
  sex: 1,
  bdate: '12.3.1990',
  city: { id: 1, title: 'Москва' },
  country: { id: 1, title: 'Россия' },
  has_photo: 1,
  photo_50: 'https://example.invalid/p.jpg',
  last_seen: { time: 1700000000, platform: 2 },
  online_info: { visible: true, last_seen: 1700000000, is_online: false, is_mobile: true },
  followers_count: 321,
  can_send_friend_request: 0,
  can_write_private_message: 1,
  can_see_all_posts: 1,
  relation: 4,
  university: 250,
  university_name: 'МГУ',
  faculty: 3,
  graduation: 2012,
  education_status: 'Выпускник (специалист)',
  occupation: { type: 'work', id: 9, name: 'ООО Ромашка' },
  verified: 0,
  has_mobile: 1,
  status: 'Привет 🌊',
  is_closed: false,
  can_access_closed: true,
};

describe('snapshot/member-row: VK user → MemberRow', () => {
  it('maps every field of a live profile and drops last name, photo URLs, day/month of birth', () => {
    const row = toMemberRow(live);
    expect(row).to.deep.equal({
      id: 12345,
      first_name: 'Анастасия',
      deactivated: null,
      is_closed: false,
      can_access_closed: true,
      sex: 1,
      bdate_visibility: 'full',
      birth_year: 1990,
      city_id: 1,
      city_title: 'Москва',
      country_id: 1,
      country_title: 'Россия',
      has_photo: true,
      last_seen_time: 1700000000,
      last_seen_platform: 2,
      online_info_visible: true,
      online_info_status: null,
      followers_count: 321,
      can_send_friend_request: false,
      can_write_private_message: true,
      can_see_all_posts: true,
      relation: 4,
      university_id: 250,
      graduation_year: 2012,
      education_status: 'Выпускник (специалист)',
      occupation_type: 'work',
      verified: false,
      has_mobile: true,
      status_length: 8,
    });
    const stored = JSON.stringify(row);
    expect(stored).not.to.contain('Привет');
    expect(toMemberRow({ ...live, status: 'x'.repeat(40_000) }).status_length).to.equal(32767);
    expect(stored).not.to.contain('Иванова');
    expect(stored).not.to.contain('Ромашка');
    expect(stored).not.to.contain('12.3');
    expect(Object.keys(row).sort()).to.deep.equal(MEMBER_COLUMNS.map((c) => c.name).sort());
  });

  it('keeps what a deleted profile still carries (first_name "DELETED", sex) and nulls the rest', () => {
    const row = toMemberRow({
      id: 77,
      first_name: 'DELETED',
      last_name: '',
      deactivated: 'deleted',
      sex: 2,
      online: 0,
      can_write_private_message: 0,
      photo_50: 'https://vk.com/images/deactivated_50.png',
    });
    expect(row.deactivated).to.equal('deleted');
    expect(row.first_name).to.equal('DELETED');
    expect(row.sex).to.equal(2);
    expect(row.can_write_private_message).to.equal(false);
    expect(row.last_seen_time).to.equal(null);
    expect(row.has_photo).to.equal(null);
    expect(row.city_id).to.equal(null);
  });

  it('hidden last_seen with online_info fallback; banned; bdate without year', () => {
    const row = toMemberRow({
      id: 5,
      first_name: 'Юлия',
      deactivated: 'banned',
      bdate: '1.12',
      online_info: { visible: false, status: 'last_week' },
    });
    expect(row.deactivated).to.equal('banned');
    expect(row.last_seen_time).to.equal(null);
    expect(row.last_seen_platform).to.equal(null);
    expect(row.online_info_visible).to.equal(false);
    expect(row.online_info_status).to.equal('last_week');
    expect(row.bdate_visibility).to.equal('no_year');
    expect(row.birth_year).to.equal(null);
  });

  it('wrong shapes become null, never guesses; numeric strings are accepted', () => {
    const row = toMemberRow({
      id: '42',
      sex: 7,
      city: 'Moscow',
      has_photo: 'yes',
      last_seen: { time: -1, platform: 'x' },
      followers_count: '15',
      relation: 2.5,
      deactivated: 'frozen',
      occupation: { type: 'school' },
    });
    expect(row.id).to.equal(42);
    expect(row.sex).to.equal(null);
    expect(row.city_id).to.equal(null);
    expect(row.city_title).to.equal(null);
    expect(row.has_photo).to.equal(null);
    expect(row.last_seen_time).to.equal(null);
    expect(row.last_seen_platform).to.equal(null);
    expect(row.followers_count).to.equal(15);
    expect(row.relation).to.equal(null);
    expect(row.deactivated).to.equal(null);
    expect(row.occupation_type).to.equal('school');
  });

  it('bdate parsing', () => {
    expect(parseBdate('1.1.2001')).to.deep.equal({ visibility: 'full', year: 2001 });
    expect(parseBdate('31.12')).to.deep.equal({ visibility: 'no_year', year: null });
    expect(parseBdate('1.1.1800')).to.deep.equal({ visibility: 'full', year: null });
    expect(parseBdate('')).to.deep.equal({ visibility: null, year: null });
    expect(parseBdate(undefined)).to.deep.equal({ visibility: null, year: null });
  });

  it('an item without a usable id is a clear error', () => {
    expect(() => toMemberRow({ first_name: 'X' })).to.throw(MemberConversionError, /no valid "id"/);
    expect(() => toMemberRow(123)).to.throw(MemberConversionError, /not a user object/);
    expect(() => toMemberRow({ id: 0 })).to.throw(MemberConversionError);
    expect(() => toMemberRow({ id: 2 ** 31 })).to.throw(MemberConversionError);
  });

  it('counts, lengths and non-empty flags (the rule kinds for fields such as career, status, site)', () => {
    expect(count([{ id: 1 }, { id: 2 }])).to.equal(2);
    expect(count([])).to.equal(0);
    expect([count({}), count('ab'), count(null), count(undefined)]).to.deep.equal([null, null, null, null]);
    expect(textLength('Анна')).to.equal(4);
    expect(textLength('😀x')).to.equal(2); // code points, not UTF-16 units
    expect(textLength('\ud83d')).to.equal(1);
    expect([textLength(''), textLength(5), textLength(['ab'])]).to.deep.equal([0, null, null]);
    expect([
      nonEmpty('x'),
      nonEmpty(''),
      nonEmpty([0]),
      nonEmpty([]),
      nonEmpty({ a: 1 }),
      nonEmpty({}),
    ]).to.deep.equal([true, false, true, false, true, false]);
    expect([nonEmpty(null), nonEmpty(0), nonEmpty(true)]).to.deep.equal([null, null, null]);
    expect(convert({ kind: 'count' }, [1, 2, 3])).to.equal(3);
    expect(convert({ kind: 'one_of', values: ['a'] }, 'b')).to.equal(null);
    expect(valueAt({ a: { b: 7 } }, ['a', 'b'])).to.equal(7);
    expect(valueAt({ a: [{ b: 7 }] }, ['a', 'b'])).to.equal(undefined);
  });
});

describe('snapshot/schema: the member schema', () => {
  it('asks VK for the fields its columns read, each once, in column order', () => {
    const wanted = MEMBER_COLUMNS.flatMap((c) => (c.field === null ? [] : [c.field]));
    expect(MEMBER_FIELDS).to.deep.equal([...new Set(wanted)]);
    expect(MEMBER_FIELDS).to.include.members(['sex', 'bdate', 'city', 'last_seen', 'education']);
    expect(MEMBERS.projections.map((p) => p.path.join('.'))).to.have.length(MEMBER_COLUMNS.length - 1);
    expect(
      MEMBERS.projections
        .find((p) => p.path.join('.') === 'bdate')!
        .columns.map((i) => MEMBER_COLUMNS[i].name),
    ).to.deep.equal(['bdate_visibility', 'birth_year']);
  });

  it('refuses a column whose rule, bounds, type or name do not fit, naming it', () => {
    const col = (over: Partial<ColumnSpec>): ColumnSpec => ({
      name: 'x',
      type: 'int8',
      nullable: true,
      path: ['x'],
      field: 'x',
      rule: { kind: 'int', min: 0, max: 5 },
      doc: '',
      ...over,
    });
    const id = MEMBER_COLUMNS[0];
    const bad: [Partial<ColumnSpec>, RegExp][] = [
      [{ rule: { kind: 'int', min: 0, max: 300 } }, /"x" has bounds 0…300 that do not fit int8/],
      [{ rule: { kind: 'flag' } }, /"x" has rule "flag", which cannot be stored as int8/],
      [{ type: 'utf8', rule: { kind: 'count' } }, /"x" has rule "count"/],
      [{ name: 'Bad-Name' }, /snake_case/],
      [{ name: 'id' }, /defined twice/],
      [{ path: [] }, /VK path/],
    ];
    for (const [over, why] of bad) expect(() => memberSchema([id, col(over)])).to.throw(why);
    expect(() => memberSchema([col({})])).to.throw(/first column must be the non-nullable integer "id"/);
    expect(memberSchema([id, col({})]).fields).to.deep.equal(['x']);
  });
});
