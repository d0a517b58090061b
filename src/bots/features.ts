/**
 * The bot score's input: a typed feature record per live member, and the numeric terms a
 * fitted model reads from it.
 *
 * Each term is a number or null (not observed). A fitted model stores, per term, the mean
 * over the training rows where it was observed, and uses it for null: a missing value then
 * moves the score by nothing the data did not show. Followers are "not observed" for closed
 * profiles (VK does not return them there in the labelled data), so the `closed` term
 * carries the whole difference a closed profile makes.
 *
 * What is left out on purpose: which city (the labelled humans are a Saint Petersburg /
 * Kostomuksha cohort, so a city term learns "not from there ⇒ bot"), names, and any free
 * text (the status enters as absent / empty / set only).
 */
import type { BotColumns } from './columns';

export type Sex = 'female' | 'male' | 'unknown';
export type Relation = 'hidden' | 'not_set' | 'set';
export type Occupation = 'none' | 'school' | 'university' | 'work';
export type StatusState = 'absent' | 'empty' | 'set';

export interface BotFeatures {
  closed: boolean | null;
  bdate_shown: boolean;
  has_photo: boolean | null;
  can_write_private_message: boolean | null;
  can_see_all_posts: boolean | null;
  can_send_friend_request: boolean | null;
  sex: Sex;
  /** ln(1 + followers_count) for an open profile; null when closed or not returned. */
  log_followers: number | null;
  verified: boolean | null;
  relation: Relation;
  occupation: Occupation;
  has_city: boolean;
  has_mobile: boolean | null;
  status: StatusState;
}

export class NotScoredError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotScoredError';
  }
}

/** The feature record of one live member from its snapshot column values. */
export function featuresFromColumns(c: BotColumns): BotFeatures {
  return featuresInto(c, {} as BotFeatures);
}

/**
 * featuresFromColumns writing into `out` (returned): the scoring loop over millions of
 * members reuses one record instead of allocating one per member.
 */
export function featuresInto(c: BotColumns, out: BotFeatures): BotFeatures {
  if (c.deactivated !== null) {
    throw new NotScoredError(
      `a ${c.deactivated} profile has no bot score: deleted and banned members are counted exactly, never scored`,
    );
  }
  const followers = c.followers_count;
  if (followers !== null && !(Number.isFinite(followers) && followers >= 0)) {
    throw new Error(`followers_count must be a count >= 0 or null, got ${followers}`);
  }
  const sex: Sex = c.sex === 1 ? 'female' : c.sex === 2 ? 'male' : 'unknown';
  const occupation: Occupation =
    c.occupation_type === 'work' || c.occupation_type === 'university' || c.occupation_type === 'school'
      ? c.occupation_type
      : 'none';
  out.closed = c.is_closed;
  out.bdate_shown = c.bdate_visibility !== null;
  out.has_photo = c.has_photo;
  out.can_write_private_message = c.can_write_private_message;
  out.can_see_all_posts = c.can_see_all_posts;
  out.can_send_friend_request = c.can_send_friend_request;
  out.sex = sex;
  out.log_followers = c.is_closed === true || followers === null ? null : Math.log1p(followers);
  out.verified = c.verified;
  out.relation = c.relation === null ? 'hidden' : c.relation > 0 ? 'set' : 'not_set';
  out.occupation = occupation;
  out.has_city = c.city_id !== null && c.city_id > 0;
  out.has_mobile = c.has_mobile;
  out.status = c.status_length === null ? 'absent' : c.status_length > 0 ? 'set' : 'empty';
  return out;
}

/** A named numeric term of a feature record (null = not observed). */
export interface Term<F> {
  name: string;
  value: (f: F) => number | null;
}

const flag = (b: boolean | null): number | null => (b === null ? null : b ? 1 : 0);
const hinge = (x: number | null, knot: number): number | null => (x === null ? null : Math.max(0, x - knot));

/**
 * The terms of the shipped score. Followers enter as a linear spline of ln(1 + n) with knots
 * at 2, 4 and 6 (about 6, 54 and 400 followers): bots pile up below ~100 followers and the
 * effect flattens above a few hundred.
 */
export const SCORE_TERMS: readonly Term<BotFeatures>[] = [
  { name: 'closed', value: (f) => flag(f.closed) },
  { name: 'bdate_shown', value: (f) => flag(f.bdate_shown) },
  { name: 'has_photo', value: (f) => flag(f.has_photo) },
  { name: 'can_write_private_message', value: (f) => flag(f.can_write_private_message) },
  { name: 'can_see_all_posts', value: (f) => flag(f.can_see_all_posts) },
  { name: 'can_send_friend_request', value: (f) => flag(f.can_send_friend_request) },
  { name: 'sex_male', value: (f) => (f.sex === 'male' ? 1 : 0) },
  { name: 'sex_unknown', value: (f) => (f.sex === 'unknown' ? 1 : 0) },
  { name: 'log_followers', value: (f) => f.log_followers },
  { name: 'log_followers_over_2', value: (f) => hinge(f.log_followers, 2) },
  { name: 'log_followers_over_4', value: (f) => hinge(f.log_followers, 4) },
  { name: 'log_followers_over_6', value: (f) => hinge(f.log_followers, 6) },
  { name: 'verified', value: (f) => flag(f.verified) },
  { name: 'relation_hidden', value: (f) => (f.relation === 'hidden' ? 1 : 0) },
  { name: 'relation_set', value: (f) => (f.relation === 'set' ? 1 : 0) },
  { name: 'occupation_work', value: (f) => (f.occupation === 'work' ? 1 : 0) },
  { name: 'occupation_university', value: (f) => (f.occupation === 'university' ? 1 : 0) },
  { name: 'occupation_school', value: (f) => (f.occupation === 'school' ? 1 : 0) },
  { name: 'has_city', value: (f) => flag(f.has_city) },
  { name: 'has_mobile', value: (f) => flag(f.has_mobile) },
  { name: 'status_absent', value: (f) => (f.status === 'absent' ? 1 : 0) },
  { name: 'status_set', value: (f) => (f.status === 'set' ? 1 : 0) },
];

/** Term values of many records as rows (null kept). */
export function termRows<F>(terms: readonly Term<F>[], records: readonly F[]): (number | null)[][] {
  return records.map((r) => terms.map((t) => t.value(r)));
}
