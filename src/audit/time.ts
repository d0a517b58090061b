/**
 * When followers were last seen: time of day in half-hour bins (UTC and Moscow time), by
 * sex, by platform, and by day of week; the peak with a bootstrap interval.
 *
 * Caveat, stated in every report (docs/time-of-day.md): `last_seen` is one timestamp per
 * member — the last visit — not an activity log. A histogram of it shows when members
 * were last seen, which for daily users leans towards the hours just before the snapshot
 * was taken; `snapshotClock` is returned so the report can show that hour next to the peak.
 *
 * Population: live profiles (not deactivated) with a visible last_seen time (basis
 * "last_seen" in status.ts), active and inactive alike unless `population: 'active'`,
 * except members seen in the last `recentMinutes` (default 15) before the snapshot time
 * or later: they were online while the pull ran, so their last_seen marks the pull, not
 * their habits. Left in, they pile into the snapshot's half hour (on the synthetic
 * community they outnumber the true 11:30 UTC peak); they are counted in
 * `excludedRecent` and the report says so.
 * Moscow time is UTC+3 with no daylight saving since 26 Oct 2014, so a fixed offset is
 * exact for every visit after that date (earlier visits are off by an hour in winter;
 * the count of such members is returned as `beforeMskFixed`).
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { Rng } from '../util/rng';
import { readNumber } from './columns';
import type { AuditInput } from './input';
import { wilson } from './intervals';
import { ACTIVE, BASIS_LAST_SEEN, INACTIVE, type StatusClassification } from './status';

export const BINS = 48; // half hours
export const BIN_SECONDS = 1800;
export const MSK_OFFSET_SECONDS = 3 * 3600;
/** 2014-10-26T02:00 MSK: Moscow's last clock change (to permanent UTC+3). */
export const MSK_FIXED_SINCE = Date.UTC(2014, 9, 25, 22, 0, 0) / 1000;

export const SEXES = ['unknown', 'female', 'male'] as const; // VK codes 0, 1, 2
export const PLATFORMS = [
  'unknown',
  'mobile web',
  'iPhone',
  'iPad',
  'Android',
  'Windows Phone',
  'Windows app',
  'full web',
] as const; // VK codes 0–7
export const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
export type Zone = 'UTC' | 'MSK';

export const DEFAULT_RECENT_MINUTES = 15;

export interface TimeOptions {
  /** 'live' (default): every live profile with a visible last_seen; 'active': only active ones. */
  population?: 'live' | 'active';
  /** Leave out visits from this many minutes before the snapshot time on (default 15; 0 keeps all). */
  recentMinutes?: number;
}

/** Raw counts from one pass over the members. */
export interface ActivityCounts {
  /** Members counted. */
  n: number;
  /** UTC half-hour bin counts by sex code: [sex * 48 + bin]. MSK = UTC shifted by 6 bins. */
  bySex: Float64Array;
  /** UTC half-hour bin counts by platform code 0–7: [platform * 48 + bin]. */
  byPlatform: Float64Array;
  /** Day-of-week counts (Mon = 0) by sex: [sex * 7 + day], in UTC and in Moscow time. */
  dowUtc: Float64Array;
  dowMsk: Float64Array;
  /** Members last seen before Moscow's clocks were fixed (their MSK hour may be off by one). */
  beforeMskFixed: number;
  /** Snapshot time of day (UTC seconds since midnight). */
  snapshotClock: number;
  population: 'live' | 'active';
  /** Members left out because they were seen within `recentMinutes` of the snapshot, or after it. */
  excludedRecent: number;
  recentMinutes: number;
}

/** Half-hour bin of a unix time in a fixed-offset zone. */
export function halfHourBin(t: number, offsetSeconds: number): number {
  const s = (((Math.floor(t) + offsetSeconds) % 86400) + 86400) % 86400;
  return Math.floor(s / BIN_SECONDS);
}

/** Day of week, Monday = 0, of a unix time in a fixed-offset zone (1970-01-01 was a Thursday). */
export function dayOfWeek(t: number, offsetSeconds: number): number {
  const day = Math.floor((Math.floor(t) + offsetSeconds) / 86400);
  return (((day + 3) % 7) + 7) % 7;
}

/** "HH:MM" of the start of a half-hour bin. */
export function binLabel(bin: number): string {
  const m = bin * 30;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** One pass over sex, platform and the last_seen times kept by the status classification. */
export function activityCounts(
  input: AuditInput,
  cls: StatusClassification,
  options: TimeOptions = {},
): ActivityCounts {
  const population = options.population ?? 'live';
  const recentMinutes = options.recentMinutes ?? DEFAULT_RECENT_MINUTES;
  if (!(recentMinutes >= 0 && Number.isFinite(recentMinutes)))
    throw new Error(`activity time: recentMinutes must be >= 0, got ${recentMinutes}`);
  const cutoff = cls.snapshotTime - recentMinutes * 60;
  const { table } = input;
  const sex = readNumber(table, 'sex', 'activity time');
  const platform = readNumber(table, 'last_seen_platform', 'activity time');
  const { codes, basis, lastSeen } = cls;
  if (codes.length !== table.numRows())
    throw new Error('activity time: the status classification is for a different table (row counts differ).');
  const bySex = new Float64Array(3 * BINS);
  const byPlatform = new Float64Array(PLATFORMS.length * BINS);
  const dowUtc = new Float64Array(3 * 7);
  const dowMsk = new Float64Array(3 * 7);
  let n = 0;
  let before = 0;
  let excludedRecent = 0;
  const keepAll = recentMinutes === 0;
  for (let i = 0; i < codes.length; i++) {
    if (basis[i] !== BASIS_LAST_SEEN) continue;
    const c = codes[i];
    if (c !== ACTIVE && (population === 'active' || c !== INACTIVE)) continue;
    const t = Math.floor(lastSeen[i]);
    if (!keepAll && t >= cutoff) {
      excludedRecent++;
      continue;
    }
    const sx = sex[i];
    const s = sx === 1 || sx === 2 ? sx : 0; // null, 0 or anything else: unknown
    const p0 = platform[i];
    const p = p0 >= 1 && p0 <= 7 && Number.isInteger(p0) ? p0 : 0;
    const secOfDay = ((t % 86400) + 86400) % 86400;
    const bin = (secOfDay / BIN_SECONDS) | 0;
    bySex[s * BINS + bin]++;
    byPlatform[p * BINS + bin]++;
    const day = Math.floor(t / 86400);
    dowUtc[s * 7 + ((((day + 3) % 7) + 7) % 7)]++;
    const dayMsk = Math.floor((t + MSK_OFFSET_SECONDS) / 86400);
    dowMsk[s * 7 + ((((dayMsk + 3) % 7) + 7) % 7)]++;
    if (t < MSK_FIXED_SINCE) before++;
    n++;
  }
  const snapshotClock = ((Math.floor(cls.snapshotTime) % 86400) + 86400) % 86400;
  return {
    n,
    bySex,
    byPlatform,
    dowUtc,
    dowMsk,
    beforeMskFixed: before,
    snapshotClock,
    population,
    excludedRecent,
    recentMinutes,
  };
}

/** Counts of one group in `zone`: MSK bins are UTC bins rotated by +6 (3 h / 30 min). */
function zoneBins(counts: Float64Array, group: number, zone: Zone): Float64Array {
  const out = new Float64Array(BINS);
  const shift = zone === 'MSK' ? MSK_OFFSET_SECONDS / BIN_SECONDS : 0;
  for (let b = 0; b < BINS; b++) out[(b + shift) % BINS] = counts[group * BINS + b];
  return out;
}

function sumGroups(counts: Float64Array, groups: number, width: number): Float64Array {
  const out = new Float64Array(width);
  for (let g = 0; g < groups; g++) for (let b = 0; b < width; b++) out[b] += counts[g * width + b];
  return out;
}

interface BinRow {
  zone: Zone;
  group: string;
  bin: number;
  start: string;
  count: number;
  share: number;
}

function binRows(bins: Float64Array, zone: Zone, group: string): BinRow[] {
  let total = 0;
  for (const v of bins) total += v;
  return Array.from(bins, (count, bin) => ({
    zone,
    group,
    bin,
    start: binLabel(bin),
    count,
    share: total > 0 ? count / total : NaN,
  }));
}

/**
 * Tidy time-of-day table by sex: zone (UTC, MSK) × group (all, female, male, unknown) ×
 * 48 bins; `share` is of the group's members in that zone (each group sums to 1).
 */
export function timeOfDayBySex(a: ActivityCounts): ColumnTable {
  const rows: BinRow[] = [];
  const all = sumGroups(a.bySex, 3, BINS);
  for (const zone of ['UTC', 'MSK'] as const) {
    rows.push(...binRows(zoneBins(all, 0, zone), zone, 'all'));
    for (const s of [1, 2, 0]) rows.push(...binRows(zoneBins(a.bySex, s, zone), zone, SEXES[s]));
  }
  return aq.from(rows);
}

/** Tidy time-of-day table by platform (groups with no members are left out). */
export function timeOfDayByPlatform(a: ActivityCounts): ColumnTable {
  const rows: BinRow[] = [];
  for (const zone of ['UTC', 'MSK'] as const) {
    for (let p = 1; p <= PLATFORMS.length; p++) {
      const code = p % PLATFORMS.length; // 1…7, then 0 (unknown) last
      const bins = zoneBins(a.byPlatform, code, zone);
      if (bins.some((v) => v > 0)) rows.push(...binRows(bins, zone, PLATFORMS[code]));
    }
  }
  return aq.from(rows);
}

/** Tidy day-of-week table: zone × group (all, female, male, unknown) × day, with shares and Wilson intervals. */
export function dayOfWeekTable(a: ActivityCounts, level = 0.95): ColumnTable {
  const rows: {
    zone: Zone;
    group: string;
    day: string;
    day_index: number;
    count: number;
    share: number;
    lo: number;
    hi: number;
  }[] = [];
  for (const [zone, counts] of [
    ['UTC', a.dowUtc],
    ['MSK', a.dowMsk],
  ] as const) {
    const groups: [string, Float64Array][] = [
      ['all', sumGroups(counts, 3, 7)],
      ...[1, 2, 0].map((s) => [SEXES[s], counts.subarray(s * 7, s * 7 + 7)] as [string, Float64Array]),
    ];
    for (const [group, c] of groups) {
      const total = c.reduce((x, y) => x + y, 0);
      if (total === 0 && group !== 'all') continue;
      DAYS.forEach((day, d) =>
        rows.push({ zone, group, day, day_index: d, count: c[d], ...wilson(c[d], total, level) }),
      );
    }
  }
  return aq.from(rows);
}

export interface Peak {
  zone: Zone;
  group: string;
  n: number;
  /** Bin with the most members (ties: the earliest). */
  bin: number;
  start: string;
  share: number;
  /** Bootstrap share of replicates whose peak is this same bin. */
  stability: number;
  /** Percentile interval of the peak's location, as bins (may wrap past midnight). */
  loBin: number;
  hiBin: number;
  /** "11:00–12:00": from the start of loBin to the end of hiBin. */
  interval: string;
  replicates: number;
}

export interface PeakOptions {
  replicates?: number;
  level?: number;
  seed?: number;
  /** Stream key under `seed`, so each group's replicates are independent of the others'. */
  key?: number;
}

/**
 * Poisson(λ) draw; above λ = 1000 its normal approximation N(λ, λ) (the Poisson's
 * skewness there is 1/√λ ≤ 0.032, and only the ordering of neighbouring bins matters),
 * several times cheaper than an exact draw, which keeps 2.5M-member bootstraps fast.
 */
function poissonDraw(rng: Rng, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda < 1000) return rng.poisson(lambda);
  return lambda + Math.sqrt(lambda) * rng.normal();
}

function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

/**
 * The peak half hour and its uncertainty.
 *
 * Method: Poisson bootstrap over members (Hanley & MacGibbon 2006; Chamandy et al. 2012):
 * each member gets a Poisson(1) weight per replicate, so bin counts become independent
 * Poisson(count) draws; the peak (argmax) is recomputed per replicate. Conditional on the
 * total this is the ordinary multinomial bootstrap, and the argmax does not depend on the
 * total, so it is the members bootstrap at the cost of 48 draws per replicate. The
 * interval is the percentile interval of the peak's offset from the observed peak
 * (circular: offsets in −24…+23 bins), so a peak near midnight does not break it.
 */
export function peakOf(bins: Float64Array, zone: Zone, group: string, options: PeakOptions = {}): Peak {
  const replicates = options.replicates ?? 2000;
  const level = options.level ?? 0.95;
  const total = bins.reduce((x, y) => x + y, 0);
  if (total === 0)
    throw new Error(
      `activity time: no members with a visible last_seen in group "${group}", so there is no peak to report.`,
    );
  const bin = argmax(bins);
  const rng = Rng.forKey(options.seed ?? 20141026, options.key ?? 0);
  const offsets = new Int32Array(replicates);
  const draw = new Float64Array(BINS);
  let same = 0;
  for (let r = 0; r < replicates; r++) {
    for (let b = 0; b < BINS; b++) draw[b] = poissonDraw(rng, bins[b]);
    const m = argmax(draw);
    if (m === bin) same++;
    offsets[r] = ((m - bin + BINS + BINS / 2) % BINS) - BINS / 2;
  }
  offsets.sort();
  const a = (1 - level) / 2;
  const lo = offsets[Math.floor(a * (replicates - 1))];
  const hi = offsets[Math.ceil((1 - a) * (replicates - 1))];
  const loBin = (bin + lo + BINS) % BINS;
  const hiBin = (bin + hi + BINS) % BINS;
  return {
    zone,
    group,
    n: total,
    bin,
    start: binLabel(bin),
    share: bins[bin] / total,
    stability: same / replicates,
    loBin,
    hiBin,
    interval: `${binLabel(loBin)}–${binLabel((hiBin + 1) % BINS)}`,
    replicates,
  };
}

/**
 * Peaks for all, female and male members, in UTC and Moscow time (groups with no members
 * skipped). Moscow bins are the UTC bins rotated by six, so the Moscow peak and its
 * interval are the UTC ones moved by three hours: bootstrapped once, reported twice.
 */
export function peaks(a: ActivityCounts, options: PeakOptions = {}): Peak[] {
  const all = sumGroups(a.bySex, 3, BINS);
  const groups: [string, Float64Array][] = [
    ['all', zoneBins(all, 0, 'UTC')],
    ['female', zoneBins(a.bySex, 1, 'UTC')],
    ['male', zoneBins(a.bySex, 2, 'UTC')],
  ];
  const utc: Peak[] = [];
  groups.forEach(([g, bins], k) => {
    if (bins.some((v) => v > 0)) utc.push(peakOf(bins, 'UTC', g, { ...options, key: k }));
  });
  const shift = MSK_OFFSET_SECONDS / BIN_SECONDS;
  const msk = utc.map((p): Peak => {
    const bin = (p.bin + shift) % BINS;
    const loBin = (p.loBin + shift) % BINS;
    const hiBin = (p.hiBin + shift) % BINS;
    return {
      ...p,
      zone: 'MSK',
      bin,
      start: binLabel(bin),
      loBin,
      hiBin,
      interval: `${binLabel(loBin)}–${binLabel((hiBin + 1) % BINS)}`,
    };
  });
  return [...utc, ...msk];
}

/** Members behind the time summaries, for the caveat line. */
export function timeCoverage(
  a: ActivityCounts,
  statusN: number,
): { counted: number; of: number; share: number } {
  return { counted: a.n, of: statusN, share: statusN > 0 ? a.n / statusN : NaN };
}
