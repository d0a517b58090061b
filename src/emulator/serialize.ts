/**
 * VK user objects (API 5.199, as `groups.getMembers` returns them with `fields`): one table,
 * `USER_KEYS`, says for every key of the object which `fields` entry asks for it, how its
 * value comes from the generated `MemberRecord`, and who sees it. `userObject` reads the
 * table and nothing else; it is the definition of what the emulator answers.
 *
 * Visibility follows real answers (docs/vk-api.md, docs/synthetic-community.md "User
 * objects"): deactivated profiles carry `deactivated`, "DELETED" names for deleted ones,
 * `sex`, `online: 0`, `can_write_private_message: 0`, `last_seen` when known and the
 * deactivated photo placeholder, nothing else; live profiles without a photo get the camera
 * placeholder; closed profiles the caller cannot access hide relation, education and
 * occupation.
 *
 * The server writes these objects with the byte writer in fast/user-writer.ts and execute
 * scripts read them through fast/user-projection.ts; test/emulator/serialize.test.ts
 * checks both against `userObject`, key for key and byte for byte.
 */
import type { MemberRecord } from './generator';

/** How one key of the user object is made. */
interface UserKey<F extends string | null = string | null> {
  /** The key in VK's user object. */
  readonly key: string;
  /** The `fields` entry that asks for it; null: sent without being asked for. */
  readonly field: F;
  /** Left out when the caller cannot see a closed profile (`is_closed` and not `can_access_closed`). */
  readonly private: boolean;
  /** The value on a live profile (`now`: the reference time, unix seconds); undefined leaves the key out. */
  readonly live: (rec: MemberRecord, now: number) => unknown;
  /** The value on a deleted or banned profile; null leaves the key out of those. */
  readonly deactivated: ((rec: MemberRecord) => unknown) | null;
}

const key = <const F extends string | null>(
  k: string,
  field: F,
  live: UserKey['live'],
  rest: { deactivated?: UserKey['deactivated']; private?: boolean } = {},
): UserKey<F> => ({
  key: k,
  field,
  private: rest.private ?? false,
  live,
  deactivated: rest.deactivated ?? null,
});

/** VK's integer flags. */
const flag = (v: boolean): number => (v ? 1 : 0);

/** Photo sizes by field; the `_max` fields name the largest size VK has (200 and 400 here). */
export const PHOTO_SIZES = {
  photo_50: 50,
  photo_100: 100,
  photo_200: 200,
  photo_200_orig: 200,
  photo_400_orig: 400,
  photo_max: 200,
  photo_max_orig: 400,
} as const;

/**
 * A profile photo URL: VK's placeholders for deactivated profiles and for live ones without
 * a photo, else a stable per-member URL on VK's photo hosts (never fetched).
 */
export function photoUrl(rec: MemberRecord, field: keyof typeof PHOTO_SIZES): string {
  const size = PHOTO_SIZES[field];
  if (rec.deactivated !== 0) return `https://vk.com/images/deactivated_${size}.png`;
  if (!rec.hasPhoto) return `https://vk.com/images/camera_${size}.png?ava=1`;
  const hex = (rec.photoKey >>> 0).toString(16).padStart(8, '0');
  return `https://sun${1 + (rec.photoKey % 9)}-${10 + (rec.photoKey % 80)}.userapi.com/s/v1/ig2/${hex}${rec.id.toString(16)}.jpg?size=${size}x${size}&quality=95&ava=1`;
}

const photo = <const F extends keyof typeof PHOTO_SIZES>(field: F): UserKey<F> =>
  key(field, field, (r) => photoUrl(r, field), { deactivated: (r) => photoUrl(r, field) });

/** `online_info.status` of a user who hides `last_seen`: VK's coarse recency words. */
export function onlineStatus(ageSec: number): string {
  if (ageSec <= 3 * 86400) return 'recently';
  if (ageSec <= 7 * 86400) return 'last_week';
  if (ageSec <= 31 * 86400) return 'last_month';
  return 'long_ago';
}

/** VK platform codes 1–5 are mobile (mobile web, iPhone, iPad, Android, Windows Phone). */
export const isMobilePlatform = (p: number): boolean => p >= 1 && p <= 5;

const lastSeen = (r: MemberRecord): unknown =>
  r.lastSeenShown ? { platform: r.platform, time: r.lastSeen } : undefined;

/** The one university a profile states, as `universities` lists it. */
const universityItem = (r: MemberRecord): unknown =>
  r.university
    ? [
        {
          id: r.university.id,
          country: 1,
          city: 1,
          name: r.university.name,
          faculty: r.faculty!.id,
          faculty_name: r.faculty!.name,
          graduation: r.graduation,
        },
      ]
    : [];

/**
 * Every key of a user object, in the order VK's answers show them. A key appears when its
 * field was asked for (or it has none), the profile kind allows it (`deactivated`) and the
 * caller may see it (`private`), and its value is not undefined.
 */
export const USER_KEYS = [
  key('id', null, (r) => r.id, { deactivated: (r) => r.id }),
  key('first_name', null, (r) => r.firstName, { deactivated: (r) => r.firstName }),
  key('last_name', null, (r) => r.lastName, { deactivated: (r) => r.lastName }),
  key('deactivated', null, () => undefined, {
    deactivated: (r) => (r.deactivated === 1 ? 'deleted' : 'banned'),
  }),
  key('can_access_closed', null, (r) => r.canAccessClosed, { deactivated: () => true }),
  key('is_closed', null, (r) => r.isClosed, { deactivated: () => false }),
  key('sex', 'sex', (r) => r.sex, { deactivated: (r) => r.sex }),
  key('bdate', 'bdate', (r) => r.bdate ?? undefined),
  key('city', 'city', (r) => (r.city ? { id: r.city.id, title: r.city.title } : undefined)),
  key('country', 'country', (r) =>
    r.countryId ? { id: r.countryId, title: r.countryTitle ?? '' } : undefined,
  ),
  key('has_photo', 'has_photo', (r) => flag(r.hasPhoto)),
  photo('photo_50'),
  photo('photo_100'),
  photo('photo_200'),
  photo('photo_200_orig'),
  photo('photo_400_orig'),
  photo('photo_max'),
  photo('photo_max_orig'),
  key('domain', 'domain', (r) => `id${r.id}`),
  key('screen_name', 'screen_name', (r) => `id${r.id}`),
  key('online', 'online', (r) => flag(r.online), { deactivated: () => 0 }),
  key('last_seen', 'last_seen', lastSeen, { deactivated: lastSeen }),
  // Who hides last_seen still shows whether they are online and a coarse recency.
  key('online_info', 'online_info', (r, now) =>
    r.lastSeenShown
      ? {
          visible: true,
          last_seen: r.lastSeen,
          is_online: r.online,
          is_mobile: r.online && isMobilePlatform(r.platform),
        }
      : {
          visible: false,
          is_online: false,
          is_mobile: false,
          status: r.online ? 'recently' : onlineStatus(now - r.lastSeen),
        },
  ),
  key('followers_count', 'followers_count', (r) => r.followers),
  key('can_send_friend_request', 'can_send_friend_request', (r) => flag(r.canSendFriendRequest)),
  key('can_write_private_message', 'can_write_private_message', (r) => flag(r.canWritePrivateMessage), {
    deactivated: () => 0,
  }),
  key('can_see_all_posts', 'can_see_all_posts', (r) => flag(r.canSeeAllPosts)),
  key('relation', 'relation', (r) => r.relation, { private: true }),
  // `education` is seven flat keys; without a university they are zeros and empty names.
  key('university', 'education', (r) => (r.university ? r.university.id : 0), { private: true }),
  key('university_name', 'education', (r) => (r.university ? r.university.name : ''), { private: true }),
  key('faculty', 'education', (r) => (r.university ? r.faculty!.id : 0), { private: true }),
  key('faculty_name', 'education', (r) => (r.university ? r.faculty!.name : ''), { private: true }),
  key('graduation', 'education', (r) => (r.university ? r.graduation : 0), { private: true }),
  key('education_form', 'education', (r) => (r.university && r.educationForm) || undefined, {
    private: true,
  }),
  key('education_status', 'education', (r) => (r.university && r.educationStatus) || undefined, {
    private: true,
  }),
  key('universities', 'universities', universityItem, { private: true }),
  key(
    'occupation',
    'occupation',
    (r) => {
      const o = r.occupation;
      if (!o) return undefined;
      return o.id !== undefined ? { type: o.type, id: o.id, name: o.name } : { type: o.type, name: o.name };
    },
    { private: true },
  ),
  key('verified', 'verified', (r) => flag(r.verified)),
  key('has_mobile', 'has_mobile', (r) => flag(r.hasMobile)),
  // The text is sent as VK sends it; the pull keeps only its length.
  key('status', 'status', (r) => r.status ?? undefined),
] as const;

/** The user fields the emulator knows; anything else in `fields` is ignored, as VK does. */
export type KnownField = NonNullable<(typeof USER_KEYS)[number]['field']>;
export const KNOWN_FIELDS: readonly KnownField[] = [
  ...new Set(USER_KEYS.flatMap((k) => (k.field === null ? [] : [k.field]))),
];

/** A parsed `fields` parameter. `key` identifies equal field sets. */
export interface FieldSet {
  readonly key: string;
  readonly has: ReadonlySet<string>;
  /** The same as `has`, as plain properties: read ~25 times per user by the byte writer. */
  readonly on: Readonly<Record<KnownField, boolean>>;
  /** The photo fields asked for, in the order of `USER_KEYS`. */
  readonly photos: readonly (keyof typeof PHOTO_SIZES)[];
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
  const photos = (Object.keys(PHOTO_SIZES) as (keyof typeof PHOTO_SIZES)[]).filter((p) => has.has(p));
  const on = Object.fromEntries(KNOWN_FIELDS.map((k) => [k, has.has(k)])) as Record<KnownField, boolean>;
  return { key: [...has].sort().join(','), has, on, photos };
}

/** One user as VK's API sends it to a caller who asked for `f` (`referenceSec`: "now" for online_info.status). */
export function userObject(rec: MemberRecord, f: FieldSet, referenceSec: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const live = rec.deactivated === 0;
  const accessible = !rec.isClosed || rec.canAccessClosed;
  for (const k of USER_KEYS) {
    if (k.field !== null && !f.has.has(k.field)) continue;
    let v: unknown;
    if (!live) v = k.deactivated?.(rec);
    else if (!k.private || accessible) v = k.live(rec, referenceSec);
    if (v !== undefined) o[k.key] = v;
  }
  return o;
}

/** One user as JSON text. */
export function userJson(rec: MemberRecord, f: FieldSet, referenceSec: number): string {
  return JSON.stringify(userObject(rec, f, referenceSec));
}
