/**
 * How the follower model codes each predictor from the snapshot's VK fields.
 *
 * The single source of the coding is the generator's truth (src/emulator/truth.ts:
 * `MODEL_FORMULA`, `MODEL_LEVELS`, `modelCovariates`), so the fitted parameters are named
 * and coded exactly as the true ones and can be compared one to one. This file restates
 * that coding column-wise (typed arrays, no row objects: 2.1M live profiles at study
 * scale) and documents it for the notebook's preparation table; a test checks that the
 * column-wise coding equals `modelCovariates` row by row.
 *
 * Reference levels are the first level in R's sorted order, as brms codes factors
 * (per docs/model-engine.md: treatment contrasts, reference = first level).
 */
import {
  MODEL_FAMILY,
  MODEL_FORMULA,
  MODEL_LEVELS,
  PLATFORM_LEVEL_BY_CODE,
  RELATION_LEVEL_BY_CODE,
  type ModelFactor,
} from '../emulator/truth';

export const FOLLOWER_FORMULA = MODEL_FORMULA;
export const FOLLOWER_FAMILY = MODEL_FAMILY;
export const RESPONSE = 'followers_count';
export const NAME_GROUP = 'first_name';

/** Label of the level that collects rare first names (parentheses: no VK name looks like this). */
export const OTHER_NAME = '(other)';

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

/** The population-level predictors in formula order. */
export const PREDICTORS: readonly PredictorCoding[] = [
  {
    name: 'sex',
    label: 'Sex',
    fields: 'sex',
    levels: MODEL_LEVELS.sex,
    rule: '1 → female, 2 → male; 0 / missing → row left out (as the truth)',
  },
  {
    name: 'has_photo',
    label: 'Profile photo',
    fields: 'has_photo',
    levels: MODEL_LEVELS.has_photo,
    rule: 'true → yes; false / missing → no',
  },
  {
    name: 'platform',
    label: 'Platform of last visit',
    fields: 'last_seen_platform',
    levels: MODEL_LEVELS.platform,
    rule: `${platformRule}; last_seen hidden (missing) or an unknown code → hidden, its own level (hiding last_seen is itself a privacy trait)`,
  },
  {
    name: 'is_closed',
    label: 'Closed profile',
    fields: 'is_closed',
    levels: MODEL_LEVELS.is_closed,
    rule: 'true → yes; false / missing → no',
  },
  {
    name: 'friend_requests',
    label: 'Friend requests',
    fields: 'can_send_friend_request',
    levels: MODEL_LEVELS.friend_requests,
    rule: 'true → open; false / missing → closed',
  },
  {
    name: 'messages',
    label: 'Private messages',
    fields: 'can_write_private_message',
    levels: MODEL_LEVELS.messages,
    rule: 'true → open; false / missing → closed',
  },
  {
    name: 'education',
    label: 'Education',
    fields: 'university_id',
    levels: MODEL_LEVELS.education,
    rule: 'a university stated (id > 0) → university; 0 / missing (incl. closed profiles that hide it) → none; school or occupation do not count',
  },
  {
    name: 'relation',
    label: 'Relationship status',
    fields: 'relation',
    levels: MODEL_LEVELS.relation,
    rule: `${relationRule}; missing → none`,
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

/** Level index of a VK boolean flag (1 true, 0 false, -1 missing) for two-level factors coded false/missing → first level. */
export function flagLevel(flag: number): 0 | 1 {
  return flag === 1 ? 1 : 0;
}

const PLATFORM_INDEX: ReadonlyMap<number, number> = new Map(
  Object.entries(PLATFORM_LEVEL_BY_CODE).map(([code, level]) => [
    Number(code),
    MODEL_LEVELS.platform.indexOf(level),
  ]),
);
const HIDDEN_PLATFORM = MODEL_LEVELS.platform.indexOf('hidden');

/** Level index of `last_seen_platform` (NaN = missing). */
export function platformLevel(code: number): number {
  return PLATFORM_INDEX.get(code) ?? HIDDEN_PLATFORM;
}

const RELATION_INDEX: ReadonlyMap<number, number> = new Map(
  Object.entries(RELATION_LEVEL_BY_CODE).map(([code, level]) => [
    Number(code),
    MODEL_LEVELS.relation.indexOf(level),
  ]),
);
const RELATION_NONE = MODEL_LEVELS.relation.indexOf('none');

/** Level index of `relation` (NaN = missing → none, as the truth reads a missing code as 0). */
export function relationLevel(code: number): number {
  return RELATION_INDEX.get(code) ?? RELATION_NONE;
}

/** Level index of `university_id` (NaN = missing). */
export function educationLevel(universityId: number): number {
  return universityId > 0
    ? MODEL_LEVELS.education.indexOf('university')
    : MODEL_LEVELS.education.indexOf('none');
}

/** Level index of `sex`, or -1 when the row is left out (not 1 or 2). */
export function sexLevel(sex: number): number {
  return sex === 1 ? 0 : sex === 2 ? 1 : -1;
}

/**
 * The formula with predictors that have a single level in the data removed (a constant
 * predictor cannot be estimated; this only happens on tiny tables), and which were dropped.
 */
export function formulaFor(present: ReadonlySet<string>): { formula: string; dropped: string[] } {
  const kept = PREDICTORS.filter((p) => present.has(p.name)).map((p) => p.name);
  const dropped = PREDICTORS.filter((p) => !present.has(p.name)).map((p) => p.name);
  if (dropped.length === 0) return { formula: FOLLOWER_FORMULA, dropped };
  const rhs = [...kept, `(1 | ${NAME_GROUP})`].join(' + ');
  return { formula: `${RESPONSE} ~ ${rhs}`, dropped };
}
