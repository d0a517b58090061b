/**
 * The snapshot contract: what the pull writes and every later stage reads.
 *
 * One row per member in `members.arrow` (Arrow IPC), plus `manifest.json`. The member
 * schema below is the one definition of a column: where its value sits in VK's user
 * object, the `fields` entry that makes VK send it, how a VK value becomes a stored value
 * (bounds, what becomes null), its Arrow type and what it means. Everything else is derived
 * from it: the `MemberRow` type, `MEMBER_FIELDS`, the converters (member-row.ts), the
 * execute projection script (vk/members-script.ts), the byte-level decoder's sinks
 * (vk/columns-decoder.ts), the Arrow schema (arrow-ipc.ts), the manifest's `columns` and
 * the column table of docs/snapshot.md (columns-doc.ts).
 *
 * Personal data is kept to what the study needs: no last names, photo URLs, exact birth
 * dates or occupation names (docs/snapshot.md, "Personal data").
 *
 * Column types are chosen so the file reads cleanly in pandas / R arrow / DuckDB:
 * no 64-bit integers (they become BigInt in JS), no dictionaries that change per batch.
 */

import type { SyntheticSettings } from '../vk/synthetic-marker';

/** Arrow value type of a column. */
export type ColumnType = 'int32' | 'int16' | 'int8' | 'float64' | 'bool' | 'utf8';

/**
 * How a VK value becomes the stored value. VK omits hidden fields and sends flags as 0/1
 * (docs/vk-api.md), so every rule maps an absent value, or one of the wrong shape, to null
 * (unknown) — never to a guess.
 */
export type Rule =
  /** An integer in [min, max]; numeric strings ("15") are accepted. */
  | { readonly kind: 'int'; readonly min: number; readonly max: number }
  /** A positive number of seconds since 1970 (UTC). */
  | { readonly kind: 'time' }
  /** 1/true → true, 0/false → false ("1"/"0" too). */
  | { readonly kind: 'flag' }
  /** A string, as sent. */
  | { readonly kind: 'text' }
  /** One of `values` exactly. */
  | { readonly kind: 'one_of'; readonly values: readonly string[] }
  /** VK's `bdate`: "full" for D.M.YYYY, "no_year" for D.M. */
  | { readonly kind: 'bdate_visibility' }
  /** The YYYY of a D.M.YYYY `bdate`, when within [min, max]. */
  | { readonly kind: 'bdate_year'; readonly min: number; readonly max: number }
  /** The number of items of an array. */
  | { readonly kind: 'count' }
  /** The number of characters (Unicode code points) of a string. */
  | { readonly kind: 'length' }
  /** Whether a string, array or object has anything in it (false when empty). */
  | { readonly kind: 'non_empty' };

export type RuleKind = Rule['kind'];

export interface ColumnSpec {
  /** Column name in members.arrow. */
  readonly name: string;
  readonly type: ColumnType;
  /**
   * false: every member has a value; a member whose value converts to null makes the API
   * answer malformed (the pull stops with an error instead of storing a member without it).
   */
  readonly nullable: boolean;
  /** Where the value sits in VK's user object: `['city', 'id']` is `user.city.id`. */
  readonly path: readonly string[];
  /** The `fields` entry that makes VK send it; null when VK always sends it. */
  readonly field: string | null;
  readonly rule: Rule;
  /** What the column means (VK's user object reference: https://dev.vk.com/en/reference/objects/user). */
  readonly doc: string;
}

export const INT32_MAX = 2147483647;
/** The largest value a `length` rule stores (longer text counts as this long), so it fits int16. */
export const LENGTH_MAX = 32767;

const MEMBER_SCHEMA = [
  {
    name: 'id',
    type: 'int32',
    nullable: false,
    path: ['id'],
    field: null,
    rule: { kind: 'int', min: 1, max: INT32_MAX },
    doc: 'VK user id; unique per snapshot, rows sorted by it.',
  },
  {
    name: 'first_name',
    type: 'utf8',
    nullable: true,
    path: ['first_name'],
    field: null,
    rule: { kind: 'text' },
    doc: 'First name as VK returns it ("DELETED" for many deleted profiles). Last names are never stored.',
  },
  {
    name: 'deactivated',
    type: 'utf8',
    nullable: true,
    path: ['deactivated'],
    field: null,
    rule: { kind: 'one_of', values: ['deleted', 'banned'] },
    doc: '"deleted" (removed by its owner) or "banned" (blocked by VK); null for live profiles.',
  },
  {
    name: 'is_closed',
    type: 'bool',
    nullable: true,
    path: ['is_closed'],
    field: null,
    rule: { kind: 'flag' },
    doc: 'The profile is closed by its privacy settings.',
  },
  {
    name: 'can_access_closed',
    type: 'bool',
    nullable: true,
    path: ['can_access_closed'],
    field: null,
    rule: { kind: 'flag' },
    doc: 'The token owner may see the profile although it is closed.',
  },
  {
    name: 'sex',
    type: 'int8',
    nullable: true,
    path: ['sex'],
    field: 'sex',
    rule: { kind: 'int', min: 0, max: 2 },
    doc: '0 not stated, 1 female, 2 male.',
  },
  {
    name: 'bdate_visibility',
    type: 'utf8',
    nullable: true,
    path: ['bdate'],
    field: 'bdate',
    rule: { kind: 'bdate_visibility' },
    doc: 'How much of the birth date the profile shows: "full" (with the year) or "no_year"; null when hidden or absent.',
  },
  {
    name: 'birth_year',
    type: 'int16',
    nullable: true,
    path: ['bdate'],
    field: 'bdate',
    rule: { kind: 'bdate_year', min: 1900, max: 2100 },
    doc: 'Year of birth when shown; the day and month are not stored.',
  },
  {
    name: 'city_id',
    type: 'int32',
    nullable: true,
    path: ['city', 'id'],
    field: 'city',
    rule: { kind: 'int', min: 0, max: INT32_MAX },
    doc: 'City the profile states (VK city id).',
  },
  {
    name: 'city_title',
    type: 'utf8',
    nullable: true,
    path: ['city', 'title'],
    field: 'city',
    rule: { kind: 'text' },
    doc: 'Name of that city.',
  },
  {
    name: 'country_id',
    type: 'int32',
    nullable: true,
    path: ['country', 'id'],
    field: 'country',
    rule: { kind: 'int', min: 0, max: INT32_MAX },
    doc: 'Country the profile states (VK country id).',
  },
  {
    name: 'country_title',
    type: 'utf8',
    nullable: true,
    path: ['country', 'title'],
    field: 'country',
    rule: { kind: 'text' },
    doc: 'Name of that country.',
  },
  {
    name: 'has_photo',
    type: 'bool',
    nullable: true,
    path: ['has_photo'],
    field: 'has_photo',
    rule: { kind: 'flag' },
    doc: 'The profile has a photo (photo URLs are not stored).',
  },
  {
    name: 'last_seen_time',
    type: 'float64',
    nullable: true,
    path: ['last_seen', 'time'],
    field: 'last_seen',
    rule: { kind: 'time' },
    doc: 'Last visit, unix seconds (UTC); null when hidden.',
  },
  {
    name: 'last_seen_platform',
    type: 'int8',
    nullable: true,
    path: ['last_seen', 'platform'],
    field: 'last_seen',
    rule: { kind: 'int', min: 0, max: 127 },
    doc: 'Platform of the last visit: 1 mobile web, 2 iPhone, 3 iPad, 4 Android, 5 Windows Phone, 6 Windows app, 7 full web.',
  },
  {
    name: 'online_info_visible',
    type: 'bool',
    nullable: true,
    path: ['online_info', 'visible'],
    field: 'online_info',
    rule: { kind: 'flag' },
    doc: 'The profile shows its last visit.',
  },
  {
    name: 'online_info_status',
    type: 'utf8',
    nullable: true,
    path: ['online_info', 'status'],
    field: 'online_info',
    rule: { kind: 'text' },
    doc: 'Coarse last visit when the exact one is hidden: recently | last_week | last_month | long_ago | not_show.',
  },
  {
    name: 'followers_count',
    type: 'int32',
    nullable: true,
    path: ['followers_count'],
    field: 'followers_count',
    rule: { kind: 'int', min: 0, max: INT32_MAX },
    doc: 'Number of followers of the profile.',
  },
  {
    name: 'can_send_friend_request',
    type: 'bool',
    nullable: true,
    path: ['can_send_friend_request'],
    field: 'can_send_friend_request',
    rule: { kind: 'flag' },
    doc: 'The token owner may send a friend request.',
  },
  {
    name: 'can_write_private_message',
    type: 'bool',
    nullable: true,
    path: ['can_write_private_message'],
    field: 'can_write_private_message',
    rule: { kind: 'flag' },
    doc: 'The token owner may write a private message.',
  },
  {
    name: 'can_see_all_posts',
    type: 'bool',
    nullable: true,
    path: ['can_see_all_posts'],
    field: 'can_see_all_posts',
    rule: { kind: 'flag' },
    doc: "The token owner may see the profile's posts by others.",
  },
  {
    name: 'relation',
    type: 'int8',
    nullable: true,
    path: ['relation'],
    field: 'relation',
    rule: { kind: 'int', min: 0, max: 127 },
    doc: 'Relationship status: 0 not set, 1 single, 2 in a relationship, 3 engaged, 4 married, 5 complicated, 6 actively searching, 7 in love, 8 civil union.',
  },
  {
    name: 'university_id',
    type: 'int32',
    nullable: true,
    path: ['university'],
    field: 'education',
    rule: { kind: 'int', min: 0, max: INT32_MAX },
    doc: 'University (VK id; 0 or null: none stated). Its name is not stored.',
  },
  {
    name: 'graduation_year',
    type: 'int16',
    nullable: true,
    path: ['graduation'],
    field: 'education',
    rule: { kind: 'int', min: 0, max: 32767 },
    doc: 'Year of graduation (0 or null: none stated).',
  },
  {
    name: 'education_status',
    type: 'utf8',
    nullable: true,
    path: ['education_status'],
    field: 'education',
    rule: { kind: 'text' },
    doc: 'Education status as VK words it (e.g. "Студент (бакалавр)").',
  },
  {
    name: 'occupation_type',
    type: 'utf8',
    nullable: true,
    path: ['occupation', 'type'],
    field: 'occupation',
    rule: { kind: 'text' },
    doc: 'school | university | work (the name of the school, university or employer is not stored).',
  },
  {
    name: 'verified',
    type: 'bool',
    nullable: true,
    path: ['verified'],
    field: 'verified',
    rule: { kind: 'flag' },
    doc: 'The profile is verified by VK.',
  },
  {
    name: 'has_mobile',
    type: 'bool',
    nullable: true,
    path: ['has_mobile'],
    field: 'has_mobile',
    rule: { kind: 'flag' },
    doc: 'The profile has confirmed a mobile phone number (the number is never sent or stored); null for deactivated profiles. Read by the bot score.',
  },
  {
    name: 'status_length',
    type: 'int16',
    nullable: true,
    path: ['status'],
    field: 'status',
    rule: { kind: 'length' },
    doc: 'Characters (Unicode code points) of the profile status, at most 32767: 0 for an empty status, null when VK leaves `status` out. The text is not stored. Read by the bot score.',
  },
] as const satisfies readonly ColumnSpec[];

type Column = (typeof MEMBER_SCHEMA)[number];
type ValueOf<C extends ColumnSpec> = C['rule'] extends { kind: 'one_of'; values: readonly (infer V)[] }
  ? V
  : C['rule'] extends { kind: 'bdate_visibility' }
    ? 'full' | 'no_year'
    : C['type'] extends 'utf8'
      ? string
      : C['type'] extends 'bool'
        ? boolean
        : number;

/** One member as stored. `null` = VK did not return the field (or hid it). */
export type MemberRow = {
  -readonly [C in Column as C['name']]: C['nullable'] extends false ? ValueOf<C> : ValueOf<C> | null;
};

export type MemberColumn = ColumnSpec & { readonly name: keyof MemberRow };

/**
 * A member schema with what is derived from it. The pull uses `MEMBERS`; tests build
 * others (e.g. with one column of every rule kind) to run every path over them.
 */
export interface MemberSchema {
  readonly columns: readonly ColumnSpec[];
  /**
   * The distinct VK paths, in column order, with the columns each one feeds (`bdate` feeds
   * two): one array each in the execute "columns" answer.
   */
  readonly projections: readonly { readonly path: readonly string[]; readonly columns: readonly number[] }[];
  /** The `fields` to request, in column order. */
  readonly fields: readonly string[];
}

const TYPES_OF: Readonly<Record<RuleKind, readonly ColumnType[]>> = {
  int: ['int32', 'int16', 'int8'],
  time: ['float64'],
  flag: ['bool'],
  text: ['utf8'],
  one_of: ['utf8'],
  bdate_visibility: ['utf8'],
  bdate_year: ['int32', 'int16'],
  count: ['int32'],
  length: ['int32', 'int16'],
  non_empty: ['bool'],
};
const INT_RANGE: Readonly<Partial<Record<ColumnType, readonly [number, number]>>> = {
  int32: [-INT32_MAX - 1, INT32_MAX],
  int16: [-32768, 32767],
  int8: [-128, 127],
};

/** Check a list of columns (a wrong edit fails at load, naming the column) and derive the rest. */
export function memberSchema(columns: readonly ColumnSpec[]): MemberSchema {
  const seen = new Set<string>();
  const byPath = new Map<string, { path: readonly string[]; columns: number[] }>();
  const fields: string[] = [];
  columns.forEach((c, i) => {
    const bad = (why: string): never => {
      throw new Error(`member schema: column "${c.name}" ${why}`);
    };
    if (!/^[a-z][a-z0-9_]*$/.test(c.name)) bad('needs a snake_case name');
    if (seen.has(c.name)) bad('is defined twice');
    seen.add(c.name);
    if (!TYPES_OF[c.rule.kind].includes(c.type))
      bad(`has rule "${c.rule.kind}", which cannot be stored as ${c.type}`);
    if (c.rule.kind === 'int' || c.rule.kind === 'bdate_year') {
      const [lo, hi] = INT_RANGE[c.type]!;
      if (!(Number.isInteger(c.rule.min) && c.rule.min <= c.rule.max && c.rule.min >= lo && c.rule.max <= hi))
        bad(`has bounds ${c.rule.min}…${c.rule.max} that do not fit ${c.type}`);
    }
    if (c.path.length < 1 || !c.path.every((p) => /^[a-z_][a-z0-9_]*$/.test(p)))
      bad('needs a VK path of property names');
    const key = c.path.join('.');
    const p = byPath.get(key) ?? byPath.set(key, { path: c.path, columns: [] }).get(key)!;
    p.columns.push(i);
    if (c.field !== null && !fields.includes(c.field)) fields.push(c.field);
  });
  if (columns[0]?.name !== 'id' || columns[0].nullable || columns[0].rule.kind !== 'int')
    throw new Error(
      'member schema: the first column must be the non-nullable integer "id" (rows are keyed on it)',
    );
  return { columns, projections: [...byPath.values()], fields };
}

/** The snapshot's columns, in file order. */
export const MEMBER_COLUMNS: readonly MemberColumn[] = MEMBER_SCHEMA;

export const MEMBERS: MemberSchema = memberSchema(MEMBER_COLUMNS);

/** The user fields requested from `groups.getMembers` to fill the columns. */
export const MEMBER_FIELDS: readonly string[] = MEMBERS.fields;

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
    synthetic: SyntheticSettings | null;
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
  /**
   * SHA-256 and byte length of every data file, by file name. Absent in snapshots written
   * before checksums were recorded: those are read unchecked.
   */
  checksums?: Record<string, FileChecksum>;
  /**
   * Present when the snapshot is a sample of whole pages, not a census: how it was drawn
   * (docs/snapshot.md, "Samples"; read by src/compare/sample.ts). Absent: every member.
   */
  sample?: SampleDesign;
  tool: { name: string; version: string };
}

/** How a sample snapshot was drawn: whole pages of consecutive members by id, at random. */
export interface SampleDesign {
  method: 'pages';
  /** Members a page holds (VK's page of `groups.getMembers`, 1000). */
  page_size: number;
  /** Members VK reported when the pages were drawn (N). */
  members_total: number;
  /** Pages the community had then (M = ⌈N / page_size⌉). */
  pages_total: number;
  /** Seed of the draw (given with --seed, or drawn and recorded). */
  seed: number;
  /** The pages read, in the order their rows are stored: the offset asked for and the rows kept. */
  pages: { offset: number; rows: number }[];
}

export interface FileChecksum {
  /** Lower-case hex, as `sha256sum` prints it. */
  sha256: string;
  bytes: number;
}
