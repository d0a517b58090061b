/**
 * One community as the comparison sees it: the audit's figures (src/audit/run.ts — status
 * shares, activity peak, top cities) and its member set for the overlap and churn counts.
 * A sample snapshot's shares are re-estimated over its pages (src/compare/sample.ts); the
 * audit's Wilson intervals would treat its clustered members as drawn one by one.
 */
import type { CityIndex } from '../audit/cities';
import { topCities } from '../audit/geography';
import { type AuditInput } from '../audit/input';
import { runAudit } from '../audit/run';
import { DEFAULT_INACTIVE_DAYS, type MemberStatus, STATUSES } from '../audit/status';
import type { SnapshotManifest } from '../snapshot/schema';
import { type MemberSet, memberSetOf, statusCounts } from './member-set';
import { rateDefinitions } from './rates';
import {
  describeSample,
  pageBootstrap,
  pageCounts,
  pageOfRows,
  pageTotals,
  type PageSampleDesign,
  ratioOverPages,
  sampleDesignOf,
  sampleRows,
} from './sample';
import type { CommunitySummary, ShareEstimate } from './types';

export interface CommunityOptions {
  inactiveDays?: number;
  level?: number;
  useOnlineInfo?: boolean;
  recentMinutes?: number;
  minCityCount?: number;
  cities?: CityIndex | null;
  /** Cities listed per community (default 5). */
  topCities?: number;
  /** Bootstrap replicates of the activity peak and of a sample's pages (default 2000). */
  bootstrapReplicates?: number;
  seed?: number;
}

/** A community ready to compare. */
export interface Community {
  summary: CommunitySummary;
  set: MemberSet;
  /** Status counts of the snapshot's rows (index = status code). */
  counts: Float64Array;
  design: PageSampleDesign | null;
  /** For a sample: status counts per page, `[page * 5 + status]`. */
  pageTotals: Float64Array | null;
  /** Where the snapshot came from, for messages (its directory when read from disk). */
  source: string;
  /** The settings its statuses and intervals were computed with. */
  inactiveDays: number;
  level: number;
}

/** The name a community goes by in results: its screen name, else VK's `club<id>`. */
export function communityKey(m: Pick<SnapshotManifest, 'group'>): string {
  return m.group.screen_name && m.group.screen_name.trim() !== '' ? m.group.screen_name : `club${m.group.id}`;
}

/** The members table's columns the comparison reads (readSnapshot's `columns`). */
export const COMPARE_COLUMNS = [
  'id',
  'deactivated',
  'last_seen_time',
  'last_seen_platform',
  'online_info_status',
  'sex',
  'city_id',
  'city_title',
] as const;

/** Audits one snapshot and keeps what the comparison needs. `source` names it in messages. */
export function communityOf(
  input: AuditInput & { manifest: SnapshotManifest },
  source: string,
  options: CommunityOptions = {},
): Community {
  const level = options.level ?? 0.95;
  const inactiveDays = options.inactiveDays ?? DEFAULT_INACTIVE_DAYS;
  const m = input.manifest;
  const key = communityKey(m);
  const design = sampleDesignOf(m, `${source}/manifest.json`);
  const replicates = options.bootstrapReplicates ?? 2000;
  const audit = runAudit(input, {
    inactiveDays,
    level,
    useOnlineInfo: options.useOnlineInfo,
    recentMinutes: options.recentMinutes,
    minCityCount: options.minCityCount,
    cities: options.cities ?? null,
    bootstrapReplicates: replicates,
    seed: options.seed,
  });
  const rows = input.table.numRows();
  const pageOf = design ? pageOfRows(design, rows) : null;
  const set = memberSetOf(key, input.table, audit.classification.codes, pageOf);
  const counts = statusCounts(set.codes);
  let shares: ShareEstimate[];
  let totals: Float64Array | null = null;
  if (design && set.pages) {
    totals = pageTotals(set.codes, set.pages, design.pages.length);
    shares = rateDefinitions(inactiveDays).map((def, i) => {
      const { y, x } = pageCounts(totals as Float64Array, def);
      const e = ratioOverPages(y, x, design.pages_total, level);
      return {
        key: def.key,
        label: def.label,
        numerator_label: def.numerator_label,
        denominator_label: def.denominator_label,
        numerator: e.numerator,
        denominator: e.denominator,
        share: e.share,
        lo: e.lo,
        hi: e.hi,
        method: 'ratio over pages',
        design_effect: e.design_effect,
        bootstrap: pageBootstrap(y, x, { replicates, level, seed: (options.seed ?? 1998) + i }),
      };
    });
  } else {
    shares = audit.rates.map((r) => ({
      key: r.key,
      label: r.label,
      numerator_label: r.numerator_label,
      denominator_label: r.denominator_label,
      numerator: r.numerator,
      denominator: r.denominator,
      share: r.share,
      lo: r.lo,
      hi: r.hi,
      method: 'wilson',
    }));
  }
  const summary: CommunitySummary = {
    key,
    group: { id: m.group.id, screen_name: m.group.screen_name, name: m.group.name },
    snapshot_time: m.snapshot_time,
    synthetic: audit.synthetic,
    kind: design ? 'sample' : 'census',
    members: design ? design.members_total : rows,
    rows,
    sample: design
      ? {
          text: describeSample(design),
          rows: sampleRows(design),
          members_total: design.members_total,
          pages: design.pages.length,
          pages_total: design.pages_total,
          page_size: design.page_size,
          seed: design.seed,
        }
      : null,
    status_counts: Object.fromEntries(STATUSES.map((s, k) => [s, counts[k]])) as Record<MemberStatus, number>,
    shares,
    peaks: audit.peaks
      .filter((p) => p.group === 'all')
      .map((p) => ({
        zone: p.zone,
        start: p.start,
        interval: p.interval,
        share: p.share,
        stability: p.stability,
        n: p.n,
      })),
    top_cities: topCities(audit.geography, options.topCities ?? 5).map((c) => ({
      city: c.city,
      city_id: c.city_id,
      members: c.members,
      share_of_stating: c.share_of_stating,
    })),
  };
  return { summary, set, counts, design, pageTotals: totals, source, inactiveDays, level };
}
