/**
 * The whole descriptive audit in one call — status, activity time, geography — as used
 * by the CLI (`npm run audit`), the benchmark and notebooks 02–04; plus its JSON form.
 * Quality signals are separate (`quality.ts`): they decode every first name and are not
 * part of the study's published figures. The share of bots among live members
 * (src/bots/audit-section.ts) is computed when `bots` options are given: it scores every
 * live member, which callers that only need the descriptive audit should not pay for.
 */
import type { ColumnTable } from 'arquero';
import { botsAudit, type BotsOptions, type BotsSection } from '../bots/audit-section';
import type { CityIndex } from './cities';
import { type Geography, geography } from './geography';
import { type AuditInput, isSynthetic } from './input';
import { SAMPLE_INTERVAL_METHOD, type SampleAudit, sampleAudit, sampleJson } from './sample';
import {
  classifyStatus,
  headline,
  type Headline,
  type Rate,
  type StatusClassification,
  type StatusSummary,
  statusRates,
  statusTable,
  summarizeStatus,
} from './status';
import {
  type ActivityCounts,
  activityCounts,
  dayOfWeekTable,
  type Peak,
  peaks,
  timeOfDayByPlatform,
  timeOfDayBySex,
} from './time';

export interface AuditOptions {
  inactiveDays?: number;
  useOnlineInfo?: boolean;
  level?: number;
  population?: 'live' | 'active';
  recentMinutes?: number;
  minCityCount?: number;
  cities?: CityIndex | null;
  bootstrapReplicates?: number;
  seed?: number;
  /** Compute the bots section (labels, scorer); absent: no bots section. */
  bots?: BotsOptions;
}

export interface AuditResult {
  classification: StatusClassification;
  status: StatusSummary;
  statusTable: ColumnTable;
  rates: Rate[];
  headline: Headline;
  activity: ActivityCounts;
  peaks: Peak[];
  geography: Geography;
  synthetic: boolean;
  /** A sample snapshot: its design, and the shares above estimated over its pages (./sample.ts). */
  sample: SampleAudit | null;
  /** Null unless AuditOptions.bots was given. */
  bots: BotsSection | null;
}

export function runAudit(input: AuditInput, options: AuditOptions = {}): AuditResult {
  const level = options.level ?? 0.95;
  const classification = classifyStatus(input, {
    inactiveDays: options.inactiveDays,
    useOnlineInfo: options.useOnlineInfo,
    level,
  });
  const status = summarizeStatus(classification, level);
  const sample = sampleAudit(input.manifest, classification, level);
  const activity = activityCounts(input, classification, {
    population: options.population,
    recentMinutes: options.recentMinutes,
  });
  const pk =
    activity.n > 0
      ? peaks(activity, { replicates: options.bootstrapReplicates, level, seed: options.seed })
      : [];
  const geo = geography(input, classification, {
    minCount: options.minCityCount,
    cities: options.cities,
    level,
  });
  return {
    classification,
    status,
    statusTable: sample?.statusTable ?? statusTable(status),
    rates: sample?.rates ?? statusRates(status),
    headline: sample?.headline ?? headline(status),
    activity,
    peaks: pk,
    geography: geo,
    synthetic: isSynthetic(input.manifest),
    sample,
    bots: options.bots ? botsAudit(input, { level, ...options.bots }).section : null,
  };
}

/** JSON-safe numbers: NaN (0/0 shares) becomes null. */
function clean<T>(rows: T): T {
  return JSON.parse(
    JSON.stringify(rows, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)),
  ) as T;
}

/** What `npm run audit -- --json OUT` writes. */
export function auditJson(r: AuditResult, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return clean({
    format: 'vk-audience-study/audit',
    format_version: 1,
    ...extra,
    synthetic: r.synthetic,
    snapshot_time: r.status.snapshotTime,
    inactive_days: r.status.inactiveDays,
    interval: {
      method: r.sample ? SAMPLE_INTERVAL_METHOD : 'Wilson score, per share',
      level: r.status.level,
    },
    ...(r.sample ? { sample: sampleJson(r.sample) } : {}),
    status: {
      n: r.status.n,
      rows: r.statusTable.objects(),
      rates: r.rates,
      headline: r.headline.text,
      online_info: { ...r.status.byOnlineInfo, unrecognised: r.status.onlineInfoUnrecognised },
    },
    time: {
      population: r.activity.population,
      members: r.activity.n,
      excluded_recent: { members: r.activity.excludedRecent, minutes: r.activity.recentMinutes },
      caveat: 'last_seen is each member’s last visit, not an activity log.',
      snapshot_clock_utc: r.activity.snapshotClock,
      peaks: r.peaks,
      peak_method: 'Poisson bootstrap over members, percentile interval of the peak bin (circular)',
      bins: timeOfDayBySex(r.activity).objects(),
      bins_by_platform: timeOfDayByPlatform(r.activity).objects(),
      day_of_week: dayOfWeekTable(r.activity, r.status.level).objects(),
    },
    geography: {
      summary: r.geography.summary,
      cities: r.geography.rows,
    },
    ...(r.bots ? { bots: r.bots } : {}),
  });
}
