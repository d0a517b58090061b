/**
 * The truth of the synthetic community: every calibration constant the generator uses and
 * the true parameter values of the follower model. docs/synthetic-community.md explains
 * each number ("Calibration", "The true model").
 *
 * Two kinds of numbers live here:
 *  - CALIBRATION: marginal shares that make the synthetic audience look like the study's
 *    (RIA Novosti's 2.5M followers: ~14% deleted or banned, ~34% not seen for > 6 months
 *    counting the deactivated, activity peaking ~11:30 UTC, Moscow then Saint Petersburg
 *    with a female majority). Values the study does not publish are stated assumptions,
 *    each with its reason.
 *  - MODEL TRUTH: the values of the model that src/followers/spec.ts specifies (formula,
 *    levels, coding), named exactly as brms names the draws of `FOLLOWER_FORMULA` fitted
 *    with `family = negbinomial()`. Signs follow the study's findings (female + photo,
 *    iPhone / Windows app, closed profile, closed friend requests and messages, and
 *    Anastasia / Ekaterina / Yulia → more followers); magnitudes are our choice (the study
 *    does not publish them), chosen so each effect is clearly identifiable at 50k rows yet
 *    plausible (|b| ≤ 0.6 on the log scale).
 *
 * The model notebook must recover `trueDraws()` from a pulled snapshot (`trueDraws(zi)` for
 * the zero-inflated model of a community generated with a zero share).
 */
import { PLATFORM_LEVEL_BY_CODE, RELATION_LEVEL_BY_CODE, type ModelCovariates } from '../followers/spec';
import { Rng, hash32 } from '../util/rng';
import { loadFirstNames } from './reference-data';

// ---------------------------------------------------------------- calibration: status

/** Study: ~14% of followers deleted or banned. */
export const SHARE_DEACTIVATED = 0.14;
/**
 * Assumption: deleted : banned = 5 : 1. Self-deletion is the ordinary way an account ends;
 * bans hit spam/bot accounts, a minority of a news community's audience. Audit tools report
 * deleted several times more often than banned in big communities; 5:1 is a middle value.
 */
export const DELETED_PER_BANNED = 5;
export const SHARE_DELETED = (SHARE_DEACTIVATED * DELETED_PER_BANNED) / (DELETED_PER_BANNED + 1);
export const SHARE_BANNED = SHARE_DEACTIVATED - SHARE_DELETED;

/** Study: ~34% not seen for more than six months, the deactivated included. */
export const SHARE_NOT_SEEN_6M_WITH_DEACTIVATED = 0.34;
/** So among live profiles the long-inactive share is (0.34 − 0.14) / 0.86 ≈ 23.3%. */
export const SHARE_INACTIVE_AMONG_LIVE =
  (SHARE_NOT_SEEN_6M_WITH_DEACTIVATED - SHARE_DEACTIVATED) / (1 - SHARE_DEACTIVATED);

/**
 * Long-inactive live users are last seen between these many days ago (log-uniform):
 * ≥ 185 keeps them beyond any "six months" rule (182.5 or 183 days) even when the pull
 * starts a day or two after the emulator; 3650 days = accounts dormant for up to 10 years.
 */
export const INACTIVE_AGE_DAYS: readonly [number, number] = [185, 3650];
/** Active users are last seen at most this many days ago (below any six-month rule). */
export const ACTIVE_MAX_AGE_DAYS = 180;
/**
 * Recency of active users (assumption, typical of a daily news audience): share last seen
 * today/yesterday, within a week, within a month, within six months.
 */
export const ACTIVE_RECENCY: readonly { share: number; days: readonly [number, number] }[] = [
  { share: 0.5, days: [0, 2] },
  { share: 0.22, days: [2, 7] },
  { share: 0.14, days: [7, 31] },
  { share: 0.14, days: [31, ACTIVE_MAX_AGE_DAYS] },
];
/** Assumption: share of active users online right now (last seen < 5 minutes ago). */
export const SHARE_ONLINE_AMONG_ACTIVE = 0.03;
/** Assumption: live users who hide `last_seen` (privacy setting); VK then sends only online_info.status. */
export const SHARE_LAST_SEEN_HIDDEN = 0.05;

// ---------------------------------------------------------------- calibration: time

/**
 * Daily rhythm of last-seen times, UTC hours. Study: activity peaks around 11:30 UTC for
 * both sexes (14:30 Moscow). Density ∝ BASE + exp(κ·cos(2π(h − PEAK)/24)) + an evening
 * bump (20:00 Moscow = 17:00 UTC) that is lower than the midday peak.
 */
export const DAILY_PEAK_UTC_HOURS = 11.5;
export const DAILY_PEAK_CONCENTRATION = 1.3;
export const DAILY_BASELINE = 0.25;
export const EVENING_BUMP_UTC_HOURS = 17;
export const EVENING_BUMP_WEIGHT = 0.45;
export const EVENING_BUMP_CONCENTRATION = 4;
/** Weekly rhythm (assumption: news is read less at weekends), index = UTC weekday, 0 = Sunday. */
export const WEEKDAY_WEIGHTS: readonly number[] = [0.8, 1, 1, 1, 1, 0.95, 0.78];

// ---------------------------------------------------------------- calibration: profile

/** Assumption: VK's audience is slightly female; `sex` 0 (not stated) is rare. */
export const SHARE_FEMALE = 0.52;
export const SHARE_SEX_UNKNOWN = 0.005;
/**
 * Share of live profiles that state a city, by sex. Study: a female majority among those
 * who state a city; women fill in profiles more often (assumption), which gives it.
 */
export const SHARE_CITY_STATED = { female: 0.66, male: 0.52, unknown: 0.3 } as const;
/**
 * City weight = population × boost. Study: Moscow first, Saint Petersburg second; a federal
 * news community over-represents the capitals (assumption: ×3 and ×2) and under-represents
 * other countries' cities (×0.35).
 */
export const CITY_BOOST_MOSCOW = 3;
export const CITY_BOOST_SAINT_PETERSBURG = 2;
export const CITY_BOOST_ABROAD = 0.35;
/** Without a city, a country alone is stated this often (assumption). */
export const SHARE_COUNTRY_ONLY = 0.25;

/** Platform of the last visit, VK codes 1..7, for active and for long-inactive users (assumption: older visits are more often from the web). */
export const PLATFORM_WEIGHTS_ACTIVE: Readonly<Record<number, number>> = {
  1: 0.05,
  2: 0.21,
  3: 0.03,
  4: 0.5,
  5: 0.015,
  6: 0.025,
  7: 0.17,
};
export const PLATFORM_WEIGHTS_INACTIVE: Readonly<Record<number, number>> = {
  1: 0.12,
  2: 0.1,
  3: 0.02,
  4: 0.34,
  5: 0.06,
  6: 0.02,
  7: 0.34,
};

/** Assumptions on privacy settings and profile completeness. */
export const SHARE_CLOSED_PROFILE = { female: 0.3, male: 0.22 } as const;
export const SHARE_HAS_PHOTO = { active: 0.84, inactive: 0.55 } as const;
export const SHARE_FRIEND_REQUESTS_CLOSED = 0.28;
export const SHARE_MESSAGES_CLOSED = { open_profile: 0.4, closed_profile: 0.7 } as const;
export const SHARE_WALL_HIDDEN_OPEN_PROFILE = 0.1;
export const SHARE_CLOSED_BUT_ACCESSIBLE = 0.02;
export const BDATE_VISIBILITY = { full: 0.35, no_year: 0.25, hidden: 0.4 } as const;
/** Age of followers in years: normal(38, 13) truncated to [14, 90] (assumption: a news audience). */
export const AGE_MEAN_YEARS = 38;
export const AGE_SD_YEARS = 13;
/** VK `relation` codes 0..8 (assumption; most users leave it unset). */
export const RELATION_WEIGHTS: readonly number[] = [0.55, 0.12, 0.06, 0.01, 0.17, 0.03, 0.03, 0.02, 0.01];
export const SHARE_UNIVERSITY_STATED = 0.28;
export const SHARE_OCCUPATION = { work: 0.2, university: 0.12, school: 0.04 } as const;
export const SHARE_VERIFIED = 0.0002;
/**
 * `has_mobile` (a phone number is confirmed) and `status` of live humans (assumption, as in
 * the labelled VK profiles' humans: docs/bots.md "Data"): almost all confirmed a phone; about
 * half write a status, half leave it empty, a few have no `status` key at all.
 */
export const SHARE_HAS_MOBILE_HUMAN = 0.96;
export const STATUS_SHARES_HUMAN = { absent: 0.02, empty: 0.5, set: 0.48 } as const;

// ---------------------------------------------------------------- calibration: bots

/**
 * Live bots among live members when the community does not say otherwise (assumption:
 * a few percent, the order audit vendors report for large news communities; the bot share
 * is the quantity the audit estimates, so it is a parameter: `EmulatorOptions.botShare`).
 */
export const DEFAULT_BOT_SHARE_OF_LIVE = 0.03;

/**
 * A bot's profile, field by field, as the labelled data's live, distinct bots show it
 * (derived shares, rounded; docs/synthetic-community.md "Bots"). Each field of a bot is
 * drawn from these shares with probability 1 − BOT_HUMAN_LIKENESS and kept as drawn for a
 * human otherwise: bots overlap the humans, as real ones do, and the shipped scorer
 * separates them imperfectly (its AUC on synthetic live members is measured in
 * test/emulator/bots.test.ts).
 */
export const BOT_PROFILE = {
  closed: 0.03,
  bdate_shown: 0.87,
  city_stated: 0.5,
  has_photo: 0.93,
  friend_requests_open: 0.96,
  messages_open: 0.86,
  wall_visible: 0.79,
  relation_not_set: 0.69,
  occupation: { none: 0.81, university: 0.15, work: 0.04 },
  has_mobile: 0.88,
  status: { absent: 0.72, empty: 0.25, set: 0.03 },
} as const;
/** The chance that a field of a bot is left as a human's (see BOT_PROFILE). */
export const BOT_HUMAN_LIKENESS = 0.1;

// ---------------------------------------------------------------- model truth

/** Population-level effects, named as brms names them (`b_<factor><level>`). Log scale. */
export const TRUE_B = {
  /** log of the mean followers of the reference profile (female, no photo, Android, open profile, closed requests/messages, no university, relation not set): e^3.9 ≈ 49. */
  b_Intercept: 3.9,
  /** Study: female profiles have more followers. */
  b_sexmale: -0.35,
  /** Study: profiles with a photo have more followers. */
  b_has_photoyes: 0.6,
  /** Hidden last_seen: a privacy-minded, less public user (assumption). */
  b_platformhidden: -0.2,
  b_platformipad: 0.1,
  /** Study: iPhone users have more followers. */
  b_platformiphone: 0.35,
  b_platformmobile_web: -0.25,
  b_platformweb: 0.05,
  /** Study: Windows-app users have more followers. */
  b_platformwindows_app: 0.3,
  b_platformwindows_phone: -0.1,
  /** Study: closed profiles (and closed friend lists) go with more followers. */
  b_is_closedyes: 0.25,
  /** Study: closed friend requests → more followers, so open ones → fewer. */
  b_friend_requestsopen: -0.3,
  /** Study: closed private messages → more followers, so open ones → fewer. */
  b_messagesopen: -0.2,
  /** Assumption: a stated university goes with a larger network. */
  b_educationuniversity: 0.15,
  /** Assumption: small relation effects. */
  b_relationpartnered: 0.1,
  b_relationsingle: -0.05,
} as const;

/** SD of the first-name random intercept (assumption: names explain a little). */
export const TRUE_SD_FIRST_NAME = 0.25;
/** NB2 shape φ (variance μ + μ²/φ); < 1 = the heavy dispersion of follower counts. */
export const TRUE_SHAPE = 0.9;
/**
 * Zero inflation of followers_count when the community does not say otherwise: none, so
 * the counts are the plain negative binomial the study fits. A parameter
 * (`EmulatorOptions.followersZeroShare`), so that a comparison of the negative binomial with
 * its zero-inflated form can be run on data where the right answer is known.
 */
export const DEFAULT_FOLLOWERS_ZERO_SHARE = 0;
/**
 * Study: names such as Anastasia, Ekaterina and Yulia go with more followers. These three
 * get fixed positive effects (≈ +1.1–1.4 SD); every other name's effect is drawn from
 * normal(0, TRUE_SD_FIRST_NAME) with a fixed seed, independent of the community seed.
 */
export const FIXED_NAME_EFFECTS: Readonly<Record<string, number>> = {
  Анастасия: 0.35,
  Екатерина: 0.3,
  Юлия: 0.28,
};
/** Seed of the name-effect draws: the same names get the same effects for every community. */
export const NAME_EFFECT_SEED = 20261101;

function nameKey(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = hash32(h, name.charCodeAt(i));
  return h;
}

let nameEffectsCache: Map<string, number> | undefined;
/** The realised random intercept `r_first_name[<name>,Intercept]` of every name the generator can draw. */
export function nameEffects(): ReadonlyMap<string, number> {
  if (nameEffectsCache) return nameEffectsCache;
  const out = new Map<string, number>();
  for (const { name } of loadFirstNames()) {
    if (out.has(name)) continue;
    const fixed = FIXED_NAME_EFFECTS[name];
    out.set(name, fixed ?? TRUE_SD_FIRST_NAME * Rng.forKey(NAME_EFFECT_SEED, nameKey(name)).normal());
  }
  nameEffectsCache = out;
  return out;
}

/**
 * Every true parameter named as brms names its draws: `b_*`, `sd_first_name__Intercept`,
 * `shape`, `r_first_name[<name>,Intercept]`. brms reports the realised name effects, and
 * an estimate of `sd_first_name__Intercept` targets their spread, so both are listed.
 *
 * `zi`: the truth of `family = zero_inflated_negbinomial()` instead, for a community
 * generated with that zero share (`EmulatorOptions.followersZeroShare`): brms's `zi`, the
 * probability that a count is a structural zero, is listed beside the others (which keep
 * their values: the counts that are not structural zeros follow the same model). Without
 * it, the negative binomial's parameters alone, as the study's model names them.
 */
export function trueDraws(zi?: number): Record<string, number> {
  if (zi !== undefined && !(Number.isFinite(zi) && zi >= 0 && zi <= 1))
    throw new Error(`trueDraws: zi must be a share between 0 and 1, got ${zi}`);
  const out: Record<string, number> = {
    ...TRUE_B,
    sd_first_name__Intercept: TRUE_SD_FIRST_NAME,
    shape: TRUE_SHAPE,
  };
  if (zi !== undefined) out.zi = zi;
  for (const [name, r] of nameEffects()) out[`r_first_name[${name},Intercept]`] = r;
  return out;
}

/** Each platform level's effect; the reference level (android) adds 0, which leaves a sum unchanged. */
const PLATFORM_EFFECT: Readonly<Record<ModelCovariates['platform'], number>> = {
  android: 0,
  hidden: TRUE_B.b_platformhidden,
  ipad: TRUE_B.b_platformipad,
  iphone: TRUE_B.b_platformiphone,
  mobile_web: TRUE_B.b_platformmobile_web,
  web: TRUE_B.b_platformweb,
  windows_app: TRUE_B.b_platformwindows_app,
  windows_phone: TRUE_B.b_platformwindows_phone,
};
const RELATION_EFFECT: Readonly<Record<ModelCovariates['relation'], number>> = {
  none: 0,
  partnered: TRUE_B.b_relationpartnered,
  single: TRUE_B.b_relationsingle,
};

/** Effects by VK code, tabulated once: the generator looks one up per member. */
const PLATFORM_EFFECT_BY_CODE: readonly number[] = Array.from(
  { length: 16 },
  (_, code) => PLATFORM_EFFECT[PLATFORM_LEVEL_BY_CODE[code] ?? 'hidden'],
);
const RELATION_EFFECT_BY_CODE: readonly number[] = Array.from(
  { length: 16 },
  (_, code) => RELATION_EFFECT[RELATION_LEVEL_BY_CODE[code] ?? 'none'],
);

/** The platform effect for a VK `last_seen.platform` code (null: last_seen hidden), as `modelCovariates` (src/followers/spec.ts) codes it. */
export function platformEffectOfCode(code: number | null): number {
  if (code === null) return PLATFORM_EFFECT.hidden;
  const e = PLATFORM_EFFECT_BY_CODE[code];
  return e === undefined ? PLATFORM_EFFECT[PLATFORM_LEVEL_BY_CODE[code] ?? 'hidden'] : e;
}

/** The relation effect for a VK `relation` code (null: hidden, read as "none"), as `modelCovariates` (src/followers/spec.ts) codes it. */
export function relationEffectOfCode(code: number | null): number {
  const e = RELATION_EFFECT_BY_CODE[code ?? 0];
  return e === undefined ? RELATION_EFFECT[RELATION_LEVEL_BY_CODE[code ?? 0] ?? 'none'] : e;
}

/**
 * log(mu) from the covariates already reduced to flags and effects. The one place the
 * linear predictor is summed: `trueLogMean` and the generator's per-member path (which
 * skips building covariate objects) both call it, so both give the same double.
 */
export function sumLogMean(
  male: boolean,
  hasPhoto: boolean,
  platformEffect: number,
  isClosed: boolean,
  friendRequestsOpen: boolean,
  messagesOpen: boolean,
  university: boolean,
  relationEffect: number,
  nameEffect: number,
): number {
  let eta = TRUE_B.b_Intercept;
  if (male) eta += TRUE_B.b_sexmale;
  if (hasPhoto) eta += TRUE_B.b_has_photoyes;
  eta += platformEffect;
  if (isClosed) eta += TRUE_B.b_is_closedyes;
  if (friendRequestsOpen) eta += TRUE_B.b_friend_requestsopen;
  if (messagesOpen) eta += TRUE_B.b_messagesopen;
  if (university) eta += TRUE_B.b_educationuniversity;
  eta += relationEffect;
  eta += nameEffect;
  return eta;
}

/** log(mu) of the followers model for one covariate row (unknown names get effect 0). */
export function trueLogMean(c: ModelCovariates): number {
  return sumLogMean(
    c.sex === 'male',
    c.has_photo === 'yes',
    PLATFORM_EFFECT[c.platform] ?? 0,
    c.is_closed === 'yes',
    c.friend_requests === 'open',
    c.messages === 'open',
    c.education === 'university',
    RELATION_EFFECT[c.relation] ?? 0,
    nameEffects().get(c.first_name) ?? 0,
  );
}
