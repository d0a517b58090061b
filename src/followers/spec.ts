/**
 * The follower model's specification: what the study fits, on which rows, and how each
 * predictor is coded from a member's snapshot columns. The one definition of the model:
 * the preparation (coding.ts, prepare.ts) codes the snapshot with it, and the synthetic
 * community's truth (src/emulator/truth.ts) draws `followers_count` from it, so estimates
 * and true values are named and coded alike and compare one to one.
 *
 *   followers_count ~ NB2(mu, shape),  log(mu) = X·b + r_first_name
 *
 * Factors are coded as brms codes them (treatment contrasts; the reference level is the
 * first in R's sorted order and is absorbed into `b_Intercept`), so the population-level
 * terms are named `b_<factor><level>` as brms names its draws (docs/model-engine.md).
 *
 * Depends on nothing: a real community's analysis reads it without the emulator, and the
 * emulator reads it without the snapshot.
 */

export const RESPONSE = 'followers_count';
export const NAME_GROUP = 'first_name';

/** The model the study fits (brms syntax); `formulaFor` (coding.ts) drops constant predictors. */
export const FOLLOWER_FORMULA =
  'followers_count ~ sex + has_photo + platform + is_closed + friend_requests + messages + education + relation + (1 | first_name)';
/** brms `family = negbinomial()`: NB2, log link, variance mu + mu²/shape. */
export const FOLLOWER_FAMILY = 'negbinomial';

/**
 * Factor levels, sorted as R's `factor()` sorts ASCII strings; the first is the
 * reference level.
 */
export const MODEL_LEVELS = {
  sex: ['female', 'male'],
  has_photo: ['no', 'yes'],
  platform: ['android', 'hidden', 'ipad', 'iphone', 'mobile_web', 'web', 'windows_app', 'windows_phone'],
  is_closed: ['no', 'yes'],
  friend_requests: ['closed', 'open'],
  messages: ['closed', 'open'],
  education: ['none', 'university'],
  relation: ['none', 'partnered', 'single'],
} as const;

export type ModelFactor = keyof typeof MODEL_LEVELS;
export type ModelCovariates = { [K in ModelFactor]: (typeof MODEL_LEVELS)[K][number] } & {
  first_name: string;
};

/** VK `last_seen.platform` code → level; a hidden `last_seen` or an unknown code is 'hidden'. */
export const PLATFORM_LEVEL_BY_CODE: Readonly<Record<number, ModelCovariates['platform']>> = {
  1: 'mobile_web',
  2: 'iphone',
  3: 'ipad',
  4: 'android',
  5: 'windows_phone',
  6: 'windows_app',
  7: 'web',
};
/** VK `relation` code → level: 0 not set; 2, 3, 4, 7, 8 with a partner; 1, 5, 6 without. */
export const RELATION_LEVEL_BY_CODE: Readonly<Record<number, ModelCovariates['relation']>> = {
  0: 'none',
  1: 'single',
  2: 'partnered',
  3: 'partnered',
  4: 'partnered',
  5: 'single',
  6: 'single',
  7: 'partnered',
  8: 'partnered',
};

/**
 * The columns a member's covariates are read from, named as the snapshot names them
 * (docs/snapshot.md). A structural type: a snapshot row fits it, and so does whatever the
 * emulator makes of a generated profile, without either depending on the other.
 */
export interface CovariateSource {
  readonly deactivated: string | null;
  readonly sex: number | null;
  readonly first_name: string | null;
  readonly has_photo: boolean | null;
  readonly last_seen_platform: number | null;
  readonly is_closed: boolean | null;
  readonly can_send_friend_request: boolean | null;
  readonly can_write_private_message: boolean | null;
  readonly university_id: number | null;
  readonly relation: number | null;
}

/**
 * One member's covariates, or undefined for a row the model leaves out: deactivated
 * profiles (nothing to say about a deleted account's followers), `sex` other than 1/2 (a
 * factor level would stand for "not stated" and for VK's rare unknowns at once), and no
 * first name (the group effect needs one). Missing values are read as PREDICTORS says.
 */
export function modelCovariates(u: CovariateSource): ModelCovariates | undefined {
  if (u.deactivated != null) return undefined;
  if (u.sex !== 1 && u.sex !== 2) return undefined;
  if (u.first_name == null || u.first_name === '') return undefined;
  return {
    sex: u.sex === 1 ? 'female' : 'male',
    has_photo: u.has_photo ? 'yes' : 'no',
    platform:
      u.last_seen_platform == null ? 'hidden' : (PLATFORM_LEVEL_BY_CODE[u.last_seen_platform] ?? 'hidden'),
    is_closed: u.is_closed ? 'yes' : 'no',
    friend_requests: u.can_send_friend_request ? 'open' : 'closed',
    messages: u.can_write_private_message ? 'open' : 'closed',
    education: u.university_id != null && u.university_id > 0 ? 'university' : 'none',
    relation: RELATION_LEVEL_BY_CODE[u.relation ?? 0] ?? 'none',
    first_name: u.first_name,
  };
}

export interface PredictorCoding {
  name: ModelFactor;
  /** Words for tables and figure labels. */
  label: string;
  /** The snapshot column(s) it is read from. */
  fields: string;
  /** Levels in R's order; the first is the reference level. */
  levels: readonly string[];
  /** How a VK value becomes a level, including what a missing value becomes. */
  rule: string;
  /** Why it is coded so. */
  why: string;
}

const platformRule = Object.entries(PLATFORM_LEVEL_BY_CODE)
  .map(([code, level]) => `${code} → ${level}`)
  .join(', ');
const relationRule = (['none', 'single', 'partnered'] as const)
  .map(
    (level) =>
      `${Object.entries(RELATION_LEVEL_BY_CODE)
        .filter(([, l]) => l === level)
        .map(([c]) => c)
        .join('/')} → ${level}`,
  )
  .join('; ');

/**
 * The population-level predictors in formula order. VK leaves a flag out of some answers
 * rather than sending 0, so a missing flag reads as its "no" / "closed" level, the level
 * a profile shows when the setting is off; the preparation counts how often that happens.
 */
export const PREDICTORS: readonly PredictorCoding[] = [
  {
    name: 'sex',
    label: 'Sex',
    fields: 'sex',
    levels: MODEL_LEVELS.sex,
    rule: '1 → female, 2 → male; 0 / missing → row left out',
    why: 'the study compares female and male profiles; 0 means "not stated", which is no level of sex',
  },
  {
    name: 'has_photo',
    label: 'Profile photo',
    fields: 'has_photo',
    levels: MODEL_LEVELS.has_photo,
    rule: 'true → yes; false / missing → no',
    why: 'the study found profiles with a photo to have more followers',
  },
  {
    name: 'platform',
    label: 'Platform of last visit',
    fields: 'last_seen_platform',
    levels: MODEL_LEVELS.platform,
    rule: `${platformRule}; last_seen hidden (missing) or an unknown code → hidden`,
    why: 'hiding last_seen is itself a privacy trait: its own level keeps those profiles in the model',
  },
  {
    name: 'is_closed',
    label: 'Closed profile',
    fields: 'is_closed',
    levels: MODEL_LEVELS.is_closed,
    rule: 'true → yes; false / missing → no',
    why: 'the study found closed profiles to have more followers',
  },
  {
    name: 'friend_requests',
    label: 'Friend requests',
    fields: 'can_send_friend_request',
    levels: MODEL_LEVELS.friend_requests,
    rule: 'true → open; false / missing → closed',
    why: 'VK computes the flag for the caller (the token owner); the study found closed requests to go with more followers',
  },
  {
    name: 'messages',
    label: 'Private messages',
    fields: 'can_write_private_message',
    levels: MODEL_LEVELS.messages,
    rule: 'true → open; false / missing → closed',
    why: 'VK computes the flag for the caller (the token owner); the study found closed messages to go with more followers',
  },
  {
    name: 'education',
    label: 'Education',
    fields: 'university_id',
    levels: MODEL_LEVELS.education,
    rule: 'a university stated (id > 0) → university; 0 / missing (incl. closed profiles that hide it) → none; school or occupation do not count',
    why: 'a stated university is the education field VK sends in bulk; a closed profile hides it from the caller, and the model codes what the caller sees',
  },
  {
    name: 'relation',
    label: 'Relationship status',
    fields: 'relation',
    levels: MODEL_LEVELS.relation,
    rule: `${relationRule}; missing → none`,
    why: "VK's nine codes pooled into three levels: each code alone is too rare to estimate",
  },
];

export function predictorCoding(name: string): PredictorCoding {
  const p = PREDICTORS.find((x) => x.name === name);
  if (!p)
    throw new Error(
      `unknown follower-model predictor "${name}"; the predictors are ${PREDICTORS.map((x) => x.name).join(', ')}`,
    );
  return p;
}
