/**
 * The byte writer of VK user objects: `writeUser` writes what `userObject` (serialize.ts,
 * the field table) returns, as JSON, straight from a `MemberRecord` into the answer's
 * bytes. The emulator serves hundreds of thousands of users per second, so no intermediate
 * object or string is built: about twenty pre-encoded fragments per user (key text joined
 * with the value wherever the value comes from a small set) and a few numbers written
 * digit by digit.
 *
 * Checked against the table: test/emulator/serialize.test.ts compares `writeUser` with
 * `JSON.stringify(userObject(...))` for thousands of generated users and every field set,
 * and with the string-building writer it replaced (test/emulator/serialize-reference.ts)
 * on hand-made records that take the rare paths; golden.test.ts pins the served bytes.
 * A change to the table is a change here too.
 */
import type { MemberRecord, Occupation } from '../generator';
import { FieldSet, PHOTO_SIZES, isMobilePlatform, onlineStatus, photoUrl } from '../serialize';
import { JsonSink } from './json-sink';

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
const VERIFIED = flagPair((v) => `,"verified":${v ? 1 : 0}`);
const HAS_MOBILE = flagPair((v) => `,"has_mobile":${v ? 1 : 0}`);
const STATUS = new QuotedFragments(',"status":');

function writeOccupation(o: Occupation, out: JsonSink): void {
  if (o.id === undefined) {
    if (o.type === 'work') out.raw(OCCUPATION_WORK.get(o.name));
    else out.raw(utf8(`,"occupation":{"type":"${o.type}","name":${JSON.stringify(o.name)}}`));
  } else if (o.type === 'university') out.raw(OCCUPATION_UNIVERSITY.get(o.id, o.name));
  else if (o.type === 'school') out.raw(OCCUPATION_SCHOOL.get(o.id, o.name));
  else out.raw(utf8(`,"occupation":{"type":"${o.type}","id":${o.id},"name":${JSON.stringify(o.name)}}`));
}

/** `JSON.stringify(userObject(rec, f, referenceSec))`, as UTF-8 bytes into `out`. */
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
  if (on.verified) out.raw(VERIFIED[rec.verified ? 1 : 0]);
  if (on.has_mobile) out.raw(HAS_MOBILE[rec.hasMobile ? 1 : 0]);
  if (on.status && rec.status !== null) out.raw(STATUS.get(rec.status));
  out.byte(CLOSE);
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
