/**
 * VK user objects (API 5.199, as `groups.getMembers` returns them with `fields`), written
 * straight from a `MemberRecord` into the answer's bytes (`writeUser`): the emulator
 * serves hundreds of thousands of them per second, so no intermediate object or string is
 * built on the hot path.
 *
 * Shapes follow docs/vk-api.md: deactivated profiles carry `deactivated`, "DELETED"
 * names for deleted ones, `sex`, `online: 0`, `can_write_private_message: 0` and the
 * deactivated photo placeholder; live profiles without a photo get the camera placeholder;
 * closed profiles the caller cannot access hide relation, education and occupation.
 */
import type { MemberRecord, Occupation } from './generator';
import { JsonSink } from './json-sink';

/** The user fields the emulator knows; anything else in `fields` is ignored, as VK does. */
export const KNOWN_FIELDS = [
  'sex',
  'bdate',
  'city',
  'country',
  'has_photo',
  'photo_50',
  'photo_100',
  'photo_200',
  'photo_200_orig',
  'photo_400_orig',
  'photo_max',
  'photo_max_orig',
  'last_seen',
  'online',
  'online_info',
  'followers_count',
  'can_send_friend_request',
  'can_write_private_message',
  'can_see_all_posts',
  'relation',
  'education',
  'universities',
  'occupation',
  'verified',
  'domain',
  'screen_name',
] as const;
export type KnownField = (typeof KNOWN_FIELDS)[number];

const PHOTO_SIZES: Readonly<Record<string, number>> = {
  photo_50: 50,
  photo_100: 100,
  photo_200: 200,
  photo_200_orig: 200,
  photo_400_orig: 400,
  photo_max: 200,
  photo_max_orig: 400,
};

/** A parsed `fields` parameter. `key` identifies equal field sets. */
export interface FieldSet {
  readonly key: string;
  readonly has: ReadonlySet<string>;
  /** The same as `has`, as plain properties: read ~25 times per user on the hot path. */
  readonly on: Readonly<Record<KnownField, boolean>>;
  readonly photos: readonly string[];
}

/** The last `fields` text parsed: an execute's 25 calls, and successive pages, send the same one. */
let lastFieldsText: string | undefined;
let lastFieldSet: FieldSet | undefined;

export function parseFields(fields: string | readonly string[] | undefined | null): FieldSet {
  if (typeof fields === 'string' && fields === lastFieldsText) return lastFieldSet!;
  const parsed = parseFieldList(fields);
  if (typeof fields === 'string') {
    lastFieldsText = fields;
    lastFieldSet = parsed;
  }
  return parsed;
}

function parseFieldList(fields: string | readonly string[] | undefined | null): FieldSet {
  const list = (typeof fields === 'string' ? fields.split(',') : (fields ?? []))
    .map((f) => f.trim())
    .filter(Boolean);
  const known = new Set<string>(KNOWN_FIELDS);
  const has = new Set(list.filter((f) => known.has(f)));
  const photos = Object.keys(PHOTO_SIZES).filter((p) => has.has(p));
  const on = Object.fromEntries(KNOWN_FIELDS.map((k) => [k, has.has(k)])) as Record<KnownField, boolean>;
  return { key: [...has].sort().join(','), has, on, photos };
}

/** UTF-8 bytes of text (pre-encoded key text). */
const utf8 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

/** Caches are bounded so an unexpected stream of distinct strings cannot grow them forever. */
const CACHE_MAX = 50_000;

/**
 * `<prefix><JSON string><suffix>` as UTF-8 bytes, memoised per string: names, surnames,
 * cities, universities and companies come from small fixed lists, so each fragment
 * (key text included) is encoded once and then copied into the answer as it is.
 */
class QuotedFragments {
  private readonly cache = new Map<string, Uint8Array>();
  constructor(
    private readonly prefix: string,
    private readonly suffix = '',
  ) {}
  get(s: string): Uint8Array {
    let v = this.cache.get(s);
    if (v === undefined) {
      v = utf8(this.prefix + JSON.stringify(s) + this.suffix);
      if (this.cache.size < CACHE_MAX) this.cache.set(s, v);
    }
    return v;
  }
}

/**
 * A fragment for a small object (city, country, occupation) keyed by its id, remembering
 * the text it was built from: a different text under the same id is encoded on the spot.
 */
class ObjectFragments {
  private readonly cache = new Map<number, { name: string; bytes: Uint8Array }>();
  constructor(private readonly build: (id: number, name: string) => string) {}
  get(id: number, name: string): Uint8Array {
    const hit = this.cache.get(id);
    if (hit !== undefined && hit.name === name) return hit.bytes;
    const bytes = utf8(this.build(id, name));
    if (hit === undefined && this.cache.size < CACHE_MAX) this.cache.set(id, { name, bytes });
    return bytes;
  }
}

/** A quoted string that is not worth caching (photo URLs: one per member): ASCII written as is. */
function writeQuotedOnce(out: JsonSink, s: string): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c >= 0x80 || c === 0x22 || c === 0x5c) {
      out.raw(utf8(JSON.stringify(s)));
      return;
    }
  }
  out.byte(QUOTE);
  out.write(s);
  out.byte(QUOTE);
}

function photoUrl(rec: MemberRecord, field: string): string {
  const size = PHOTO_SIZES[field];
  const png = size === 400 ? 400 : size;
  if (rec.deactivated !== 0) return `https://vk.com/images/deactivated_${png}.png`;
  if (!rec.hasPhoto) return `https://vk.com/images/camera_${png}.png?ava=1`;
  const hex = (rec.photoKey >>> 0).toString(16).padStart(8, '0');
  return `https://sun${1 + (rec.photoKey % 9)}-${10 + (rec.photoKey % 80)}.userapi.com/s/v1/ig2/${hex}${rec.id.toString(16)}.jpg?size=${size}x${size}&quality=95&ava=1`;
}

function onlineStatus(ageSec: number): string {
  if (ageSec <= 3 * 86400) return 'recently';
  if (ageSec <= 7 * 86400) return 'last_week';
  if (ageSec <= 31 * 86400) return 'last_month';
  return 'long_ago';
}

const isMobilePlatform = (p: number): boolean => p >= 1 && p <= 5;

// Pre-encoded text. A table indexed by a flag (0/1) or a small code holds each variant;
// codes outside a table are written piece by piece (`num`).
const QUOTE = 0x22;
const CLOSE = 0x7d; // }
const flagPair = (f: (v: boolean) => string): readonly Uint8Array[] => [utf8(f(false)), utf8(f(true))];
const codeTable = (n: number, f: (code: number) => string): readonly Uint8Array[] =>
  Array.from({ length: n }, (_, c) => utf8(f(c)));

const K_ID = utf8('{"id":');
const FIRST_NAME = new QuotedFragments(',"first_name":');
const LAST_NAME = new QuotedFragments(',"last_name":');
const DEACTIVATED_DELETED = utf8(',"deactivated":"deleted","can_access_closed":true,"is_closed":false');
const DEACTIVATED_BANNED = utf8(',"deactivated":"banned","can_access_closed":true,"is_closed":false');
const K_SEX = utf8(',"sex":');
const SEX = codeTable(3, (c) => `,"sex":${c}`);
const ONLINE_0 = utf8(',"online":0');
const LAST_SEEN_PLATFORM = codeTable(8, (c) => `,"last_seen":{"platform":${c},"time":`);
const K_LAST_SEEN_PLATFORM = utf8(',"last_seen":{"platform":');
const K_TIME = utf8(',"time":');
const CAN_WRITE_0 = utf8(',"can_write_private_message":0');
/** Indexed by canAccessClosed + 2 × isClosed. */
const ACCESS_CLOSED = codeTable(
  4,
  (c) => `,"can_access_closed":${(c & 1) === 1},"is_closed":${(c & 2) === 2}`,
);
const K_BDATE = utf8(',"bdate":"');
const CITY = new ObjectFragments((id, title) => `,"city":{"id":${id},"title":${JSON.stringify(title)}}`);
const COUNTRY = new ObjectFragments(
  (id, title) => `,"country":{"id":${id},"title":${JSON.stringify(title)}}`,
);
const HAS_PHOTO = flagPair((v) => `,"has_photo":${v ? 1 : 0}`);
/** `,"photo_50":` etc., by field name. */
const K_PHOTO: ReadonlyMap<string, Uint8Array> = new Map(
  Object.keys(PHOTO_SIZES).map((p) => [p, utf8(`,"${p}":`)]),
);
const K_DOMAIN = utf8(',"domain":"id');
const K_SCREEN_NAME = utf8(',"screen_name":"id');
const ONLINE = flagPair((v) => `,"online":${v ? 1 : 0}`);
const K_ONLINE_INFO_VISIBLE = utf8(',"online_info":{"visible":true,"last_seen":');
/** Indexed by online + 2 × mobile. */
const ONLINE_MOBILE_END = codeTable(4, (c) => `,"is_online":${(c & 1) === 1},"is_mobile":${(c & 2) === 2}}`);
const ONLINE_INFO_HIDDEN: Readonly<Record<string, Uint8Array>> = Object.fromEntries(
  ['recently', 'last_week', 'last_month', 'long_ago'].map((st) => [
    st,
    utf8(`,"online_info":{"visible":false,"is_online":false,"is_mobile":false,"status":"${st}"}`),
  ]),
);
const K_FOLLOWERS = utf8(',"followers_count":');
const CAN_SEND = flagPair((v) => `,"can_send_friend_request":${v ? 1 : 0}`);
const CAN_WRITE = flagPair((v) => `,"can_write_private_message":${v ? 1 : 0}`);
const CAN_SEE = flagPair((v) => `,"can_see_all_posts":${v ? 1 : 0}`);
/** The three together (the pull asks for all three), indexed by send + 2 × write + 4 × see. */
const CAN_SEND_WRITE_SEE = codeTable(
  8,
  (c) =>
    `,"can_send_friend_request":${c & 1},"can_write_private_message":${(c >> 1) & 1},"can_see_all_posts":${(c >> 2) & 1}`,
);
const K_RELATION = utf8(',"relation":');
const RELATION = codeTable(9, (c) => `,"relation":${c}`);
const UNIVERSITY = new ObjectFragments(
  (id, name) => `,"university":${id},"university_name":${JSON.stringify(name)}`,
);
const FACULTY = new ObjectFragments((id, name) => `,"faculty":${id},"faculty_name":${JSON.stringify(name)}`);
const K_GRADUATION = utf8(',"graduation":');
const NO_EDUCATION = utf8(
  ',"university":0,"university_name":"","faculty":0,"faculty_name":"","graduation":0',
);
const EDUCATION_FORM = new QuotedFragments(',"education_form":');
const EDUCATION_STATUS = new QuotedFragments(',"education_status":');
const UNIVERSITIES_ITEM = new ObjectFragments(
  (id, name) => `,"universities":[{"id":${id},"country":1,"city":1,"name":${JSON.stringify(name)}`,
);
const UNIVERSITIES_END = utf8('}]');
const NO_UNIVERSITIES = utf8(',"universities":[]');
const OCCUPATION_WORK = new QuotedFragments(',"occupation":{"type":"work","name":', '}');
const OCCUPATION_UNIVERSITY = new ObjectFragments(
  (id, name) => `,"occupation":{"type":"university","id":${id},"name":${JSON.stringify(name)}}`,
);
const OCCUPATION_SCHOOL = new ObjectFragments(
  (id, name) => `,"occupation":{"type":"school","id":${id},"name":${JSON.stringify(name)}}`,
);
const VERIFIED_END = flagPair((v) => `,"verified":${v ? 1 : 0}}`);

function writeOccupation(o: Occupation, out: JsonSink): void {
  if (o.id === undefined) {
    if (o.type === 'work') out.raw(OCCUPATION_WORK.get(o.name));
    else out.raw(utf8(`,"occupation":{"type":"${o.type}","name":${JSON.stringify(o.name)}}`));
  } else if (o.type === 'university') out.raw(OCCUPATION_UNIVERSITY.get(o.id, o.name));
  else if (o.type === 'school') out.raw(OCCUPATION_SCHOOL.get(o.id, o.name));
  else out.raw(utf8(`,"occupation":{"type":"${o.type}","id":${o.id},"name":${JSON.stringify(o.name)}}`));
}

/**
 * One user as JSON, straight into `out` as UTF-8 bytes: about twenty pre-encoded fragments
 * (key text joined with the value wherever the value comes from a small set) and a few
 * numbers written digit by digit; no per-user string is built. The key order and every
 * byte are those of the API's answers (test/emulator/golden.test.ts pins them, and
 * serialize.test.ts compares with the earlier string-building writer).
 */
export function writeUser(rec: MemberRecord, f: FieldSet, referenceSec: number, out: JsonSink): void {
  const on = f.on;
  out.raw(K_ID);
  out.num(rec.id);
  out.raw(FIRST_NAME.get(rec.firstName));
  out.raw(LAST_NAME.get(rec.lastName));
  if (rec.deactivated !== 0) {
    out.raw(rec.deactivated === 1 ? DEACTIVATED_DELETED : DEACTIVATED_BANNED);
    if (on.sex) writeSex(rec.sex, out);
    for (const p of f.photos) {
      out.raw(K_PHOTO.get(p)!);
      writeQuotedOnce(out, photoUrl(rec, p));
    }
    if (on.online) out.raw(ONLINE_0);
    if (on.last_seen && rec.lastSeenShown) writeLastSeen(rec, out);
    if (on.can_write_private_message) out.raw(CAN_WRITE_0);
    out.byte(CLOSE);
    return;
  }
  const open = !rec.isClosed || rec.canAccessClosed;
  out.raw(ACCESS_CLOSED[(rec.canAccessClosed ? 1 : 0) + (rec.isClosed ? 2 : 0)]);
  if (on.sex) writeSex(rec.sex, out);
  if (on.bdate && rec.bdate !== null) {
    out.raw(K_BDATE);
    out.write(rec.bdate);
    out.byte(QUOTE);
  }
  if (on.city && rec.city) out.raw(CITY.get(rec.city.id, rec.city.title));
  if (on.country && rec.countryId) out.raw(COUNTRY.get(rec.countryId, rec.countryTitle ?? ''));
  if (on.has_photo) out.raw(HAS_PHOTO[rec.hasPhoto ? 1 : 0]);
  for (const p of f.photos) {
    out.raw(K_PHOTO.get(p)!);
    writeQuotedOnce(out, photoUrl(rec, p));
  }
  if (on.domain) {
    out.raw(K_DOMAIN);
    out.num(rec.id);
    out.byte(QUOTE);
  }
  if (on.screen_name) {
    out.raw(K_SCREEN_NAME);
    out.num(rec.id);
    out.byte(QUOTE);
  }
  if (on.online) out.raw(ONLINE[rec.online ? 1 : 0]);
  if (on.last_seen && rec.lastSeenShown) writeLastSeen(rec, out);
  if (on.online_info) {
    if (rec.lastSeenShown) {
      out.raw(K_ONLINE_INFO_VISIBLE);
      out.num(rec.lastSeen);
      out.raw(
        ONLINE_MOBILE_END[(rec.online ? 1 : 0) + (rec.online && isMobilePlatform(rec.platform) ? 2 : 0)],
      );
    } else {
      out.raw(ONLINE_INFO_HIDDEN[rec.online ? 'recently' : onlineStatus(referenceSec - rec.lastSeen)]);
    }
  }
  if (on.followers_count) {
    out.raw(K_FOLLOWERS);
    out.num(rec.followers);
  }
  if (on.can_send_friend_request && on.can_write_private_message && on.can_see_all_posts) {
    out.raw(
      CAN_SEND_WRITE_SEE[
        (rec.canSendFriendRequest ? 1 : 0) +
          (rec.canWritePrivateMessage ? 2 : 0) +
          (rec.canSeeAllPosts ? 4 : 0)
      ],
    );
  } else {
    if (on.can_send_friend_request) out.raw(CAN_SEND[rec.canSendFriendRequest ? 1 : 0]);
    if (on.can_write_private_message) out.raw(CAN_WRITE[rec.canWritePrivateMessage ? 1 : 0]);
    if (on.can_see_all_posts) out.raw(CAN_SEE[rec.canSeeAllPosts ? 1 : 0]);
  }
  if (open) {
    if (on.relation) {
      const rel = RELATION[rec.relation];
      if (rel !== undefined) out.raw(rel);
      else {
        out.raw(K_RELATION);
        out.num(rec.relation);
      }
    }
    if (on.education) {
      const u = rec.university;
      if (u) {
        out.raw(UNIVERSITY.get(u.id, u.name));
        out.raw(FACULTY.get(rec.faculty!.id, rec.faculty!.name));
        out.raw(K_GRADUATION);
        out.num(rec.graduation);
        if (rec.educationForm) out.raw(EDUCATION_FORM.get(rec.educationForm));
        if (rec.educationStatus) out.raw(EDUCATION_STATUS.get(rec.educationStatus));
      } else {
        out.raw(NO_EDUCATION);
      }
    }
    if (on.universities) {
      const u = rec.university;
      if (u) {
        out.raw(UNIVERSITIES_ITEM.get(u.id, u.name));
        out.raw(FACULTY.get(rec.faculty!.id, rec.faculty!.name));
        out.raw(K_GRADUATION);
        out.num(rec.graduation);
        out.raw(UNIVERSITIES_END);
      } else {
        out.raw(NO_UNIVERSITIES);
      }
    }
    if (on.occupation && rec.occupation) writeOccupation(rec.occupation, out);
  }
  if (on.verified) out.raw(VERIFIED_END[rec.verified ? 1 : 0]);
  else out.byte(CLOSE);
}

function writeSex(sex: number, out: JsonSink): void {
  const t = SEX[sex];
  if (t !== undefined) out.raw(t);
  else {
    out.raw(K_SEX);
    out.num(sex);
  }
}

function writeLastSeen(rec: MemberRecord, out: JsonSink): void {
  const t = LAST_SEEN_PLATFORM[rec.platform];
  if (t !== undefined) out.raw(t);
  else {
    out.raw(K_LAST_SEEN_PLATFORM);
    out.num(rec.platform);
    out.raw(K_TIME);
  }
  out.num(rec.lastSeen);
  out.byte(CLOSE);
}

/** A small sink reused by `userJson` / `userJsonBytes` (single-threaded, never re-entered). */
const scratch = new JsonSink(4096);

/** One user as JSON text. `referenceSec` is "now" for online_info.status. */
export function userJson(rec: MemberRecord, f: FieldSet, referenceSec: number): string {
  scratch.clear();
  writeUser(rec, f, referenceSec, scratch);
  return scratch.toString('utf8');
}

/** One user as JSON, as a byte string (UTF-8 bytes, one char each): write it with 'latin1'. */
export function userJsonBytes(rec: MemberRecord, f: FieldSet, referenceSec: number): string {
  scratch.clear();
  writeUser(rec, f, referenceSec, scratch);
  return scratch.toString('latin1');
}

/**
 * The same user as a plain object, built directly (no JSON round trip): `execute` scripts
 * read fields of 25,000 users per request (`items@.sex`). Mirrors `writeUser` key for
 * key; test/emulator/generator.test.ts checks the two agree on every field for thousands
 * of users, deactivated and hidden ones included.
 */
export function userObject(rec: MemberRecord, f: FieldSet, referenceSec: number): Record<string, unknown> {
  const on = f.on;
  const o: Record<string, unknown> = { id: rec.id, first_name: rec.firstName, last_name: rec.lastName };
  if (rec.deactivated !== 0) {
    o.deactivated = rec.deactivated === 1 ? 'deleted' : 'banned';
    o.can_access_closed = true;
    o.is_closed = false;
    if (on.sex) o.sex = rec.sex;
    for (const p of f.photos) o[p] = photoUrl(rec, p);
    if (on.online) o.online = 0;
    if (on.last_seen && rec.lastSeenShown) o.last_seen = { platform: rec.platform, time: rec.lastSeen };
    if (on.can_write_private_message) o.can_write_private_message = 0;
    return o;
  }
  const open = !rec.isClosed || rec.canAccessClosed;
  const n = (v: boolean): number => (v ? 1 : 0);
  o.can_access_closed = rec.canAccessClosed;
  o.is_closed = rec.isClosed;
  if (on.sex) o.sex = rec.sex;
  if (on.bdate && rec.bdate !== null) o.bdate = rec.bdate;
  if (on.city && rec.city) o.city = { id: rec.city.id, title: rec.city.title };
  if (on.country && rec.countryId) o.country = { id: rec.countryId, title: rec.countryTitle ?? '' };
  if (on.has_photo) o.has_photo = n(rec.hasPhoto);
  for (const p of f.photos) o[p] = photoUrl(rec, p);
  if (on.domain) o.domain = `id${rec.id}`;
  if (on.screen_name) o.screen_name = `id${rec.id}`;
  if (on.online) o.online = n(rec.online);
  if (on.last_seen && rec.lastSeenShown) o.last_seen = { platform: rec.platform, time: rec.lastSeen };
  if (on.online_info) {
    o.online_info = rec.lastSeenShown
      ? {
          visible: true,
          last_seen: rec.lastSeen,
          is_online: rec.online,
          is_mobile: rec.online && isMobilePlatform(rec.platform),
        }
      : {
          visible: false,
          is_online: false,
          is_mobile: false,
          status: rec.online ? 'recently' : onlineStatus(referenceSec - rec.lastSeen),
        };
  }
  if (on.followers_count) o.followers_count = rec.followers;
  if (on.can_send_friend_request) o.can_send_friend_request = n(rec.canSendFriendRequest);
  if (on.can_write_private_message) o.can_write_private_message = n(rec.canWritePrivateMessage);
  if (on.can_see_all_posts) o.can_see_all_posts = n(rec.canSeeAllPosts);
  if (open) {
    if (on.relation) o.relation = rec.relation;
    const u = rec.university;
    if (on.education) {
      o.university = u ? u.id : 0;
      o.university_name = u ? u.name : '';
      o.faculty = u ? rec.faculty!.id : 0;
      o.faculty_name = u ? rec.faculty!.name : '';
      o.graduation = u ? rec.graduation : 0;
      if (u && rec.educationForm) o.education_form = rec.educationForm;
      if (u && rec.educationStatus) o.education_status = rec.educationStatus;
    }
    if (on.universities) {
      o.universities = u
        ? [
            {
              id: u.id,
              country: 1,
              city: 1,
              name: u.name,
              faculty: rec.faculty!.id,
              faculty_name: rec.faculty!.name,
              graduation: rec.graduation,
            },
          ]
        : [];
    }
    if (on.occupation && rec.occupation) {
      const oc = rec.occupation;
      o.occupation =
        oc.id !== undefined ? { type: oc.type, id: oc.id, name: oc.name } : { type: oc.type, name: oc.name };
    }
  }
  if (on.verified) o.verified = n(rec.verified);
  return o;
}

/** 1 for true, 0 for false (VK's integer flags). */
const flag01 = (v: boolean): number => (v ? 1 : 0);

/** `userField`'s property codes. */
const F = {
  id: 1,
  first_name: 2,
  last_name: 3,
  deactivated: 4,
  can_access_closed: 5,
  is_closed: 6,
  sex: 7,
  online: 8,
  last_seen: 9,
  can_write_private_message: 10,
  bdate: 11,
  city: 12,
  country: 13,
  has_photo: 14,
  domain: 15,
  screen_name: 16,
  online_info: 17,
  followers_count: 18,
  can_send_friend_request: 19,
  can_see_all_posts: 20,
  verified: 21,
  relation: 22,
  university: 23,
  university_name: 24,
  faculty: 25,
  faculty_name: 26,
  graduation: 27,
  education_form: 28,
  education_status: 29,
  universities: 30,
  occupation: 31,
} as const;
const FIELD_CODES: ReadonlyMap<string, number> = new Map(Object.entries(F));
let lastProp = '';
let lastCode = 0;

/**
 * One property of `userObject(rec, f, referenceSec)`, without building the object:
 * `undefined` when the object would not have it. The columns script the pull sends reads
 * 26 properties of every member (`items@.city@.id`), so this is its hot path. Mirrors
 * `userObject` property by property; test/emulator/serialize.test.ts checks that they
 * agree on every property for thousands of users and several field sets.
 */
export function userField(rec: MemberRecord, f: FieldSet, referenceSec: number, prop: string): unknown {
  const on = f.on;
  // Property names from a script are not internalised strings, so a string switch would
  // compare them char by char, case after case: one map lookup gives a small integer, and
  // a projection asks for the same name (the same string) 25,000 times in a row.
  if (prop !== lastProp) {
    lastProp = prop;
    lastCode = FIELD_CODES.get(prop) ?? 0;
  }
  const code = lastCode;
  switch (code) {
    case F.id:
      return rec.id;
    case F.first_name:
      return rec.firstName;
    case F.last_name:
      return rec.lastName;
    default:
      break;
  }
  if (rec.deactivated !== 0) {
    switch (code) {
      case F.deactivated:
        return rec.deactivated === 1 ? 'deleted' : 'banned';
      case F.can_access_closed:
        return true;
      case F.is_closed:
        return false;
      case F.sex:
        return on.sex ? rec.sex : undefined;
      case F.online:
        return on.online ? 0 : undefined;
      case F.last_seen:
        return on.last_seen && rec.lastSeenShown ? { platform: rec.platform, time: rec.lastSeen } : undefined;
      case F.can_write_private_message:
        return on.can_write_private_message ? 0 : undefined;
      default:
        return f.photos.includes(prop) ? photoUrl(rec, prop) : undefined;
    }
  }
  // `flag01` (module level): a closure here would be allocated on every call.
  const open = !rec.isClosed || rec.canAccessClosed;
  const u = rec.university;
  switch (code) {
    case F.can_access_closed:
      return rec.canAccessClosed;
    case F.is_closed:
      return rec.isClosed;
    case F.sex:
      return on.sex ? rec.sex : undefined;
    case F.bdate:
      return on.bdate && rec.bdate !== null ? rec.bdate : undefined;
    case F.city:
      return on.city && rec.city ? { id: rec.city.id, title: rec.city.title } : undefined;
    case F.country:
      return on.country && rec.countryId ? { id: rec.countryId, title: rec.countryTitle ?? '' } : undefined;
    case F.has_photo:
      return on.has_photo ? flag01(rec.hasPhoto) : undefined;
    case F.domain:
      return on.domain ? `id${rec.id}` : undefined;
    case F.screen_name:
      return on.screen_name ? `id${rec.id}` : undefined;
    case F.online:
      return on.online ? flag01(rec.online) : undefined;
    case F.last_seen:
      return on.last_seen && rec.lastSeenShown ? { platform: rec.platform, time: rec.lastSeen } : undefined;
    case F.online_info:
      if (!on.online_info) return undefined;
      return rec.lastSeenShown
        ? {
            visible: true,
            last_seen: rec.lastSeen,
            is_online: rec.online,
            is_mobile: rec.online && isMobilePlatform(rec.platform),
          }
        : {
            visible: false,
            is_online: false,
            is_mobile: false,
            status: rec.online ? 'recently' : onlineStatus(referenceSec - rec.lastSeen),
          };
    case F.followers_count:
      return on.followers_count ? rec.followers : undefined;
    case F.can_send_friend_request:
      return on.can_send_friend_request ? flag01(rec.canSendFriendRequest) : undefined;
    case F.can_write_private_message:
      return on.can_write_private_message ? flag01(rec.canWritePrivateMessage) : undefined;
    case F.can_see_all_posts:
      return on.can_see_all_posts ? flag01(rec.canSeeAllPosts) : undefined;
    case F.verified:
      return on.verified ? flag01(rec.verified) : undefined;
    default:
      break;
  }
  if (!open) return f.photos.includes(prop) ? photoUrl(rec, prop) : undefined;
  switch (code) {
    case F.relation:
      return on.relation ? rec.relation : undefined;
    case F.university:
      return on.education ? (u ? u.id : 0) : undefined;
    case F.university_name:
      return on.education ? (u ? u.name : '') : undefined;
    case F.faculty:
      return on.education ? (u ? rec.faculty!.id : 0) : undefined;
    case F.faculty_name:
      return on.education ? (u ? rec.faculty!.name : '') : undefined;
    case F.graduation:
      return on.education ? (u ? rec.graduation : 0) : undefined;
    case F.education_form:
      return on.education && u && rec.educationForm ? rec.educationForm : undefined;
    case F.education_status:
      return on.education && u && rec.educationStatus ? rec.educationStatus : undefined;
    case F.universities:
      if (!on.universities) return undefined;
      return u
        ? [
            {
              id: u.id,
              country: 1,
              city: 1,
              name: u.name,
              faculty: rec.faculty!.id,
              faculty_name: rec.faculty!.name,
              graduation: rec.graduation,
            },
          ]
        : [];
    case F.occupation: {
      const oc = rec.occupation;
      if (!on.occupation || !oc) return undefined;
      return oc.id !== undefined
        ? { type: oc.type, id: oc.id, name: oc.name }
        : { type: oc.type, name: oc.name };
    }
    default:
      return f.photos.includes(prop) ? photoUrl(rec, prop) : undefined;
  }
}

/** `userPath`'s nested objects. */
const NESTED: ReadonlyMap<string, number> = new Map([
  ['city', F.city],
  ['country', F.country],
  ['last_seen', F.last_seen],
  ['online_info', F.online_info],
  ['occupation', F.occupation],
]);
let lastPathProp = '';
let lastPathCode = 0;

/**
 * Property `b` of the object `userField(rec, f, referenceSec, a)` returns (null when that
 * object is absent or lacks `b`), without building the object: `items@.city@.id` and five
 * more projections of the columns script read one each per member. `undefined` when `a`
 * is not one of the nested objects handled here (the caller then reads `userField`).
 * Mirrors `userField` case by case; serialize.test.ts compares the two on every pair.
 */
export function userPath(
  rec: MemberRecord,
  f: FieldSet,
  referenceSec: number,
  a: string,
  b: string,
): unknown {
  if (a !== lastPathProp) {
    lastPathProp = a;
    lastPathCode = NESTED.get(a) ?? 0;
  }
  const on = f.on;
  switch (lastPathCode) {
    case F.last_seen:
      // The same object for live and deactivated profiles.
      if (!on.last_seen || !rec.lastSeenShown) return null;
      return b === 'platform' ? rec.platform : b === 'time' ? rec.lastSeen : null;
    case F.city: {
      const c = rec.city;
      if (rec.deactivated !== 0 || !on.city || !c) return null;
      return b === 'id' ? c.id : b === 'title' ? c.title : null;
    }
    case F.country:
      if (rec.deactivated !== 0 || !on.country || !rec.countryId) return null;
      return b === 'id' ? rec.countryId : b === 'title' ? (rec.countryTitle ?? '') : null;
    case F.online_info:
      if (rec.deactivated !== 0 || !on.online_info) return null;
      if (rec.lastSeenShown) {
        switch (b) {
          case 'visible':
            return true;
          case 'last_seen':
            return rec.lastSeen;
          case 'is_online':
            return rec.online;
          case 'is_mobile':
            return rec.online && isMobilePlatform(rec.platform);
          default:
            return null;
        }
      }
      switch (b) {
        case 'visible':
        case 'is_online':
        case 'is_mobile':
          return false;
        case 'status':
          return rec.online ? 'recently' : onlineStatus(referenceSec - rec.lastSeen);
        default:
          return null;
      }
    case F.occupation: {
      const oc = rec.occupation;
      if (rec.deactivated !== 0 || (rec.isClosed && !rec.canAccessClosed) || !on.occupation || !oc)
        return null;
      switch (b) {
        case 'type':
          return oc.type;
        case 'id':
          return oc.id ?? null;
        case 'name':
          return oc.name;
        default:
          return null;
      }
    }
    default:
      return undefined;
  }
}
