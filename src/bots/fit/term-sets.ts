/**
 * Term sets for the "which fields" study: the shipped score's terms, and variants that drop
 * or add fields, each cross-validated the same way. They justify the pull's new columns
 * (only what moves the figures) and show what the figures lean on.
 */
import { SCORE_TERMS, type BotFeatures, type Term } from '../features';
import type { ExtraFlags, LabelledProfile } from './labelled-profiles';
import { featuresFromColumns } from '../features';

export interface StudyRecord {
  f: BotFeatures;
  extra: ExtraFlags;
  city_title: string | null;
}

export function studyRecord(p: LabelledProfile): StudyRecord {
  return { f: featuresFromColumns(p.columns), extra: p.extra, city_title: p.city_title };
}

const flag = (b: boolean | null): number | null => (b === null ? null : b ? 1 : 0);
const lift = (t: Term<BotFeatures>): Term<StudyRecord> => ({ name: t.name, value: (r) => t.value(r.f) });

const SHIPPED = SCORE_TERMS.map(lift);
const NEW_COLUMN_TERMS = new Set(['has_mobile', 'status_absent', 'status_set']);
const FOLLOWER_TERMS = new Set([
  'log_followers',
  'log_followers_over_2',
  'log_followers_over_4',
  'log_followers_over_6',
]);

const EXTRA_FLAGS: Term<StudyRecord>[] = [
  { name: 'site_hidden', value: (r) => (r.extra.site === 'hidden' ? 1 : 0) },
  { name: 'site_set', value: (r) => (r.extra.site === 'set' ? 1 : 0) },
  { name: 'has_nickname', value: (r) => flag(r.extra.has_nickname) },
  { name: 'has_maiden_name', value: (r) => flag(r.extra.has_maiden_name) },
  { name: 'can_see_audio', value: (r) => flag(r.extra.can_see_audio) },
  { name: 'can_post', value: (r) => flag(r.extra.can_post) },
  { name: 'can_be_invited_group', value: (r) => flag(r.extra.can_be_invited_group) },
];

const PROFILE_FIELDS: Term<StudyRecord>[] = [
  { name: 'text_fields', value: (r) => r.extra.text_fields },
  { name: 'has_career', value: (r) => flag(r.extra.has_career) },
  { name: 'has_military', value: (r) => flag(r.extra.has_military) },
  { name: 'has_home_town', value: (r) => flag(r.extra.has_home_town) },
  { name: 'has_universities', value: (r) => flag(r.extra.has_universities) },
  { name: 'has_schools', value: (r) => flag(r.extra.has_schools) },
  { name: 'has_relatives', value: (r) => flag(r.extra.has_relatives) },
  { name: 'has_personal', value: (r) => flag(r.extra.has_personal) },
];

export interface TermSet {
  name: string;
  description: string;
  terms: readonly Term<StudyRecord>[];
}

export const TERM_SETS: readonly TermSet[] = [
  { name: 'shipped', description: 'the shipped score', terms: SHIPPED },
  {
    name: 'stored_only',
    description: 'only columns the pull stores today (no has_mobile, no status)',
    terms: SHIPPED.filter((t) => !NEW_COLUMN_TERMS.has(t.name)),
  },
  {
    name: 'status_absent_as_empty',
    description: 'a status VK left out counted as an empty one',
    terms: SHIPPED.filter((t) => t.name !== 'status_absent'),
  },
  {
    name: 'no_followers',
    description: 'without followers_count',
    terms: SHIPPED.filter((t) => !FOLLOWER_TERMS.has(t.name)),
  },
  {
    name: 'plus_flags',
    description: '+ site, nickname, maiden name, can_see_audio, can_post, can_be_invited_group',
    terms: [...SHIPPED, ...EXTRA_FLAGS],
  },
  {
    name: 'plus_profile',
    description:
      '+ interests & other text fields (count), career, military, home town, universities, schools, relatives, personal',
    terms: [...SHIPPED, ...PROFILE_FIELDS],
  },
  {
    name: 'plus_city_name',
    description: '+ "city is Saint Petersburg" (cohort leakage: shown, never shipped)',
    terms: [
      ...SHIPPED,
      { name: 'city_saint_petersburg', value: (r) => (r.city_title === 'Saint Petersburg' ? 1 : 0) },
    ],
  },
];

export function termSet(name: string): TermSet {
  const s = TERM_SETS.find((t) => t.name === name);
  if (!s) throw new Error(`no term set "${name}"`);
  return s;
}
