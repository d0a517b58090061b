/**
 * The fitted bot score as shipped in data/bots/scorer.json: read, check, apply.
 *
 * The file holds derived numbers only (coefficients or trees, the means that fill missing
 * terms, the flag threshold, the validation counts) with their provenance; nothing in it is
 * a row of the labelled data. A file whose terms differ from SCORE_TERMS is refused: a model
 * must never read a term by position that it was fitted on under another name.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isObject } from '../util/json-shape';
import type { BotColumns } from './columns';
import { featuresFromColumns, SCORE_TERMS, type BotFeatures } from './features';
import { boostedProbability, type Tree } from './fit/boosting';
import { logisticProbability } from './fit/logistic';

export const SCORER_FORMAT = 'vk-audience-study/bot-scorer';
export const SCORER_FORMAT_VERSION = 1;

/** Out-of-fold counts at the threshold: what sensitivity and specificity were measured on. */
export interface ValidationCounts {
  bots: number;
  bots_flagged: number;
  humans: number;
  humans_not_flagged: number;
}

export interface ScorerModel {
  format: typeof SCORER_FORMAT;
  format_version: number;
  kind: 'logistic' | 'boosted';
  terms: string[];
  /** Per term: the value used when it is null (the training mean over observed rows). */
  impute: number[];
  logistic?: { intercept: number; coefficients: number[] };
  boosted?: { base: number; trees: Tree[] };
  /** A member is flagged when its score is >= threshold. */
  threshold: number;
  validation: ValidationCounts;
  /** Where the numbers come from and how well the procedure did in cross-validation. */
  provenance: Record<string, unknown>;
}

export class ScorerFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScorerFileError';
  }
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const count = (x: unknown): x is number => Number.isInteger(x) && (x as number) >= 0;

/** Checks a parsed scorer file; `where` names it in errors. */
export function parseScorerModel(json: unknown, where: string): ScorerModel {
  const bad = (what: string): never => {
    throw new ScorerFileError(`${where}: ${what}; regenerate it with scripts/bots/fit-scorer.js`);
  };
  if (!isObject(json)) return bad('not a JSON object');
  if (json.format !== SCORER_FORMAT) bad(`format is not "${SCORER_FORMAT}"`);
  if (json.format_version !== SCORER_FORMAT_VERSION) bad(`format_version is not ${SCORER_FORMAT_VERSION}`);
  const terms = json.terms;
  const expected = SCORE_TERMS.map((t) => t.name);
  if (!Array.isArray(terms) || terms.join(',') !== expected.join(',')) {
    bad(`terms [${String(terms)}] are not the score's terms [${expected.join(', ')}]`);
  }
  const p = expected.length;
  const impute = json.impute;
  if (!Array.isArray(impute) || impute.length !== p || !impute.every(finite))
    bad(`impute needs ${p} numbers`);
  if (!finite(json.threshold) || json.threshold <= 0 || json.threshold >= 1)
    bad('threshold must be in (0, 1)');
  const v = json.validation;
  if (
    !isObject(v) ||
    !count(v.bots) ||
    !count(v.humans) ||
    !count(v.bots_flagged) ||
    !count(v.humans_not_flagged) ||
    v.bots_flagged > v.bots ||
    v.humans_not_flagged > v.humans
  ) {
    bad('validation needs counts bots >= bots_flagged and humans >= humans_not_flagged');
  }
  if (json.kind === 'logistic') {
    const l = json.logistic;
    if (
      !isObject(l) ||
      !finite(l.intercept) ||
      !Array.isArray(l.coefficients) ||
      l.coefficients.length !== p ||
      !l.coefficients.every(finite)
    ) {
      bad(`logistic needs an intercept and ${p} coefficients`);
    }
  } else if (json.kind === 'boosted') {
    const b = json.boosted;
    if (!isObject(b) || !finite(b.base) || !Array.isArray(b.trees)) bad('boosted needs base and trees');
    for (const t of (b as { trees: unknown[] }).trees) {
      if (!isObject(t)) bad('a tree is not an object');
      const tt = t as Record<string, unknown>;
      const keys = ['feature', 'threshold', 'left', 'right', 'value'];
      if (
        !keys.every(
          (k) => Array.isArray(tt[k]) && (tt[k] as unknown[]).length === (tt.feature as unknown[]).length,
        )
      ) {
        bad('a tree needs equal-length feature, threshold, left, right, value arrays');
      }
      const nodes = (tt.feature as unknown[]).length;
      (tt.feature as unknown[]).forEach((f, i) => {
        if (!(Number.isInteger(f) && (f as number) >= -1 && (f as number) < p))
          bad('a tree splits on no term');
        if ((f as number) >= 0) {
          for (const child of [(tt.left as unknown[])[i], (tt.right as unknown[])[i]]) {
            if (!(Number.isInteger(child) && (child as number) > i && (child as number) < nodes)) {
              bad('a tree has a child index out of order');
            }
          }
        }
      });
    }
  } else {
    bad('kind must be "logistic" or "boosted"');
  }
  if (!isObject(json.provenance)) bad('provenance is missing');
  return json as unknown as ScorerModel;
}

/** The shipped scorer (data/bots/scorer.json), found from this module's place in the repository. */
export function defaultScorerPath(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'data', 'bots', 'scorer.json');
    if (fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new ScorerFileError('data/bots/scorer.json not found above ' + __dirname);
}

export function readScorerModel(file = defaultScorerPath()): ScorerModel {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ScorerFileError(`${file}: cannot read the scorer (${(e as Error).message})`);
  }
  return parseScorerModel(json, file);
}

/** The term values of one record, missing ones filled as the model was fitted. */
export function termVector(model: ScorerModel, f: BotFeatures): number[] {
  return SCORE_TERMS.map((t, j) => {
    const v = t.value(f);
    return v === null ? model.impute[j] : v;
  });
}

/** termVector writing into `out` (returned), for loops that reuse one vector. */
export function termVectorInto(model: ScorerModel, f: BotFeatures, out: number[]): number[] {
  for (let j = 0; j < SCORE_TERMS.length; j++) {
    const v = SCORE_TERMS[j].value(f);
    out[j] = v === null ? model.impute[j] : v;
  }
  return out;
}

/** The score: the model's probability that this profile is a bot, as calibrated on the labelled data. */
export function scoreFeatures(model: ScorerModel, f: BotFeatures): number {
  const x = termVector(model, f);
  if (model.kind === 'logistic') return logisticProbability(model.logistic!, x);
  return boostedProbability(model.boosted!, x);
}

export function scoreColumns(model: ScorerModel, c: BotColumns): number {
  return scoreFeatures(model, featuresFromColumns(c));
}

export function isFlagged(model: ScorerModel, score: number): boolean {
  return score >= model.threshold;
}
