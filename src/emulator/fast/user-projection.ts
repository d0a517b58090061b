/**
 * One property of a user object without building the object: `execute` scripts project
 * columns out of 25,000 users per request (`items@.sex`, `items@.city@.id`: the pull's
 * columns script reads 26 of them per member), so building `userObject` for each user and
 * reading one key was most of the serving time. `userField` and `userPath` answer what
 * `userObject` (serialize.ts, the field table) would hold, case by case;
 * test/emulator/serialize.test.ts compares them with it on every property, for thousands
 * of users and several field sets. A change to the table is a change here too.
 */
import type { MemberRecord } from '../generator';
import { type FieldSet, type PHOTO_SIZES, isMobilePlatform, onlineStatus, photoUrl } from '../serialize';

/** A photo field's URL, if it was asked for. */
function photoField(rec: MemberRecord, f: FieldSet, prop: string): string | undefined {
  const photos: readonly string[] = f.photos;
  return photos.includes(prop) ? photoUrl(rec, prop as keyof typeof PHOTO_SIZES) : undefined;
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
  has_mobile: 32,
  status: 33,
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
        return photoField(rec, f, prop);
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
    case F.has_mobile:
      return on.has_mobile ? flag01(rec.hasMobile) : undefined;
    case F.status:
      return on.status && rec.status !== null ? rec.status : undefined;
    default:
      break;
  }
  if (!open) return photoField(rec, f, prop);
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
      return photoField(rec, f, prop);
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
