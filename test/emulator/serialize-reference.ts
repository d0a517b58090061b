/**
 * The user serialiser as it was before the byte writer (src/emulator/serialize.ts at
 * b2235fc: one latin1 "byte string" per user built by string concatenation), kept
 * verbatim as the reference that serialize.test.ts compares `writeUser` with, field set by
 * field set, including the rarely taken paths (escapes, codes outside the tables).
 */
import type { MemberRecord } from '../../src/emulator/generator';
import type { FieldSet } from '../../src/emulator/serialize';

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

/** One user as JSON, as a byte string (UTF-8 bytes, one char each): write it with 'latin1'. */
export function referenceUserJsonBytes(rec: MemberRecord, f: FieldSet, referenceSec: number): string {
  const on = f.on;
  let s = `{"id":${rec.id},"first_name":${q(rec.firstName)},"last_name":${q(rec.lastName)}`;
  if (rec.deactivated !== 0) {
    s += `,"deactivated":"${rec.deactivated === 1 ? 'deleted' : 'banned'}","can_access_closed":true,"is_closed":false`;
    if (on.sex) s += `,"sex":${rec.sex}`;
    for (const p of f.photos) s += `,"${p}":${q(photoUrl(rec, p))}`;
    if (on.online) s += ',"online":0';
    if (on.last_seen && rec.lastSeenShown)
      s += `,"last_seen":{"platform":${rec.platform},"time":${rec.lastSeen}}`;
    if (on.can_write_private_message) s += ',"can_write_private_message":0';
    return s + '}';
  }
  const open = !rec.isClosed || rec.canAccessClosed;
  s += `,"can_access_closed":${rec.canAccessClosed},"is_closed":${rec.isClosed}`;
  if (on.sex) s += `,"sex":${rec.sex}`;
  if (on.bdate && rec.bdate !== null) s += `,"bdate":"${rec.bdate}"`;
  if (on.city && rec.city) s += `,"city":{"id":${rec.city.id},"title":${q(rec.city.title)}}`;
  if (on.country && rec.countryId)
    s += `,"country":{"id":${rec.countryId},"title":${q(rec.countryTitle ?? '')}}`;
  if (on.has_photo) s += `,"has_photo":${b(rec.hasPhoto)}`;
  for (const p of f.photos) s += `,"${p}":${q(photoUrl(rec, p))}`;
  if (on.domain) s += `,"domain":"id${rec.id}"`;
  if (on.screen_name) s += `,"screen_name":"id${rec.id}"`;
  if (on.online) s += `,"online":${b(rec.online)}`;
  if (on.last_seen && rec.lastSeenShown)
    s += `,"last_seen":{"platform":${rec.platform},"time":${rec.lastSeen}}`;
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
  if (on.has_mobile) s += `,"has_mobile":${b(rec.hasMobile)}`;
  if (on.status && rec.status !== null) s += `,"status":${q(rec.status)}`;
  return s + '}';
}
