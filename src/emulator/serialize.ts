/**
 * VK user objects (API 5.199, as `groups.getMembers` returns them with `fields`), written
 * straight to JSON text from a `MemberRecord`: the emulator serves hundreds of thousands
 * of them per second, so no intermediate object is built on the hot path.
 *
 * Shapes follow reference/vk-api.md: deactivated profiles carry `deactivated`, "DELETED"
 * names for deleted ones, `sex`, `online: 0`, `can_write_private_message: 0` and the
 * deactivated photo placeholder; live profiles without a photo get the camera placeholder;
 * closed profiles the caller cannot access hide relation, education and occupation.
 */
import type { MemberRecord } from './generator';

/** The user fields the emulator knows; anything else in `fields` is ignored, as VK does. */
export const KNOWN_FIELDS = [
  'sex', 'bdate', 'city', 'country', 'has_photo', 'photo_50', 'photo_100', 'photo_200', 'photo_200_orig',
  'photo_400_orig', 'photo_max', 'photo_max_orig', 'last_seen', 'online', 'online_info', 'followers_count',
  'can_send_friend_request', 'can_write_private_message', 'can_see_all_posts', 'relation', 'education',
  'universities', 'occupation', 'verified', 'domain', 'screen_name',
] as const;
export type KnownField = (typeof KNOWN_FIELDS)[number];

const PHOTO_SIZES: Readonly<Record<string, number>> = {
  photo_50: 50, photo_100: 100, photo_200: 200, photo_200_orig: 200, photo_400_orig: 400, photo_max: 200, photo_max_orig: 400,
};

/** A parsed `fields` parameter. `key` identifies equal field sets. */
export interface FieldSet {
  readonly key: string;
  readonly has: ReadonlySet<string>;
  /** The same as `has`, as plain properties: read ~25 times per user on the hot path. */
  readonly on: Readonly<Record<KnownField, boolean>>;
  readonly photos: readonly string[];
}

export function parseFields(fields: string | readonly string[] | undefined | null): FieldSet {
  const list = (typeof fields === 'string' ? fields.split(',') : fields ?? []).map((f) => f.trim()).filter(Boolean);
  const known = new Set<string>(KNOWN_FIELDS);
  const has = new Set(list.filter((f) => known.has(f)));
  const photos = Object.keys(PHOTO_SIZES).filter((p) => has.has(p));
  const on = Object.fromEntries(KNOWN_FIELDS.map((k) => [k, has.has(k)])) as Record<KnownField, boolean>;
  return { key: [...has].sort().join(','), has, on, photos };
}

/**
 * JSON-quoted strings as "byte strings": the UTF-8 bytes of the quoted text, one char per
 * byte (latin1). A user's JSON built from them is a one-byte V8 string that is copied into
 * the answer buffer as is ('latin1'), instead of a two-byte (Cyrillic) string that must be
 * flattened and UTF-8-encoded per user — the largest cost in serving. Memoised: names,
 * surnames, cities, universities and companies come from small fixed lists. Bounded so an
 * unexpected stream of distinct strings cannot grow it forever.
 */
const quoted = new Map<string, string>();
function q(s: string): string {
  let v = quoted.get(s);
  if (v === undefined) {
    v = Buffer.from(JSON.stringify(s), 'utf8').toString('latin1');
    if (quoted.size < 50_000) quoted.set(s, v);
  }
  return v;
}
const b = (v: boolean): string => (v ? '1' : '0');

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

/** One user as JSON text. `referenceSec` is "now" for online_info.status. */
export function userJson(rec: MemberRecord, f: FieldSet, referenceSec: number): string {
  return Buffer.from(userJsonBytes(rec, f, referenceSec), 'latin1').toString('utf8');
}

/** One user as JSON, as a byte string (UTF-8 bytes, one char each): write it with 'latin1'. */
export function userJsonBytes(rec: MemberRecord, f: FieldSet, referenceSec: number): string {
  const on = f.on;
  let s = `{"id":${rec.id},"first_name":${q(rec.firstName)},"last_name":${q(rec.lastName)}`;
  if (rec.deactivated !== 0) {
    s += `,"deactivated":"${rec.deactivated === 1 ? 'deleted' : 'banned'}","can_access_closed":true,"is_closed":false`;
    if (on.sex) s += `,"sex":${rec.sex}`;
    for (const p of f.photos) s += `,"${p}":${q(photoUrl(rec, p))}`;
    if (on.online) s += ',"online":0';
    if (on.last_seen && rec.lastSeenShown) s += `,"last_seen":{"platform":${rec.platform},"time":${rec.lastSeen}}`;
    if (on.can_write_private_message) s += ',"can_write_private_message":0';
    return s + '}';
  }
  const open = !rec.isClosed || rec.canAccessClosed;
  s += `,"can_access_closed":${rec.canAccessClosed},"is_closed":${rec.isClosed}`;
  if (on.sex) s += `,"sex":${rec.sex}`;
  if (on.bdate && rec.bdate !== null) s += `,"bdate":"${rec.bdate}"`;
  if (on.city && rec.city) s += `,"city":{"id":${rec.city.id},"title":${q(rec.city.title)}}`;
  if (on.country && rec.countryId) s += `,"country":{"id":${rec.countryId},"title":${q(rec.countryTitle ?? '')}}`;
  if (on.has_photo) s += `,"has_photo":${b(rec.hasPhoto)}`;
  for (const p of f.photos) s += `,"${p}":${q(photoUrl(rec, p))}`;
  if (on.domain) s += `,"domain":"id${rec.id}"`;
  if (on.screen_name) s += `,"screen_name":"id${rec.id}"`;
  if (on.online) s += `,"online":${b(rec.online)}`;
  if (on.last_seen && rec.lastSeenShown) s += `,"last_seen":{"platform":${rec.platform},"time":${rec.lastSeen}}`;
  if (on.online_info) {
    if (rec.lastSeenShown) {
      s += `,"online_info":{"visible":true,"last_seen":${rec.lastSeen},"is_online":${rec.online},"is_mobile":${rec.online && isMobilePlatform(rec.platform)}}`;
    } else {
      const status = rec.online ? 'recently' : onlineStatus(referenceSec - rec.lastSeen);
      s += `,"online_info":{"visible":false,"is_online":false,"is_mobile":false,"status":"${status}"}`;
    }
  }
  if (on.followers_count) s += `,"followers_count":${rec.followers}`;
  if (on.can_send_friend_request) s += `,"can_send_friend_request":${b(rec.canSendFriendRequest)}`;
  if (on.can_write_private_message) s += `,"can_write_private_message":${b(rec.canWritePrivateMessage)}`;
  if (on.can_see_all_posts) s += `,"can_see_all_posts":${b(rec.canSeeAllPosts)}`;
  if (open) {
    if (on.relation) s += `,"relation":${rec.relation}`;
    if (on.education) {
      const u = rec.university;
      s += u
        ? `,"university":${u.id},"university_name":${q(u.name)},"faculty":${rec.faculty!.id},"faculty_name":${q(rec.faculty!.name)},"graduation":${rec.graduation}`
        : ',"university":0,"university_name":"","faculty":0,"faculty_name":"","graduation":0';
      if (u && rec.educationForm) s += `,"education_form":${q(rec.educationForm)}`;
      if (u && rec.educationStatus) s += `,"education_status":${q(rec.educationStatus)}`;
    }
    if (on.universities) {
      const u = rec.university;
      s += u
        ? `,"universities":[{"id":${u.id},"country":1,"city":1,"name":${q(u.name)},"faculty":${rec.faculty!.id},"faculty_name":${q(rec.faculty!.name)},"graduation":${rec.graduation}}]`
        : ',"universities":[]';
    }
    if (on.occupation && rec.occupation) {
      const o = rec.occupation;
      s += `,"occupation":{"type":"${o.type}"${o.id !== undefined ? `,"id":${o.id}` : ''},"name":${q(o.name)}}`;
    }
  }
  if (on.verified) s += `,"verified":${b(rec.verified)}`;
  return s + '}';
}

/**
 * The same user as a plain object, built directly (no JSON round trip): `execute` scripts
 * read fields of 25,000 users per request (`items@.sex`). Mirrors `userJsonBytes` key for
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
      ? { visible: true, last_seen: rec.lastSeen, is_online: rec.online, is_mobile: rec.online && isMobilePlatform(rec.platform) }
      : { visible: false, is_online: false, is_mobile: false, status: rec.online ? 'recently' : onlineStatus(referenceSec - rec.lastSeen) };
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
        ? [{ id: u.id, country: 1, city: 1, name: u.name, faculty: rec.faculty!.id, faculty_name: rec.faculty!.name, graduation: rec.graduation }]
        : [];
    }
    if (on.occupation && rec.occupation) {
      const oc = rec.occupation;
      o.occupation = oc.id !== undefined ? { type: oc.type, id: oc.id, name: oc.name } : { type: oc.type, name: oc.name };
    }
  }
  if (on.verified) o.verified = n(rec.verified);
  return o;
}
