/**
 * The status audit of a sample snapshot (`npm run pull -- --sample N`): the same shares,
 * estimated over the sampled pages with design-based intervals, and said to be a "sample of
 * n of N members".
 *
 * A page is a cluster of consecutive ids, and statuses cluster by id (docs/compare.md,
 * "Sample audits"), so the census's Wilson intervals — members drawn one by one — would be
 * far too narrow. Each share is the ratio estimator over pages with its linearised variance,
 * the finite population correction and a Wilson interval at the effective sample size, the
 * one estimator of src/compare/sample.ts; the comparison uses the same. The time of day and
 * the cities of a sample are those of its sampled members (member-level intervals, too
 * narrow when they cluster by page: said in `note`).
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { countOf, rateDefinitions, type RateDefinition } from '../compare/rates';
import {
  describeSample,
  pageCounts,
  pageOfRows,
  pageTotals,
  ratioOverPages,
  sampleDesignOf,
  sampleRows,
  type PageEstimate,
  type PageSampleDesign,
} from '../compare/sample';
import type { AuditManifest } from './input';
import { STATUSES, type Headline, type MemberStatus, type Rate, type StatusClassification } from './status';

export const SAMPLE_INTERVAL_METHOD =
  'ratio estimator over the sampled pages (clusters): linearised variance with the finite population correction, Wilson interval at the effective sample size with a t adjustment (Korn & Graubard)';

export interface SampleAudit {
  design: PageSampleDesign;
  /** "sample of 100,000 of 15,000,000 members (100 of 15,000 pages …)". */
  text: string;
  /** Members sampled (n) and in the community (N). */
  n: number;
  N: number;
  /** The statuses' shares of all members, in the census table's columns, over pages. */
  statusTable: ColumnTable;
  /** The study's shares (as `statusRates`), over pages. */
  rates: Rate[];
  /** Design effect and standard error of each share, by key (status keys and rate keys). */
  precision: Record<string, { se: number; design_effect: number; effective_n: number }>;
  headline: Headline;
  note: string;
}

const STATUS_LABELS: Record<MemberStatus, string> = {
  active: 'active',
  inactive: 'inactive',
  hidden: 'last seen hidden',
  deleted: 'deleted',
  banned: 'banned',
};

const pct = (x: number, digits = 1): string => (Number.isFinite(x) ? `${(100 * x).toFixed(digits)}%` : 'n/a');
const int = (x: number): string => Math.round(x).toLocaleString('en-US');

/** The share `def` over the pages of `totals`. */
function estimate(
  totals: Float64Array,
  def: RateDefinition,
  d: PageSampleDesign,
  level: number,
): PageEstimate {
  const { y, x } = pageCounts(totals, def);
  return ratioOverPages(y, x, d.pages_total, level);
}

/**
 * The sample audit of a snapshot whose manifest carries a `sample` design; null for a
 * census. A design that does not fit the members (rows, pages) is a SnapshotError naming
 * the manifest.
 */
export function sampleAudit(
  manifest: AuditManifest,
  cls: StatusClassification,
  level: number,
): SampleAudit | null {
  const design = sampleDesignOf(manifest, 'the snapshot’s manifest.json');
  if (design === null) return null;
  const rows = cls.codes.length;
  const m = design.pages.length;
  const totals = pageTotals(cls.codes, pageOfRows(design, rows), m);
  const precision: SampleAudit['precision'] = {};
  const all = STATUSES.map(() => true);
  const statusRows = STATUSES.map((st, k) => {
    const e = estimate(
      totals,
      {
        key: st,
        label: st,
        numerator_label: st,
        denominator_label: 'all members',
        numerator: STATUSES.map((_, j) => j === k),
        denominator: all,
      },
      design,
      level,
    );
    precision[st] = { se: e.se, design_effect: e.design_effect, effective_n: e.effective_n };
    return {
      status: st,
      label: STATUS_LABELS[st],
      count: e.numerator,
      share: e.share,
      lo: e.lo,
      hi: e.hi,
      denominator: 'all sampled members',
      denominator_n: e.denominator,
      by_last_seen: null,
      by_online_info: null,
    };
  });
  const rates: Rate[] = rateDefinitions(cls.inactiveDays).map((def) => {
    const e = estimate(totals, def, design, level);
    precision[def.key] = { se: e.se, design_effect: e.design_effect, effective_n: e.effective_n };
    return {
      key: def.key,
      label: def.label,
      numerator: e.numerator,
      numerator_label: def.numerator_label,
      denominator: e.denominator,
      denominator_label: def.denominator_label,
      share: e.share,
      lo: e.lo,
      hi: e.hi,
    };
  });
  const text = describeSample(design);
  const n = sampleRows(design);
  const [db, ns, ac] = rates;
  const lv = Math.round(level * 100);
  const counts = new Float64Array(STATUSES.length);
  for (let j = 0; j < m; j++)
    for (let s = 0; s < STATUSES.length; s++) counts[s] += totals[j * STATUSES.length + s];
  const hidden = countOf(
    counts,
    STATUSES.map((s) => s === 'hidden'),
  );
  const headline: Headline = {
    n,
    deletedOrBanned: db,
    notSeen: ns,
    active: ac,
    hidden,
    text:
      `A ${text}. Of the community's ${int(design.members_total)} followers, an estimated ${pct(db.share)} (${lv}% CI ${pct(db.lo)}–${pct(db.hi)}) are deleted or banned, ` +
      `${pct(ns.share)} (${pct(ns.lo)}–${pct(ns.hi)}) were not seen for more than ${cls.inactiveDays} days before the snapshot ` +
      `(deactivated included, as the study counts), and ${pct(ac.share)} (${pct(ac.lo)}–${pct(ac.hi)}) are active. ` +
      `The intervals are design-based over the ${int(m)} sampled pages of consecutive members ` +
      `(design effect ${precision.not_seen.design_effect.toFixed(1)} for "not seen": the variance against as many members drawn one by one).`,
  };
  return {
    design,
    text,
    n,
    N: design.members_total,
    statusTable: aq.from(statusRows),
    rates,
    precision,
    headline,
    note: 'Time of day and cities are those of the sampled members; their intervals treat members as drawn one by one and are too narrow when these cluster by page.',
  };
}

/** What the audit's JSON says of a sample (`sample` key). */
export function sampleJson(s: SampleAudit): Record<string, unknown> {
  return {
    text: s.text,
    n: s.n,
    N: s.N,
    method: s.design.method,
    page_size: s.design.page_size,
    pages: s.design.pages.length,
    pages_total: s.design.pages_total,
    seed: s.design.seed,
    precision: s.precision,
    note: s.note,
  };
}
