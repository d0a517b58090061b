/**
 * The follower model's coding, column-wise: the rules of spec.ts (`modelCovariates`,
 * `PREDICTORS`) applied to typed-array columns without building a row object per member
 * (2.1M live profiles at study scale). test/followers/prepare.test.ts checks that this
 * coding equals `modelCovariates` row by row.
 */
import {
  MODEL_LEVELS,
  PLATFORM_LEVEL_BY_CODE,
  RELATION_LEVEL_BY_CODE,
  FOLLOWER_FORMULA,
  NAME_GROUP,
  PREDICTORS,
  RESPONSE,
} from './spec';

// The follower stage's modules and notebook 05 import these from here.
export {
  FOLLOWER_FAMILY,
  FOLLOWER_FORMULA,
  NAME_GROUP,
  PREDICTORS,
  RESPONSE,
  predictorCoding,
  type PredictorCoding,
} from './spec';

/** Label of the level that collects rare first names (parentheses: no VK name looks like this). */
export const OTHER_NAME = '(other)';

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

/** Level index of `relation` (NaN = missing → none, as `modelCovariates` reads a missing code as 0). */
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
