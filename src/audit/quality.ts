/**
 * Profile-quality signals for live accounts and a low-quality score built from them.
 *
 * What this is NOT: a fake or bot rate. No labelled VK data ships with the project, so
 * no rule here has a measured error rate, and docs/status.md is blunt about such
 * rules: practitioners' rule sets scored MCC ≈ 0.18 on labelled Twitter data (Cresci et
 * al. 2015), one rule even pointed the wrong way, and "a score with no measured error is
 * an opinion". The score is an indicator: its definition and its distribution are
 * reported, never converted into "X% fake".
 *
 * Score = number of signals present (each 0/1, equal weights). Equal weights because
 * there are no labels to fit weights against; any weighting would be a guess dressed up
 * as a model. A signal whose field is null (not returned) counts as absent and is
 * reported as "unknown" so its coverage is visible.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { readBool, readCategory, readDictionary, readNumber } from './columns';
import type { AuditInput } from './input';
import { wilson } from './intervals';
import { BANNED, DELETED, HIDDEN, INACTIVE, type StatusClassification } from './status';

export interface SignalDef {
  key: string;
  label: string;
  /** The exact rule, as shown in the report. */
  definition: string;
}

export const SIGNALS: readonly SignalDef[] = [
  { key: 'no_photo', label: 'no profile photo', definition: 'has_photo = 0' },
  { key: 'no_city', label: 'no city', definition: 'city_id is null or 0' },
  {
    key: 'hidden_last_seen',
    label: 'last visit hidden',
    definition: 'last_seen_time is null (status "hidden", or active/inactive only by online_info)',
  },
  { key: 'closed_profile', label: 'closed profile', definition: 'is_closed = true' },
  { key: 'zero_followers', label: 'no followers', definition: 'followers_count = 0' },
  {
    key: 'no_bdate',
    label: 'no birth date',
    definition: 'bdate_visibility is null (bdate hidden or absent; "D.M" without a year counts as stated)',
  },
  { key: 'no_sex', label: 'sex not stated', definition: 'sex is 0 or null' },
  {
    key: 'name_not_cyrillic',
    label: 'first name not in Cyrillic',
    definition:
      'first_name has no Cyrillic letter (Latin-only, digits-only or empty); Russian-language VK names are mostly Cyrillic',
  },
  {
    key: 'name_digits_or_symbols',
    label: 'digits/symbols in first name',
    definition:
      'first_name contains a digit or a character that is not a letter, space, hyphen or apostrophe',
  },
  {
    key: 'name_deleted',
    label: 'name "DELETED" on a live profile',
    definition: 'first_name = "DELETED" while deactivated is null',
  },
];

export interface QualityResult {
  /** Live members scored. */
  live: number;
  /** Per-member score (0…SIGNALS.length), aligned with the table; 255 for deactivated. */
  scores: Uint8Array;
  /** Per signal: flagged count, and how many live members had the field at all. */
  signals: { key: string; flagged: number; known: number }[];
  /** distribution[s] = live members with score s. */
  distribution: Float64Array;
  /** Mean score among active and among inactive live members (a consistency check, not validation). */
  meanByStatus: { active: number; inactive: number; hidden: number };
}

const CYRILLIC = /\p{Script=Cyrillic}/u;
const ODD_CHAR = /[^\p{L}\p{M}\s'’-]/u;

/** The name checks: [not Cyrillic, digits or symbols]. Exposed for tests. */
export function nameSignals(name: string | null): [boolean, boolean] {
  if (name === null) return [false, false];
  const trimmed = name.trim();
  if (trimmed === '') return [true, false];
  return [!CYRILLIC.test(trimmed), ODD_CHAR.test(trimmed)];
}

export function qualitySignals(input: AuditInput, cls: StatusClassification): QualityResult {
  const { table } = input;
  const what = 'quality signals';
  const hasPhoto = readBool(table, 'has_photo', what);
  const cityId = readNumber(table, 'city_id', what);
  const closed = readBool(table, 'is_closed', what);
  const followers = readNumber(table, 'followers_count', what);
  const bdate = readCategory(table, 'bdate_visibility', ['full', 'no_year'], what).codes;
  const sex = readNumber(table, 'sex', what);
  const names = readDictionary(table, 'first_name', what);
  // Name checks once per distinct name: [not Cyrillic, digits/symbols, "DELETED"].
  const nameFlags = names.values.map((v) => [...nameSignals(v), v.trim() === 'DELETED'] as const);
  const { codes, lastSeen } = cls;
  const n = codes.length;
  const K = SIGNALS.length;
  const flagged = new Float64Array(K);
  const known = new Float64Array(K);
  const scores = new Uint8Array(n);
  const distribution = new Float64Array(K + 1);
  const sumBy = new Float64Array(3);
  const nBy = new Float64Array(3);
  let live = 0;
  let nameKnown = 0;
  for (let i = 0; i < n; i++) {
    const c = codes[i];
    if (c === DELETED || c === BANNED) {
      scores[i] = 255;
      continue;
    }
    live++;
    let score = 0;
    // In SIGNALS order. Fields that are always decidable (null = not stated) count as known.
    const ph = hasPhoto[i];
    if (ph !== -1) known[0]++;
    if (ph === 0) {
      flagged[0]++;
      score++;
    }
    if (!(cityId[i] > 0)) {
      flagged[1]++;
      score++;
    }
    if (Number.isNaN(lastSeen[i])) {
      flagged[2]++;
      score++;
    }
    const cl = closed[i];
    if (cl !== -1) known[3]++;
    if (cl === 1) {
      flagged[3]++;
      score++;
    }
    const fo = followers[i];
    if (!Number.isNaN(fo)) known[4]++;
    if (fo === 0) {
      flagged[4]++;
      score++;
    }
    if (bdate[i] === -1) {
      flagged[5]++;
      score++;
    }
    const sx = sex[i];
    if (!(sx === 1 || sx === 2)) {
      flagged[6]++;
      score++;
    }
    const nc = names.codes[i];
    if (nc !== -1) {
      nameKnown++;
      const f = nameFlags[nc];
      if (f[0]) {
        flagged[7]++;
        score++;
      }
      if (f[1]) {
        flagged[8]++;
        score++;
      }
      if (f[2]) {
        flagged[9]++;
        score++;
      }
    }
    scores[i] = score;
    distribution[score]++;
    const g = c === INACTIVE ? 1 : c === HIDDEN ? 2 : 0;
    sumBy[g] += score;
    nBy[g]++;
  }
  for (const k of [1, 2, 5, 6]) known[k] = live;
  for (const k of [7, 8, 9]) known[k] = nameKnown;
  return {
    live,
    scores,
    signals: SIGNALS.map((s, k) => ({ key: s.key, flagged: flagged[k], known: known[k] })),
    distribution,
    meanByStatus: { active: sumBy[0] / nBy[0], inactive: sumBy[1] / nBy[1], hidden: sumBy[2] / nBy[2] },
  };
}

/** One row per signal: definition, flagged count, share of live members (Wilson interval), coverage. */
export function signalTable(q: QualityResult, level = 0.95): ColumnTable {
  return aq.from(
    SIGNALS.map((s, k) => {
      const r = q.signals[k];
      return {
        signal: s.key,
        label: s.label,
        definition: s.definition,
        flagged: r.flagged,
        ...wilson(r.flagged, q.live, level),
        denominator: 'live members',
        denominator_n: q.live,
        field_known: r.known,
      };
    }),
  );
}

/** Distribution of the score over live members (score, count, share, cumulative share ≥ score). */
export function scoreDistribution(q: QualityResult): ColumnTable {
  const rows = [];
  let atLeast = q.live;
  for (let s = 0; s < q.distribution.length; s++) {
    rows.push({
      score: s,
      count: q.distribution[s],
      share: q.live > 0 ? q.distribution[s] / q.live : NaN,
      share_at_least: q.live > 0 ? atLeast / q.live : NaN,
    });
    atLeast -= q.distribution[s];
  }
  return aq.from(rows);
}

export const SCORE_DEFINITION =
  `Low-quality score = the number of these ${SIGNALS.length} signals a live profile shows (0–${SIGNALS.length}, equal weights): ` +
  SIGNALS.map((s) => s.label).join('; ') +
  '. An indicator with no measured error rate (no labelled VK data), not a fake-account rate.';
