/**
 * VK user object (as `groups.getMembers` returns it with `MEMBER_FIELDS`) → `MemberRow`.
 *
 * Per docs/vk-api.md: "never rely on a field being absent or present" — deleted
 * profiles often still carry `first_name:"DELETED"`, `sex`, `online`…, hidden fields are
 * simply missing, and flags come as 0/1 numbers (sometimes booleans). So every field is
 * read defensively: a value of the wrong shape becomes `null` (unknown), never a guess.
 * Only `id` is mandatory; a user object without a valid id is a protocol error.
 *
 * Personal data minimisation (see schema.ts): last names, photo URLs, day and month of
 * birth and occupation names are deliberately not copied.
 */
import type { MemberRow } from './schema';
import { isObject } from '../util/json-shape';

/** The VK user object as it arrives: any JSON. */
export type VkUser = Record<string, unknown>;

export class MemberConversionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MemberConversionError';
  }
}

export const INT32_MAX = 2147483647;

/** An integer in [min, max], or null. VK sometimes sends numbers as strings: accept those. */
export function int(v: unknown, min: number, max: number): number | null {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) return null;
  return n;
}

/** VK flags are 0/1 numbers (some fields are real booleans, e.g. `is_closed`). */
export function flag(v: unknown): boolean | null {
  if (v === true || v === 1 || v === '1') return true;
  if (v === false || v === 0 || v === '0') return false;
  return null;
}

export function text(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

const BDATE_FULL = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;
const BDATE_NO_YEAR = /^(\d{1,2})\.(\d{1,2})$/;

/** `bdate` "D.M.YYYY" | "D.M" → visibility + year (the day and month are dropped). */
export function parseBdate(v: unknown): { visibility: MemberRow['bdate_visibility']; year: number | null } {
  if (typeof v !== 'string') return { visibility: null, year: null };
  const full = BDATE_FULL.exec(v);
  if (full) {
    const year = Number(full[3]);
    // A year outside int16 / before 1900 is not a birth year we can use; keep "full" so the
    // visibility statistic stays right, but store no year.
    return { visibility: 'full', year: year >= 1900 && year <= 2100 ? year : null };
  }
  if (BDATE_NO_YEAR.test(v)) return { visibility: 'no_year', year: null };
  return { visibility: null, year: null };
}

/** A positive unix time in seconds, or null. */
export function unixTime(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null;
}

export function deactivated(v: unknown): MemberRow['deactivated'] {
  // Other values (none documented for 5.199) are treated as unknown rather than guessed.
  return v === 'deleted' || v === 'banned' ? v : null;
}

/**
 * Convert one VK user object. Throws `MemberConversionError` only when the object has no
 * usable `id` (the one thing every later stage keys on).
 */
export function toMemberRow(user: unknown): MemberRow {
  if (!isObject(user)) {
    throw new MemberConversionError(
      `VK member item is not a user object (got ${user === null ? 'null' : typeof user}); the API answer is malformed — request the members with "fields" set.`,
    );
  }
  const id = int(user.id, 1, INT32_MAX);
  if (id === null) {
    throw new MemberConversionError(
      `VK member item has no valid "id" (got ${JSON.stringify(user.id)}); the API answer is malformed.`,
    );
  }
  const city = isObject(user.city) ? user.city : null;
  const country = isObject(user.country) ? user.country : null;
  const lastSeen = isObject(user.last_seen) ? user.last_seen : null;
  const onlineInfo = isObject(user.online_info) ? user.online_info : null;
  const occupation = isObject(user.occupation) ? user.occupation : null;
  const bdate = parseBdate(user.bdate);
  const lastSeenTime = lastSeen ? unixTime(lastSeen.time) : null;
  return {
    id,
    first_name: text(user.first_name),
    deactivated: deactivated(user.deactivated),
    is_closed: flag(user.is_closed),
    can_access_closed: flag(user.can_access_closed),
    sex: int(user.sex, 0, 2),
    bdate_visibility: bdate.visibility,
    birth_year: bdate.year,
    city_id: city ? int(city.id, 0, INT32_MAX) : null,
    city_title: city ? text(city.title) : null,
    country_id: country ? int(country.id, 0, INT32_MAX) : null,
    country_title: country ? text(country.title) : null,
    has_photo: flag(user.has_photo),
    last_seen_time: lastSeenTime,
    last_seen_platform: lastSeen ? int(lastSeen.platform, 0, 127) : null,
    online_info_visible: onlineInfo ? flag(onlineInfo.visible) : null,
    online_info_status: onlineInfo ? text(onlineInfo.status) : null,
    followers_count: int(user.followers_count, 0, INT32_MAX),
    can_send_friend_request: flag(user.can_send_friend_request),
    can_write_private_message: flag(user.can_write_private_message),
    can_see_all_posts: flag(user.can_see_all_posts),
    relation: int(user.relation, 0, 127),
    university_id: int(user.university, 0, INT32_MAX),
    graduation_year: int(user.graduation, 0, 32767),
    education_status: text(user.education_status),
    occupation_type: occupation ? text(occupation.type) : null,
    verified: flag(user.verified),
  };
}
