/**
 * Reads the labelled VK profiles the score is fitted on (the Kaggle "Users vs Bots
 * Classification" table, docs/bots.md "Data") into the snapshot's column meanings.
 *
 * The table codes flags as "1.0" / "0.0", a missing categorical as "Unknown" and a missing
 * number as "". Each is mapped to what the pull would store for the same VK answer, so a
 * model fitted here reads a snapshot without translation: "Unknown" status is a `status`
 * key VK left out (`status_length = null`), "Unknown" relation is a hidden relation, and so
 * on. Columns the pull cannot have (wall statistics, which need a wall crawl) and columns
 * that only teach the labelled cohort (the city's name) are not read into the features.
 */
import { DataFileError, parseCsvRecords } from '../../model/data';
import type { BotColumns } from '../columns';

/** Profile fields the labelled data carry beyond the shipped score's, for the ablation study. */
export interface ExtraFlags {
  site: 'hidden' | 'empty' | 'set';
  has_nickname: boolean | null;
  has_maiden_name: boolean | null;
  can_see_audio: boolean | null;
  can_post: boolean | null;
  can_be_invited_group: boolean | null;
  /** How many of interests, books, tv, quotes, about, games, movies, activities, music are filled; null when hidden. */
  text_fields: number | null;
  has_career: boolean | null;
  has_military: boolean | null;
  has_home_town: boolean | null;
  has_universities: boolean | null;
  has_schools: boolean | null;
  has_relatives: boolean | null;
  has_personal: boolean;
}

export interface LabelledProfile {
  bot: boolean;
  /** Live-looking: `has_mobile` known. Rows without it look like deactivated accounts (docs/bots.md). */
  live: boolean;
  columns: BotColumns;
  extra: ExtraFlags;
  /** Only to split the data into populations for the transfer study; never a feature. */
  city_title: string | null;
  /** The whole raw row: equal keys are exact duplicates. */
  key: string;
}

const FLAG_COLUMNS = [
  'has_birth_date',
  'has_photo',
  'can_post_on_wall',
  'can_send_message',
  'has_website',
  'gender',
  'is_profile_closed',
  'target',
  'has_nickname',
  'has_maiden_name',
  'has_mobile',
  'all_posts_visible',
  'audio_available',
  'can_add_as_friend',
  'can_invite_to_group',
  'subscribers_count',
  'has_career',
  'has_military_service',
  'has_hometown',
  'marital_status',
  'has_universities',
  'has_schools',
  'has_relatives',
  'is_verified',
  'has_status',
  'city',
  'has_occupation',
  'occupation_type_university',
  'occupation_type_work',
  'has_personal_data',
] as const;

const TEXT_FIELDS = [
  'has_interests',
  'has_books',
  'has_tv',
  'has_quotes',
  'has_about',
  'has_games',
  'has_movies',
  'has_activities',
  'has_music',
] as const;

/** The column names a file must have. */
export const REQUIRED_COLUMNS: readonly string[] = [...FLAG_COLUMNS, ...TEXT_FIELDS];

function known(v: string): boolean {
  return v !== 'Unknown' && v !== '';
}

function parseFlag(v: string, column: string, row: number): boolean | null {
  if (!known(v)) return null;
  const x = Number(v);
  if (x === 1) return true;
  if (x === 0) return false;
  throw new DataFileError(`row ${row}: ${column} = "${v}" is not 0, 1 or Unknown`);
}

function parseNumber(v: string, column: string, row: number): number | null {
  if (!known(v)) return null;
  const x = Number(v);
  if (!Number.isFinite(x)) throw new DataFileError(`row ${row}: ${column} = "${v}" is not a number`);
  return x;
}

/** Parses the labelled table. `what` names the file in errors. */
export function parseLabelledProfiles(text: string, what: string): LabelledProfile[] {
  const records = parseCsvRecords(text, what);
  if (records.length === 0) throw new DataFileError(`${what}: the file is empty`);
  const header = records[0].fields.map((h) => h.trim());
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new DataFileError(
      `${what}: missing column(s) ${missing.join(', ')}; this reader expects the Kaggle "Users vs Bots Classification" table (bots_vs_users.csv)`,
    );
  }
  const at = new Map(header.map((h, i) => [h, i]));
  const out: LabelledProfile[] = [];
  for (let r = 1; r < records.length; r++) {
    const fields = records[r].fields;
    if (fields.length !== header.length) {
      throw new DataFileError(`${what}: row ${r} has ${fields.length} fields, the header ${header.length}`);
    }
    const get = (c: string): string => fields[at.get(c) as number].trim();
    const f = (c: string): boolean | null => parseFlag(get(c), c, r);
    const target = get('target');
    if (target !== '0' && target !== '1') throw new DataFileError(`${what}: row ${r}: target = "${target}"`);
    const occupation = !known(get('has_occupation'))
      ? null
      : f('occupation_type_work')
        ? 'work'
        : f('occupation_type_university')
          ? 'university'
          : 'school';
    const status = f('has_status');
    const site = f('has_website');
    const texts = TEXT_FIELDS.map((c) => f(c));
    const city = get('city');
    out.push({
      bot: target === '1',
      live: known(get('has_mobile')),
      columns: {
        deactivated: null,
        is_closed: f('is_profile_closed'),
        sex: parseNumber(get('gender'), 'gender', r),
        bdate_visibility: f('has_birth_date') ? 'full' : null,
        city_id: known(city) ? 1 : null,
        has_photo: f('has_photo'),
        followers_count: parseNumber(get('subscribers_count'), 'subscribers_count', r),
        can_send_friend_request: f('can_add_as_friend'),
        can_write_private_message: f('can_send_message'),
        can_see_all_posts: f('all_posts_visible'),
        relation: parseNumber(get('marital_status'), 'marital_status', r),
        occupation_type: occupation,
        verified: f('is_verified'),
        has_mobile: f('has_mobile'),
        status_length: status === null ? null : status ? 1 : 0,
      },
      extra: {
        site: site === null ? 'hidden' : site ? 'set' : 'empty',
        has_nickname: f('has_nickname'),
        has_maiden_name: f('has_maiden_name'),
        can_see_audio: f('audio_available'),
        can_post: f('can_post_on_wall'),
        can_be_invited_group: f('can_invite_to_group'),
        text_fields: texts.every((t) => t === null) ? null : texts.filter((t) => t === true).length,
        has_career: f('has_career'),
        has_military: f('has_military_service'),
        has_home_town: f('has_hometown'),
        has_universities: f('has_universities'),
        has_schools: f('has_schools'),
        has_relatives: f('has_relatives'),
        has_personal: f('has_personal_data') === true,
      },
      city_title: known(city) ? city : null,
      key: fields.join('\u0001'),
    });
  }
  return out;
}

export interface PreparedProfiles {
  rows: LabelledProfile[];
  counts: {
    all: { bots: number; humans: number };
    live: { bots: number; humans: number };
    live_distinct: { bots: number; humans: number };
    exact_duplicates: number;
  };
}

const tally = (rows: readonly LabelledProfile[]): { bots: number; humans: number } => {
  const bots = rows.filter((r) => r.bot).length;
  return { bots, humans: rows.length - bots };
};

/**
 * Live-looking rows with exact duplicates removed (first kept). A duplicated row under two
 * labels would be kept twice; the data set has none, and the count says so if one appears.
 */
export function liveDistinct(all: readonly LabelledProfile[]): PreparedProfiles {
  const seen = new Set<string>();
  let duplicates = 0;
  for (const r of all) {
    if (seen.has(r.key)) duplicates++;
    else seen.add(r.key);
  }
  const live = all.filter((r) => r.live);
  const keep = new Set<string>();
  const rows: LabelledProfile[] = [];
  for (const r of live) {
    if (keep.has(r.key)) continue;
    keep.add(r.key);
    rows.push(r);
  }
  return {
    rows,
    counts: { all: tally(all), live: tally(live), live_distinct: tally(rows), exact_duplicates: duplicates },
  };
}
