/**
 * The comparison's data contract: what `compareJson` writes (and `npm run compare -- --json
 * OUT` will write). Shares are fractions in [0, 1]; every interval is at `level`. Keys of
 * communities are their screen names (or `club<id>` when a community has none).
 */
import type { MemberStatus } from '../audit/status';
import type { SankeyData, TransitionRow } from './churn';
import type { UpsetData } from './upset';

export const COMPARE_FORMAT = 'vk-audience-study/compare';
export const COMPARE_FORMAT_VERSION = 1;

/** How an interval was computed (docs/compare.md names each). */
export type ShareMethod = 'wilson' | 'ratio over pages';
export type DifferenceMethod =
  'newcombe hybrid score' | 'newcombe hybrid score, shared members paired' | 'mover, design-based';

export interface ShareEstimate {
  key: string;
  label: string;
  numerator_label: string;
  denominator_label: string;
  /** Members counted (in the sample, for a sample). */
  numerator: number;
  denominator: number;
  share: number;
  lo: number;
  hi: number;
  method: ShareMethod;
  /** For a sample: Kish's design effect of the page clusters, and the bootstrap's interval. */
  design_effect?: number;
  bootstrap?: { lo: number; hi: number; replicates: number };
}

export interface SampleSummary {
  /** "sample of n of N members (…)". */
  text: string;
  rows: number;
  members_total: number;
  pages: number;
  pages_total: number;
  page_size: number;
  seed: number | null;
}

export interface PeakSummary {
  zone: 'UTC' | 'MSK';
  /** Start of the peak half hour, "HH:MM". */
  start: string;
  /** Bootstrap interval of the peak's location, "HH:MM–HH:MM". */
  interval: string;
  /** Share of the counted members last seen in the peak half hour. */
  share: number;
  /** Share of bootstrap replicates peaking in the same half hour. */
  stability: number;
  /** Members counted (live, visible last_seen, not seen during the pull). */
  n: number;
}

export interface CitySummary {
  city: string;
  city_id: number | null;
  /** Live members stating it (in the sample, for a sample). */
  members: number;
  share_of_stating: number;
}

export interface CommunitySummary {
  key: string;
  group: { id: number; screen_name: string; name: string };
  snapshot_time: string;
  synthetic: boolean;
  kind: 'census' | 'sample';
  /** Members of the community: the rows of a census, VK's count for a sample. */
  members: number;
  /** Rows in the snapshot. */
  rows: number;
  sample: SampleSummary | null;
  status_counts: Record<MemberStatus, number>;
  shares: ShareEstimate[];
  peaks: PeakSummary[];
  top_cities: CitySummary[];
}

export interface DifferenceRow {
  a: string;
  b: string;
  key: string;
  label: string;
  share_a: number;
  share_b: number;
  /** share_a − share_b. */
  difference: number;
  lo: number;
  hi: number;
  method: DifferenceMethod;
  /** The interval that treats a and b as independent samples (Newcombe's), when a different one is reported. */
  independent: { lo: number; hi: number } | null;
}

export interface OverlapRow {
  a: string;
  b: string;
  /** Members of both (exact for two censuses; an estimate when `exact` is false). */
  common: number;
  jaccard: number;
  share_of_a_in_b: number;
  share_of_b_in_a: number;
  exact: boolean;
  /** For an estimate: its interval, and the same for the share it is estimated from. */
  common_lo?: number;
  common_hi?: number;
  share_of_a_in_b_lo?: number;
  share_of_a_in_b_hi?: number;
  note?: string;
}

export interface OverTimeSection {
  group: { id: number; screen_name: string; name: string };
  older: { key: string; snapshot_time: string; members: number; kind: 'census' | 'sample' };
  newer: { key: string; snapshot_time: string; members: number; kind: 'census' | 'sample' };
  days: number;
  /** Whether joined / left / stayed and the transitions could be counted (two censuses). */
  exact: boolean;
  joined: number | null;
  left: number | null;
  stayed: number | null;
  joined_by_status: Record<MemberStatus, number> | null;
  left_by_status: Record<MemberStatus, number> | null;
  transitions: TransitionRow[] | null;
  banned_between: { stayers: number; joiners: number; total: number } | null;
  deleted_between: { stayers: number; joiners: number; total: number } | null;
  sankey: SankeyData | null;
  /** Each share now minus then (a = newer, b = older); stayers are paired. */
  differences: DifferenceRow[];
  notes: string[];
}

export interface CompareResult {
  format: typeof COMPARE_FORMAT;
  format_version: number;
  level: number;
  inactive_days: number;
  communities: CommunitySummary[];
  differences: DifferenceRow[];
  overlap: OverlapRow[];
  /** Exclusive intersections of up to six communities (the largest), or null. */
  upset: UpsetData | null;
  over_time: OverTimeSection[];
  /** What the comparison could not do with these snapshots, and why. */
  notes: string[];
}
