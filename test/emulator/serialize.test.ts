/**
 * Each fast piece of the serving path (src/emulator/fast/) against the readable one it
 * stands for: the byte writer `writeUser` against the field table's `userObject` and the
 * string-building writer it replaced (serialize-reference.ts), `userField` / `userPath`
 * against `userObject`, the JsonSink's digits and text against `String` / `Buffer.from`,
 * and the generator's guided `Picker` against its binary search.
 */
import { expect } from 'chai';
import { CommunityGenerator, MemberRecord, emptyRecord, pick } from '../../src/emulator/generator';
import { startEmulator } from '../../src/emulator';
import { JsonSink } from '../../src/emulator/fast/json-sink';
import { Picker } from '../../src/emulator/fast/picker';
import { userField, userPath } from '../../src/emulator/fast/user-projection';
import { writeUser } from '../../src/emulator/fast/user-writer';
import { KNOWN_FIELDS, USER_KEYS, parseFields, userJson, userObject } from '../../src/emulator/serialize';
import { MEMBER_FIELDS } from '../../src/snapshot/schema';
import { Rng } from '../../src/util/rng';
import { call, fixedNow, userJsonBytes } from './helpers';
import { referenceUserJsonBytes } from './serialize-reference';

const REF_SEC = Date.UTC(2026, 10, 20, 12, 0, 0) / 1000;

/** Members with every shape, plus hand-made records that take the rare paths. */
function sampleRecords(): MemberRecord[] {
  const gen = new CommunityGenerator({ seed: 7, referenceSec: REF_SEC });
  const recs = Array.from({ length: 3000 }, (_, i) => gen.member(i));
  const live = recs.find(
    (r) => r.deactivated === 0 && r.city && r.university && r.occupation && r.lastSeenShown,
  )!;
  const odd = (patch: Partial<MemberRecord>): MemberRecord => ({ ...live, ...patch });
  recs.push(
    odd({ firstName: 'Зо"я\\ \u0001 😀', lastName: '</script>\u2028' }),
    odd({
      city: { id: 77, title: 'Нью "Йорк"', countryId: 9, countryTitle: 'США', populationK: 1 },
      countryId: 9,
      countryTitle: 'США',
    }),
    odd({
      city: {
        id: live.city!.id,
        title: 'same id, other title',
        countryId: 1,
        countryTitle: 'Россия',
        populationK: 1,
      },
    }),
    odd({ sex: 0, relation: 12, platform: 9, online: true }),
    odd({ platform: 9, online: false, lastSeenShown: true }),
    odd({ lastSeenShown: false, online: false, lastSeen: REF_SEC - 5 * 86400 }),
    odd({ lastSeenShown: false, online: false, lastSeen: REF_SEC - 400 * 86400 }),
    odd({ occupation: { type: 'school', id: 9_999_999, name: 'Школа "Тест"' } }),
    odd({ occupation: { type: 'university', name: 'без id' } }),
    odd({ occupation: { type: 'work', id: 5, name: 'с id' } }),
    odd({
      university: { id: 9_000_001, name: 'другое имя' },
      faculty: { id: 1, name: 'Ф' },
      educationForm: null,
      educationStatus: '',
    }),
    odd({ isClosed: true, canAccessClosed: false }),
    odd({ followers: 2 ** 40, id: 2_147_483_647 }),
    odd({ deactivated: 2, lastSeenShown: true, platform: 12 }),
    odd({ hasPhoto: true, photoKey: 0xffffffff }),
    odd({ bdate: '1.2."3\\' }),
    odd({ sex: 3 as 0 }),
  );
  return recs;
}

/** Field sets: none, the pull's, all, and random subsets. */
function fieldSets(): ReturnType<typeof parseFields>[] {
  const r = new Rng(3);
  const sets = [parseFields([]), parseFields(MEMBER_FIELDS), parseFields([...KNOWN_FIELDS])];
  for (let k = 0; k < 12; k++) sets.push(parseFields(KNOWN_FIELDS.filter(() => r.uniform() < 0.5)));
  return sets;
}

describe('emulator / byte serialiser', () => {
  const recs = sampleRecords();
  const sets = fieldSets();

  it("writes every generated user byte for byte as the field table's userObject, for every field set", () => {
    let deactivated = 0;
    let hidden = 0;
    let closed = 0;
    for (const f of sets) {
      for (const rec of recs.slice(0, 3000)) {
        const want = Buffer.from(JSON.stringify(userObject(rec, f, REF_SEC)), 'utf8').toString('latin1');
        const got = userJsonBytes(rec, f, REF_SEC);
        if (got !== want) expect(got, `user ${rec.id} with ${f.key}`).to.equal(want);
      }
    }
    for (const rec of recs.slice(0, 3000)) {
      if (rec.deactivated) deactivated++;
      else if (!rec.lastSeenShown) hidden++;
      if (!rec.deactivated && rec.isClosed && !rec.canAccessClosed) closed++;
    }
    expect([deactivated, hidden, closed].every((n) => n > 30)).to.equal(true);
  });

  it('the field table: one row per key, the photo fields in FieldSet order, unknown fields ignored', () => {
    const keys = USER_KEYS.map((k) => k.key);
    expect(new Set(keys).size).to.equal(keys.length);
    const all = parseFields([...KNOWN_FIELDS]);
    expect(all.photos).to.deep.equal(keys.filter((k) => k.startsWith('photo_')));
    // An unknown field is ignored, as VK does.
    expect(parseFields('sex,no_such_field').key).to.equal('sex');
  });

  it('writes every user byte for byte as the string-building writer did, for every field set', () => {
    for (const f of sets) {
      const got = recs.map((rec) => userJsonBytes(rec, f, REF_SEC));
      const want = recs.map((rec) => referenceUserJsonBytes(rec, f, REF_SEC));
      const first = got.findIndex((g, i) => g !== want[i]);
      expect(first, `fields ${f.key}: first differing user`).to.equal(-1);
      expect(got).to.have.length(recs.length);
    }
    // The answer path: many users into one sink with small chunks (every fragment crosses chunk edges somewhere).
    const sink = new JsonSink(64);
    let expected = '';
    for (const rec of recs.slice(0, 500)) {
      writeUser(rec, sets[2], REF_SEC, sink);
      expected += referenceUserJsonBytes(rec, sets[2], REF_SEC);
    }
    expect(Buffer.concat(sink.buffers()).toString('latin1')).to.equal(expected);
    expect(sink.length).to.equal(expected.length);
  });

  it('the byte writer writes valid JSON that keeps non-ASCII text and escapes', () => {
    const odd = recs[3000];
    const served = Buffer.from(userJsonBytes(odd, sets[2], REF_SEC), 'latin1').toString('utf8');
    expect(served).to.equal(userJson(odd, sets[2], REF_SEC));
    const u = JSON.parse(served) as Record<string, unknown>;
    expect(u.first_name).to.equal('Зо"я\\ \u0001 😀');
    expect(u.last_name).to.equal('</script>\u2028');
  });

  it('userField reads the same value as userObject for every property (absent ones included)', () => {
    // Every key of the table, the field names (`education` is no key), and names no user has.
    const props = [
      ...new Set([
        ...USER_KEYS.map((k) => k.key),
        ...KNOWN_FIELDS,
        'no_such_field',
        'toString',
        '__proto__',
        'length',
      ]),
    ];
    let present = 0;
    for (const f of sets) {
      for (const rec of recs.filter((_, i) => i % 3 === 0 || i >= 3000)) {
        const o = userObject(rec, f, REF_SEC);
        const want = props.map((p) => (Object.hasOwn(o, p) ? o[p] : undefined));
        const got = props.map((p) => userField(rec, f, REF_SEC, p));
        // Compared as JSON text, absent values marked (JSON.stringify would write them as null).
        const text = (xs: unknown[]): string =>
          JSON.stringify(xs, (_, v) => (v === undefined ? '<absent>' : v));
        if (text(got) !== text(want)) expect(text(got), `user ${rec.id} with ${f.key}`).to.equal(text(want));
        present += want.filter((v) => v !== undefined).length;
      }
    }
    expect(present).to.be.greaterThan(30_000);
  });

  it('userPath reads property b of the object userField(a) returns, for every nested object (absent ones included)', () => {
    const nested = ['city', 'country', 'last_seen', 'online_info', 'occupation'];
    const inner = [
      'id',
      'title',
      'platform',
      'time',
      'visible',
      'last_seen',
      'is_online',
      'is_mobile',
      'status',
      'type',
      'name',
      'no_such_field',
      'toString',
      'length',
    ];
    let present = 0;
    for (const f of sets) {
      for (const rec of recs.filter((_, i) => i % 3 === 0 || i >= 3000)) {
        for (const a of nested) {
          const o = userField(rec, f, REF_SEC, a) as Record<string, unknown> | undefined;
          for (const b of inner) {
            const want = o !== undefined && Object.hasOwn(o, b) ? o[b] : null;
            const got = userPath(rec, f, REF_SEC, a, b);
            if (got !== want) expect(got, `user ${rec.id}, ${a}.${b} with ${f.key}`).to.equal(want);
            if (want !== null) present++;
          }
        }
        // Anything else is left to userField.
        for (const a of ['sex', 'first_name', 'universities', 'no_such_field'])
          expect(userPath(rec, f, REF_SEC, a, 'id')).to.equal(undefined);
      }
    }
    expect(present).to.be.greaterThan(10_000);
  });

  it('memberInto into a reused record gives the same member as member()', () => {
    const gen = new CommunityGenerator({ seed: 11, referenceSec: REF_SEC });
    const rec = emptyRecord();
    for (let i = 0; i < 3000; i++) expect(gen.memberInto(i, rec)).to.deep.equal(gen.member(i));
  });
});

describe('emulator / JsonSink', () => {
  it('writes numbers as String() does', () => {
    const values = [
      0,
      7,
      9,
      10,
      11,
      99,
      100,
      101,
      999,
      1000,
      65535,
      2 ** 31 - 1,
      2 ** 31,
      2 ** 32 + 5,
      1_764_000_000,
      Number.MAX_SAFE_INTEGER,
      2 ** 60,
      -1,
      -0,
      1.5,
      1e21,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      2 ** 31 - 2,
      2 ** 31 + 1,
      99_999,
      100_000,
      9_999_999_999,
      10_000_000_000,
      99_999_999_999,
      100_000_000_000,
      10 ** 15 - 1,
      10 ** 15,
      2 ** 53 - 2,
    ];
    for (const v of values) {
      const s = new JsonSink(8);
      s.num(v);
      expect(s.toString(), String(v)).to.equal(String(v));
    }
    const r = new Rng(1);
    const s = new JsonSink(32);
    let want = '';
    for (let i = 0; i < 5000; i++) {
      const v = Math.floor(r.uniform() * 10 ** (1 + (i % 15)));
      s.num(v);
      s.byte(0x2c);
      want += `${v},`;
    }
    expect(s.toString()).to.equal(want);
  });

  it('writes text as UTF-8 across chunk edges (ASCII fast path, non-ASCII, long strings)', () => {
    const pieces = ['{"a":', 'Привет', 'x'.repeat(70), '😀', 'ascii then Ю', '', 'é'.repeat(5000), ']'];
    const s = new JsonSink(16);
    for (let i = 0; i < 50; i++) for (const p of pieces) s.write(p);
    const want = pieces.join('').repeat(50);
    expect(s.toString()).to.equal(want);
    expect(s.length).to.equal(Buffer.byteLength(want));
  });

  it('writes lists of plain values byte for byte as JSON.stringify does, across chunk edges', () => {
    const odd: unknown[] = [
      0,
      -0,
      9,
      10,
      1.5,
      -3,
      2 ** 53,
      1e21,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      null,
      true,
      false,
      '',
      'id1',
      'Привет',
      'a"b\\c',
      '\u0000\u001f\n\t',
      '\u007f',
      '😀',
      '\ud800 lone',
      'x'.repeat(200),
      'Ю'.repeat(70),
      '</script>\u2028',
    ];
    const r = new Rng(5);
    for (const chunk of [8, 64, 1 << 20]) {
      const items: unknown[] = [];
      for (let i = 0; i < 3000; i++)
        items.push(r.uniform() < 0.5 ? odd[i % odd.length] : Math.floor(r.uniform() * 10 ** (i % 12)));
      for (const list of [items, [], [odd[16]], odd]) {
        const s = new JsonSink(chunk);
        s.list(list, () => expect.fail('plain values only'));
        expect(s.toString(), `chunk ${chunk}`).to.equal(JSON.stringify(list));
        expect(s.length).to.equal(Buffer.byteLength(JSON.stringify(list)));
      }
    }
    // Anything else goes to `other`, in place.
    const s = new JsonSink(8);
    s.list([1, { k: 1 }, 'Ж', [2]], (x) => s.write(JSON.stringify(x)));
    expect(s.toString()).to.equal('[1,{"k":1},"Ж",[2]]');
  });

  it('released chunks are reused without leaking earlier bytes into a new answer', () => {
    const a = new JsonSink();
    a.write('x'.repeat(1000));
    a.release();
    const b = new JsonSink();
    b.write('{"ok":1}');
    expect(b.toString()).to.equal('{"ok":1}');
    expect(b.buffers().reduce((n, c) => n + c.length, 0)).to.equal(8);
  });

  it('drain hands out each byte once, in order, across chunk edges; length counts them all', () => {
    for (const chunk of [8, 13, 1 << 20]) {
      const s = new JsonSink(chunk);
      const parts: Buffer[] = [];
      let expected = '';
      for (let i = 0; i < 200; i++) {
        const text = i % 7 === 0 ? `«${i}»` : `{"n":${i}}`;
        s.write(text);
        expected += text;
        if (i % 3 === 0) parts.push(...s.drain());
        expect(s.length).to.equal(Buffer.byteLength(expected));
      }
      parts.push(...s.drain());
      expect(s.drain()).to.deep.equal([]);
      expect(Buffer.concat(parts).toString('utf8'), `chunk ${chunk}`).to.equal(expected);
    }
  });
});

describe('emulator / Picker', () => {
  it("returns what the generator's binary search (pick) returns for the same draw (ties, zero weights, skewed weights)", () => {
    const w = new Rng(5);
    const tables: number[][] = [
      [1],
      [0, 1],
      [1, 0, 0, 1],
      [5, 5, 5, 5],
      [1e-9, 1, 1e9, 0, 3],
      Array.from({ length: 700 }, () => (w.uniform() < 0.2 ? 0 : w.uniform() ** 4)),
      Array.from({ length: 1440 }, (_, i) => 1 + Math.cos(i / 100)),
    ];
    for (const weights of tables) {
      const cum = new Float64Array(weights.length);
      weights.reduce((acc, x, i) => (cum[i] = acc + x), 0);
      const picker = new Picker(cum);
      const a = new Rng(17);
      const b = new Rng(17);
      for (let k = 0; k < 20_000; k++) expect(picker.pick(a)).to.equal(pick(b, cum));
    }
  });
});

describe('emulator / execute projections', () => {
  it('list@.a@.b in one pass reads what two passes read (nested objects, absent ones, strings, arrays)', async () => {
    const emu = await startEmulator({ members: 3000, seed: 9, rateLimitPerSecond: 0, now: fixedNow });
    try {
      const paths = [
        ['city', 'id'],
        ['city', 'title'],
        ['country', 'title'],
        ['last_seen', 'time'],
        ['online_info', 'status'],
        ['online_info', 'is_online'],
        ['occupation', 'id'],
        ['occupation', 'type'],
        ['first_name', 'length'],
        ['universities', 'length'],
        ['sex', 'id'],
        ['no_such_field', 'id'],
        ['city', 'no_such_field'],
      ];
      const fields = [...KNOWN_FIELDS].join(',');
      const fused = paths.map(([a, b]) => `r.items@.${a}@.${b}`).join(', ');
      const twoStep = paths.map(([a], i) => `var s${i} = r.items@.${a};`).join(' ');
      const twoStepOut = paths.map(([, b], i) => `s${i}@.${b}`).join(', ');
      const head = `var r = API.groups.getMembers({"group_id": 1, "count": 1000, "offset": 1000, "fields": "${fields}"});`;
      const a = await call(emu, 'execute', { code: `${head} return [${fused}];` });
      const b = await call(emu, 'execute', { code: `${head} ${twoStep} return [${twoStepOut}];` });
      expect(a.json.response).to.have.length(paths.length);
      expect(a.text).to.equal(b.text);
      const cityIds = a.json.response[0] as (number | null)[];
      expect(cityIds.filter((x) => x === null).length).to.be.greaterThan(50);
      expect(cityIds.filter((x) => typeof x === 'number').length).to.be.greaterThan(300);
    } finally {
      await emu.close();
    }
  });
});
