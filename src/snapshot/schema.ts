/**
 * The snapshot contract: what the pull writes and every later stage reads.
 *
 * One row per member in `members.arrow` (Arrow IPC), plus `manifest.json`.
 * Personal data is kept to what the study needs (no last names, no photo URLs, no
 * exact birth dates): see the README's "Personal data" section.
 *
 * Column types are chosen so the file reads cleanly in pandas / R arrow / DuckDB:
 * no 64-bit integers (they become BigInt in JS), no dictionaries that change per batch.
 */

/** Arrow value type of a column; every column is nullable unless `nullable: false`. */
export type ColumnType = 'int32' | 'int16' | 'int8' | 'float64' | 'bool' | 'utf8';

export interface ColumnSpec {
  name: keyof MemberRow;
  type: ColumnType;
  nullable: boolean;
  /** What the column means and where it comes from in the VK user object. */
  doc: string;
}

/** One member as stored. `null` = VK did not return the field (or hid it). */
export interface MemberRow {
  id: number;
  first_name: string | null;
  deactivated: 'deleted' | 'banned' | null;
  is_closed: boolean | null;
  can_access_closed: boolean | null;
  sex: number | null;
  bdate_visibility: 'full' | 'no_year' | null;
  birth_year: number | null;
  city_id: number | null;
  city_title: string | null;
  country_id: number | null;
  country_title: string | null;
  has_photo: boolean | null;
  last_seen_time: number | null;
  last_seen_platform: number | null;
  online_info_visible: boolean | null;
  online_info_status: string | null;
  followers_count: number | null;
  can_send_friend_request: boolean | null;
  can_write_private_message: boolean | null;
  can_see_all_posts: boolean | null;
  relation: number | null;
  university_id: number | null;
  graduation_year: number | null;
  education_status: string | null;
  occupation_type: string | null;
  verified: boolean | null;
}

export const MEMBER_COLUMNS: readonly ColumnSpec[] = [
  { name: 'id', type: 'int32', nullable: false, doc: 'VK user id (`id`); unique per snapshot.' },
  {
    name: 'first_name',
    type: 'utf8',
    nullable: true,
    doc: '`first_name` as VK returns it ("DELETED" for many deleted profiles). Last names are never stored.',
  },
  {
    name: 'deactivated',
    type: 'utf8',
    nullable: true,
    doc: '`deactivated`: "deleted" or "banned"; null for live profiles.',
  },
  {
    name: 'is_closed',
    type: 'bool',
    nullable: true,
    doc: '`is_closed`: the profile is hidden by privacy settings.',
  },
  {
    name: 'can_access_closed',
    type: 'bool',
    nullable: true,
    doc: '`can_access_closed`, relative to the token owner.',
  },
  { name: 'sex', type: 'int8', nullable: true, doc: '`sex`: 0 unknown, 1 female, 2 male.' },
  {
    name: 'bdate_visibility',
    type: 'utf8',
    nullable: true,
    doc: '"full" when `bdate` has a year, "no_year" for "D.M"; null when bdate is hidden/absent.',
  },
  {
    name: 'birth_year',
    type: 'int16',
    nullable: true,
    doc: 'Year part of `bdate` when shown; the day and month are not stored.',
  },
  { name: 'city_id', type: 'int32', nullable: true, doc: '`city.id`.' },
  { name: 'city_title', type: 'utf8', nullable: true, doc: '`city.title`.' },
  { name: 'country_id', type: 'int32', nullable: true, doc: '`country.id`.' },
  { name: 'country_title', type: 'utf8', nullable: true, doc: '`country.title`.' },
  { name: 'has_photo', type: 'bool', nullable: true, doc: '`has_photo` (photo URLs are not stored).' },
  {
    name: 'last_seen_time',
    type: 'float64',
    nullable: true,
    doc: '`last_seen.time`, unix seconds (UTC); null when hidden.',
  },
  {
    name: 'last_seen_platform',
    type: 'int8',
    nullable: true,
    doc: '`last_seen.platform`: 1 mobile web, 2 iPhone, 3 iPad, 4 Android, 5 Windows Phone, 6 Windows app, 7 full web.',
  },
  { name: 'online_info_visible', type: 'bool', nullable: true, doc: '`online_info.visible`.' },
  {
    name: 'online_info_status',
    type: 'utf8',
    nullable: true,
    doc: '`online_info.status`: recently | last_week | last_month | long_ago | not_show.',
  },
  { name: 'followers_count', type: 'int32', nullable: true, doc: '`followers_count`.' },
  {
    name: 'can_send_friend_request',
    type: 'bool',
    nullable: true,
    doc: '`can_send_friend_request` (relative to the token owner).',
  },
  {
    name: 'can_write_private_message',
    type: 'bool',
    nullable: true,
    doc: '`can_write_private_message` (relative to the token owner).',
  },
  {
    name: 'can_see_all_posts',
    type: 'bool',
    nullable: true,
    doc: '`can_see_all_posts` (relative to the token owner).',
  },
  {
    name: 'relation',
    type: 'int8',
    nullable: true,
    doc: '`relation`: 0 not set, 1 single, 2 in a relationship, 3 engaged, 4 married, 5 complicated, 6 actively searching, 7 in love, 8 civil union.',
  },
  { name: 'university_id', type: 'int32', nullable: true, doc: '`university` (0 or null: none stated).' },
  { name: 'graduation_year', type: 'int16', nullable: true, doc: '`graduation` (0 or null: none stated).' },
  { name: 'education_status', type: 'utf8', nullable: true, doc: '`education_status` text.' },
  {
    name: 'occupation_type',
    type: 'utf8',
    nullable: true,
    doc: '`occupation.type`: school | university | work (the occupation name is not stored).',
  },
  { name: 'verified', type: 'bool', nullable: true, doc: '`verified`.' },
];

/** The user fields requested from `groups.getMembers` to fill the columns above. */
export const MEMBER_FIELDS: readonly string[] = [
  'sex',
  'bdate',
  'city',
  'country',
  'has_photo',
  'last_seen',
  'online_info',
  'followers_count',
  'can_send_friend_request',
  'can_write_private_message',
  'can_see_all_posts',
  'relation',
  'education',
  'occupation',
  'verified',
];

export const SNAPSHOT_FORMAT = 'vk-audience-study/snapshot';
export const SNAPSHOT_FORMAT_VERSION = 1;
export const MEMBERS_FILE = 'members.arrow';
export const MANIFEST_FILE = 'manifest.json';

/** `manifest.json`. Written last and atomically: its presence marks a finished snapshot. */
export interface SnapshotManifest {
  format: typeof SNAPSHOT_FORMAT;
  format_version: number;
  group: { id: number; screen_name: string; name: string };
  /** When the pull started (ISO 8601, UTC). The reference time of every "inactive" rule. */
  snapshot_time: string;
  /** When the pull finished (ISO 8601, UTC). */
  finished_time: string;
  source: {
    /** "synthetic" when the group is the project's emulator community. */
    kind: 'synthetic' | 'vk';
    /** The API base URL (never a token). */
    api_base: string;
    /** Generator settings when synthetic. */
    synthetic: { seed: number; members: number } | null;
  };
  api_version: string;
  counts: {
    reported_at_start: number;
    reported_at_end: number;
    rows_written: number;
  };
  fields: string[];
  columns: { name: string; type: ColumnType; nullable: boolean }[];
  files: { members: string };
  tool: { name: string; version: string };
}
