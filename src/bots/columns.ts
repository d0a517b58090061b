/**
 * The snapshot columns the bot score reads, for one member.
 *
 * Names and meanings are the snapshot's (src/snapshot/schema.ts); `has_mobile` and
 * `status_length` are the two columns the score needs beyond what the pull stores today.
 * They were chosen by measurement (docs/bots.md, "Which fields"): the other profile
 * fields the labelled data carry (site, nickname, career, military, home town, interests
 * and the other free-text fields, personal, relatives, schools, universities) move the
 * cross-validated AUC by less than its run-to-run noise, so the pull need not fetch them.
 *
 * `null` always means "VK did not return the field" — never "empty": an empty status is
 * `status_length = 0`, a status VK left out is `null`, and the two score differently.
 */

/** One member's values of the columns the bot score reads. */
export interface BotColumns {
  /** "deleted" / "banned" (never scored) or null for a live profile. */
  deactivated: string | null;
  is_closed: boolean | null;
  /** 0 unknown, 1 female, 2 male. */
  sex: number | null;
  /** "full", "no_year", or null when `bdate` is hidden. */
  bdate_visibility: string | null;
  /** Only whether a city is stated is used (never which: see docs/bots.md on cohort leakage). */
  city_id: number | null;
  has_photo: boolean | null;
  followers_count: number | null;
  can_send_friend_request: boolean | null;
  can_write_private_message: boolean | null;
  can_see_all_posts: boolean | null;
  /** 0 not set, 1..8 set; null when VK hides it. */
  relation: number | null;
  /** school | university | work | null. */
  occupation_type: string | null;
  verified: boolean | null;
  /** New column: `has_mobile`. */
  has_mobile: boolean | null;
  /** New column: characters in `status` (0 = empty), null when VK left `status` out. */
  status_length: number | null;
}

export type ArrowType = 'bool' | 'int8' | 'int16' | 'int32' | 'utf8';

export interface NewColumnSpec {
  name: keyof BotColumns;
  type: ArrowType;
  /** The `fields` value to request from groups.getMembers. */
  field: string;
  /** How the value is derived from the VK user object. */
  derivation: string;
}

/**
 * The columns the pull must add for the score (everything else it reads is stored already).
 * Only a flag and a length: the status text itself is never stored.
 */
export const NEW_SNAPSHOT_COLUMNS: readonly NewColumnSpec[] = [
  {
    name: 'has_mobile',
    type: 'bool',
    field: 'has_mobile',
    derivation: '`has_mobile` (0/1) as a boolean; null when the key is absent (deactivated profiles).',
  },
  {
    name: 'status_length',
    type: 'int16',
    field: 'status',
    derivation:
      'the number of Unicode code points of `status` (0 for ""), capped at 32767; null when the key is ' +
      'absent. Absent and empty must stay distinct: the labelled data score them differently.',
  },
];

/** The snapshot columns the score reads that the pull already stores. */
export const EXISTING_SNAPSHOT_COLUMNS: readonly (keyof BotColumns)[] = [
  'deactivated',
  'is_closed',
  'sex',
  'bdate_visibility',
  'city_id',
  'has_photo',
  'followers_count',
  'can_send_friend_request',
  'can_write_private_message',
  'can_see_all_posts',
  'relation',
  'occupation_type',
  'verified',
];

/** `status_length` from a raw `status` value as VK returns it (undefined = key absent). */
export function statusLength(status: unknown): number | null {
  if (typeof status !== 'string') return null;
  return Math.min(32767, [...status].length);
}
