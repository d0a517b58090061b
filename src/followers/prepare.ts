/**
 * The model table: from a snapshot's members to the rows and codings the follower model
 * is fitted on.
 *
 *  1. Live profiles only: the audit's status classification (src/audit/status.ts) decides;
 *     deleted and banned profiles are left out (the study analysed the ~2.1M
 *     non-deactivated profiles, docs/study.md).
 *  2. Rows the model leaves out (spec.ts `modelCovariates`): sex not stated (0 /
 *     missing), no first name; and rows without `followers_count` (nothing to model).
 *     Each exclusion is counted.
 *  3. Predictors coded as spec.ts documents (missing flags read as no / closed; counted so
 *     the notebook can say how many were missing), column-wise by coding.ts.
 *  4. Optional deterministic subsample (`maxRows`): rows with the smallest hash of
 *     (seed, member id), so the same snapshot always gives the same subsample.
 *  5. Rare first names pooled: names with fewer than `minNameCount` modelled rows become
 *     one level, "(other)". Default 5. The synthetic community's truth gives every name its own effect, so the
 *     pooled level has no single true value: the truth comparison leaves it out and says
 *     how many rows it holds (a documented deviation). Why pool at all: real VK data has
 *     many one-off spellings; each would be a parameter whose estimate is its prior.
 */
import type { ColumnTable } from 'arquero';
import type { SnapshotManifest } from '../snapshot/schema';
import { BANNED, DELETED, classifyStatus } from '../audit/status';
import { readBool, readDictionary, readNumber, requireColumns } from '../audit/columns';
import { hash32 } from '../util/rng';
import { MODEL_LEVELS, type ModelFactor } from './spec';
import {
  NAME_GROUP,
  OTHER_NAME,
  PREDICTORS,
  RESPONSE,
  educationLevel,
  flagLevel,
  formulaFor,
  platformLevel,
  relationLevel,
  sexLevel,
} from './coding';

export const DEFAULT_MIN_NAME_COUNT = 5;

export interface PrepareOptions {
  /** Names with fewer modelled rows than this are pooled into "(other)" (default 5; 1 = no pooling). */
  minNameCount?: number;
  /** Keep at most this many rows (deterministic subsample); undefined = all. */
  maxRows?: number;
  /** Seed of the subsample hash (default 1). */
  seed?: number;
}

export interface FactorColumn {
  /** Levels in R order (reference first), as spec.ts; codes index them. */
  levels: readonly string[];
  codes: Uint8Array;
}

export interface PrepCounts {
  members: number;
  deleted: number;
  banned: number;
  live: number;
  /** Live rows left out, by reason (a row is counted under its first reason). */
  excluded: { sexNotStated: number; noFirstName: number; noFollowersCount: number; subsample: number };
  modelled: number;
  /** Modelled rows whose field was missing and read as the documented default level. */
  missingAsDefault: Record<string, number>;
}

export interface NamePooling {
  minNameCount: number;
  /** Distinct first names among modelled rows, before pooling. */
  distinct: number;
  /** Names kept as their own level. */
  kept: number;
  /** Names pooled into "(other)" and the rows they hold. */
  pooledNames: number;
  pooledRows: number;
}

export interface FollowerTable {
  nRows: number;
  /** followers_count per modelled row. */
  y: Float64Array;
  /** VK member id per modelled row. */
  ids: Int32Array;
  factors: Record<ModelFactor, FactorColumn>;
  /** first_name level per row; levels sorted, "(other)" among them when names were pooled. */
  names: { levels: string[]; codes: Int32Array; rows: Int32Array };
  pooling: NamePooling;
  counts: PrepCounts;
  /** The formula to fit (FOLLOWER_FORMULA unless a predictor has a single level in the data). */
  formula: string;
  droppedPredictors: string[];
}

const REQUIRED = [
  'id',
  'deactivated',
  'last_seen_time',
  'sex',
  'first_name',
  'followers_count',
  'has_photo',
  'last_seen_platform',
  'is_closed',
  'can_send_friend_request',
  'can_write_private_message',
  'university_id',
  'relation',
];

function checkOptions(o: PrepareOptions): Required<Omit<PrepareOptions, 'maxRows'>> & { maxRows: number } {
  const minNameCount = o.minNameCount ?? DEFAULT_MIN_NAME_COUNT;
  if (!Number.isInteger(minNameCount) || minNameCount < 1) {
    throw new Error(`minNameCount must be a whole number ≥ 1 (1 = no pooling), got ${o.minNameCount}`);
  }
  const maxRows = o.maxRows ?? Infinity;
  if (!(maxRows === Infinity || (Number.isInteger(maxRows) && maxRows >= 1))) {
    throw new Error(`maxRows must be a whole number ≥ 1 (or unset for all rows), got ${o.maxRows}`);
  }
  return { minNameCount, maxRows, seed: o.seed ?? 1 };
}

/** Rows to keep when more than `maxRows` qualify: the smallest hash32(seed, id), ties by id. */
function subsample(ids: Int32Array, rows: Int32Array, maxRows: number, seed: number): Int32Array {
  if (rows.length <= maxRows) return rows;
  const keys = Array.from(rows, (r) => ({ r, k: hash32(seed, ids[r]) >>> 0, id: ids[r] }));
  keys.sort((a, b) => a.k - b.k || a.id - b.id);
  return Int32Array.from(keys.slice(0, maxRows), (x) => x.r).sort();
}

/** Builds the model table from a snapshot's members (`readSnapshot(dir)` gives both). */
export function prepareFollowerTable(
  input: {
    table: ColumnTable;
    manifest: Pick<SnapshotManifest, 'snapshot_time'> & Partial<SnapshotManifest>;
  },
  options: PrepareOptions = {},
): FollowerTable {
  const opt = checkOptions(options);
  const what = 'follower model';
  const { table } = input;
  requireColumns(table, REQUIRED, what);
  const status = classifyStatus({ table, manifest: input.manifest });
  const n = table.numRows();
  const idCol = readNumber(table, 'id', what);
  const sex = readNumber(table, 'sex', what);
  const followers = readNumber(table, 'followers_count', what);
  const names = readDictionary(table, 'first_name', what);

  const counts: PrepCounts = {
    members: n,
    deleted: 0,
    banned: 0,
    live: 0,
    excluded: { sexNotStated: 0, noFirstName: 0, noFollowersCount: 0, subsample: 0 },
    modelled: 0,
    missingAsDefault: {},
  };
  const eligible: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = status.codes[i];
    if (s === DELETED) {
      counts.deleted++;
      continue;
    }
    if (s === BANNED) {
      counts.banned++;
      continue;
    }
    counts.live++;
    if (sexLevel(sex[i]) < 0) {
      counts.excluded.sexNotStated++;
      continue;
    }
    const nc = names.codes[i];
    if (nc < 0 || names.values[nc] === '') {
      counts.excluded.noFirstName++;
      continue;
    }
    const y = followers[i];
    if (!(Number.isInteger(y) && y >= 0)) {
      if (Number.isNaN(y)) {
        counts.excluded.noFollowersCount++;
        continue;
      }
      throw new Error(
        `${what}: followers_count of member ${idCol[i]} is ${y}; a count must be a whole number ≥ 0 — the snapshot is damaged, pull again.`,
      );
    }
    eligible.push(i);
  }
  const ids = Int32Array.from(idCol);
  let rows: Int32Array = Int32Array.from(eligible);
  const kept = subsample(ids, rows, opt.maxRows, opt.seed);
  counts.excluded.subsample = rows.length - kept.length;
  rows = kept;
  const N = rows.length;
  counts.modelled = N;
  if (N === 0) {
    throw new Error(
      `${what}: no live profile with sex, first name and followers_count among ${n} members (deleted ${counts.deleted}, banned ${counts.banned}); ` +
        'nothing to fit — check the snapshot (was it pulled with the fields in MEMBER_FIELDS?).',
    );
  }

  const bool = (name: string): Int8Array => readBool(table, name, what);
  const flags = {
    has_photo: bool('has_photo'),
    is_closed: bool('is_closed'),
    friend_requests: bool('can_send_friend_request'),
    messages: bool('can_write_private_message'),
  };
  const platform = readNumber(table, 'last_seen_platform', what);
  const university = readNumber(table, 'university_id', what);
  const relation = readNumber(table, 'relation', what);
  const fieldOf: Record<string, string> = {
    has_photo: 'has_photo',
    is_closed: 'is_closed',
    friend_requests: 'can_send_friend_request',
    messages: 'can_write_private_message',
  };

  const factors = {} as Record<ModelFactor, FactorColumn>;
  for (const p of PREDICTORS) factors[p.name] = { levels: MODEL_LEVELS[p.name], codes: new Uint8Array(N) };
  const missing: Record<string, number> = {
    has_photo: 0,
    is_closed: 0,
    can_send_friend_request: 0,
    can_write_private_message: 0,
    university_id: 0,
    relation: 0,
  };
  const y = new Float64Array(N);
  const outIds = new Int32Array(N);
  for (let j = 0; j < N; j++) {
    const i = rows[j];
    y[j] = followers[i];
    outIds[j] = ids[i];
    factors.sex.codes[j] = sexLevel(sex[i]);
    for (const f of ['has_photo', 'is_closed', 'friend_requests', 'messages'] as const) {
      const v = flags[f][i];
      if (v < 0) missing[fieldOf[f]]++;
      factors[f].codes[j] = flagLevel(v);
    }
    factors.platform.codes[j] = platformLevel(platform[i]);
    if (Number.isNaN(university[i])) missing.university_id++;
    factors.education.codes[j] = educationLevel(university[i]);
    if (Number.isNaN(relation[i])) missing.relation++;
    factors.relation.codes[j] = relationLevel(relation[i]);
  }
  counts.missingAsDefault = missing;

  // First names: count per name over the modelled rows, pool the rare ones.
  const perName = new Int32Array(names.values.length);
  for (let j = 0; j < N; j++) perName[names.codes[rows[j]]]++;
  const keptNames: string[] = [];
  let pooledNames = 0;
  let pooledRows = 0;
  for (let k = 0; k < perName.length; k++) {
    if (perName[k] === 0) continue;
    if (perName[k] >= opt.minNameCount) keptNames.push(names.values[k]);
    else {
      pooledNames++;
      pooledRows += perName[k];
    }
  }
  const levels = [...keptNames, ...(pooledNames > 0 ? [OTHER_NAME] : [])].sort(compareR);
  const levelIndex = new Map(levels.map((l, k) => [l, k] as const));
  const otherCode = levelIndex.get(OTHER_NAME) ?? -1;
  const dictToLevel = Int32Array.from(names.values, (v) => levelIndex.get(v) ?? otherCode);
  const nameCodes = new Int32Array(N);
  const nameRows = new Int32Array(levels.length);
  for (let j = 0; j < N; j++) {
    const c = dictToLevel[names.codes[rows[j]]];
    nameCodes[j] = c;
    nameRows[c]++;
  }

  const present = new Set<string>();
  for (const p of PREDICTORS) {
    const seen = new Set<number>();
    for (const c of factors[p.name].codes) {
      seen.add(c);
      if (seen.size > 1) break;
    }
    if (seen.size > 1) present.add(p.name);
  }
  const { formula, dropped } = formulaFor(present);
  return {
    nRows: N,
    y,
    ids: outIds,
    factors,
    names: { levels, codes: nameCodes, rows: nameRows },
    pooling: {
      minNameCount: opt.minNameCount,
      distinct: keptNames.length + pooledNames,
      kept: keptNames.length,
      pooledNames,
      pooledRows,
    },
    counts,
    formula,
    droppedPredictors: dropped,
  };
}

/**
 * R's sort order for the name levels is locale-dependent; any fixed order is fine for a
 * grouping factor (it has no reference level), so plain code-unit order keeps it stable.
 */
function compareR(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The columns `prepareModel` / `fitModel` take: the response as numbers, every factor as
 * strings (shared string objects, so 2.1M rows cost a pointer each).
 */
export function modelData(t: FollowerTable): Record<string, ArrayLike<number | string>> {
  const out: Record<string, ArrayLike<number | string>> = { [RESPONSE]: t.y };
  for (const p of PREDICTORS) {
    const { levels, codes } = t.factors[p.name];
    const col = new Array<string>(t.nRows);
    for (let j = 0; j < t.nRows; j++) col[j] = levels[codes[j]];
    out[p.name] = col;
  }
  const names = new Array<string>(t.nRows);
  for (let j = 0; j < t.nRows; j++) names[j] = t.names.levels[t.names.codes[j]];
  out[NAME_GROUP] = names;
  return out;
}

/** Rows per level of each factor, for the preparation table. */
export function levelCounts(t: FollowerTable): Record<ModelFactor, number[]> {
  const out = {} as Record<ModelFactor, number[]>;
  for (const p of PREDICTORS) {
    const c = new Array<number>(p.levels.length).fill(0);
    for (const code of t.factors[p.name].codes) c[code]++;
    out[p.name] = c;
  }
  return out;
}
