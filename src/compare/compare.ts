/**
 * The comparison: several communities side by side (shares, differences, audience
 * overlap, shared audiences for an UpSet chart) and each community with two or more
 * snapshots over time (churn and status transitions). `compareSnapshots` is the whole of it
 * from snapshot directories; `compareAll` from communities already loaded.
 *
 * What each kind of snapshot allows (docs/compare.md, "Samples and censuses"): two censuses
 * are compared member by member; a sample's shares are estimated over its pages, its
 * overlap with a census is estimated from its pages, and neither its overlap with another
 * sample nor its churn can be counted.
 */
import { readSnapshot, SnapshotError } from '../snapshot/read';
import { BANNED, DELETED, type MemberStatus, STATUSES } from '../audit/status';
import { becameBetween, churn, sankeyData, transitionRows } from './churn';
import { type Community, COMPARE_COLUMNS, communityOf, type CommunityOptions } from './community';
import { censusDifferences, designDifferences } from './differences';
import type { MemberSet } from './member-set';
import { crossTabsAll, overlapMeasures, type PairTables } from './overlap';
import { rateDefinitions, STATUS_COUNT } from './rates';
import { ratioOverPages } from './sample';
import {
  COMPARE_FORMAT,
  COMPARE_FORMAT_VERSION,
  type CompareResult,
  type DifferenceRow,
  type OverlapRow,
  type OverTimeSection,
} from './types';
import { MAX_UPSET_SETS, upsetCounts, type UpsetData } from './upset';

/** Bad input to the comparison: the message names the snapshots and says what to do. */
export class CompareError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CompareError';
  }
}

const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const named = (c: Community): string =>
  `${c.source} (${c.summary.group.name || c.summary.key}, id ${c.summary.group.id}, taken ${c.summary.snapshot_time})`;
const byStatus = (a: ArrayLike<number>): Record<MemberStatus, number> =>
  Object.fromEntries(STATUSES.map((s, k) => [s, a[k]])) as Record<MemberStatus, number>;

/** Loads and audits one snapshot directory (a missing or unfinished one is named by readSnapshot). */
export function loadCommunity(dir: string, options: CommunityOptions = {}): Community {
  const snap = readSnapshot(dir, { columns: COMPARE_COLUMNS });
  if (snap.table.numRows() === 0) {
    throw new SnapshotError(
      `${dir} holds no members (0 rows), so there is nothing to compare; check the pull (manifest counts) or leave it out.`,
    );
  }
  return communityOf({ table: snap.table, manifest: snap.manifest }, dir, options);
}

/** Which snapshots go side by side (the newest of each community) and which pairs over time. */
export function planComparison(list: readonly Community[]): {
  sideBySide: Community[];
  overTime: [Community, Community][];
} {
  const groups = new Map<number, Community[]>();
  for (const c of list) {
    const g = groups.get(c.summary.group.id) ?? [];
    g.push(c);
    groups.set(c.summary.group.id, g);
  }
  const sideBySide: Community[] = [];
  const overTime: [Community, Community][] = [];
  for (const g of groups.values()) {
    g.sort((x, y) => Date.parse(x.summary.snapshot_time) - Date.parse(y.summary.snapshot_time));
    for (let i = 1; i < g.length; i++) {
      if (Date.parse(g[i].summary.snapshot_time) === Date.parse(g[i - 1].summary.snapshot_time)) {
        throw new CompareError(
          `${g[i - 1].source} and ${g[i].source} are both snapshots of ${g[i].summary.key} taken at ${g[i].summary.snapshot_time}: the same snapshot twice. Give each snapshot once.`,
        );
      }
      overTime.push([g[i - 1], g[i]]);
    }
    sideBySide.push(g[g.length - 1]);
  }
  // Keep the order the user gave, by each community's first appearance.
  const first = (c: Community): number => list.findIndex((d) => d.summary.group.id === c.summary.group.id);
  sideBySide.sort((x, y) => first(x) - first(y));
  return { sideBySide, overTime };
}

function checkSettings(list: readonly Community[]): { inactiveDays: number; level: number } {
  const first = list[0];
  for (const c of list) {
    if (c.inactiveDays !== first.inactiveDays || c.level !== first.level) {
      throw new Error(
        `compare: ${c.source} was audited with inactiveDays ${c.inactiveDays} and level ${c.level}, ${first.source} with ${first.inactiveDays} and ${first.level}; audit all snapshots with the same settings.`,
      );
    }
  }
  return { inactiveDays: first.inactiveDays, level: first.level };
}

/** Members of `census` among each sampled page of `sample`: the page's numerator for the overlap estimate. */
function sharedPerPage(sample: Community, census: MemberSet): Float64Array {
  const pages = sample.design?.pages.length ?? 0;
  const y = new Float64Array(pages);
  const s = sample.set;
  const z = census.ids;
  let j = 0;
  for (let i = 0; i < s.ids.length; i++) {
    while (j < z.length && z[j] < s.ids[i]) j++;
    if (j < z.length && z[j] === s.ids[i]) y[(s.pages as Int32Array)[i]]++;
  }
  return y;
}

/** Overlap of a sample with a census, estimated over the sample's pages. */
function estimatedOverlap(a: Community, b: Community, sampleIsA: boolean, level: number): OverlapRow {
  const sample = sampleIsA ? a : b;
  const census = sampleIsA ? b : a;
  const design = sample.design!;
  const y = sharedPerPage(sample, census.set);
  const x = Float64Array.from(design.pages, (p) => p.rows);
  const e = ratioOverPages(y, x, design.pages_total, level);
  const nS = sample.summary.members;
  const nC = census.summary.members;
  const m = (share: number): ReturnType<typeof overlapMeasures> => overlapMeasures(nS, nC, share * nS);
  const est = m(e.share);
  const lo = m(e.lo);
  const hi = m(e.hi);
  const orient = (v: ReturnType<typeof overlapMeasures>): { aInB: number; bInA: number } =>
    sampleIsA
      ? { aInB: v.share_of_a_in_b, bInA: v.share_of_b_in_a }
      : { aInB: v.share_of_b_in_a, bInA: v.share_of_a_in_b };
  return {
    a: a.summary.key,
    b: b.summary.key,
    common: Math.round(est.common),
    jaccard: est.jaccard,
    share_of_a_in_b: orient(est).aInB,
    share_of_b_in_a: orient(est).bInA,
    exact: false,
    common_lo: Math.round(lo.common),
    common_hi: Math.round(hi.common),
    share_of_a_in_b_lo: orient(lo).aInB,
    share_of_a_in_b_hi: orient(hi).aInB,
    note:
      `estimated from the ${int(design.pages.length)} sampled pages of ${sample.summary.key} ` +
      `(${int(e.numerator)} of its ${int(e.denominator)} sampled members are in ${census.summary.key}; ratio over pages, ${Math.round(level * 100)}% interval)`,
  };
}

/** Differences, overlap and shared audiences of communities side by side. */
export function compareCommunities(
  list: readonly Community[],
  options: { upsetMax?: number } = {},
): Pick<CompareResult, 'differences' | 'overlap' | 'upset' | 'notes'> {
  const notes: string[] = [];
  if (list.length < 2) return { differences: [], overlap: [], upset: null, notes };
  const { inactiveDays, level } = checkSettings(list);
  const defs = rateDefinitions(inactiveDays);
  const censusIdx = list.flatMap((c, i) => (c.design ? [] : [i]));
  const tables: PairTables | null =
    censusIdx.length >= 2 ? crossTabsAll(censusIdx.map((i) => list[i].set)) : null;
  const slot = new Map(censusIdx.map((i, s) => [i, s]));
  const differences: DifferenceRow[] = [];
  const overlap: OverlapRow[] = [];
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const a = list[i];
      const b = list[j];
      const ka = a.summary.key;
      const kb = b.summary.key;
      if (!a.design && !b.design && tables) {
        const si = slot.get(i)!;
        const sj = slot.get(j)!;
        const t = tables.table(si, sj);
        differences.push(...censusDifferences(ka, kb, defs, a.counts, b.counts, t, level));
        overlap.push({
          a: ka,
          b: kb,
          ...overlapMeasures(a.set.ids.length, b.set.ids.length, tables.common(si, sj)),
          exact: true,
        });
      } else {
        differences.push(...designDifferences(ka, kb, a.summary.shares, b.summary.shares));
        if (a.design && b.design) {
          overlap.push({
            a: ka,
            b: kb,
            common: NaN,
            jaccard: NaN,
            share_of_a_in_b: NaN,
            share_of_b_in_a: NaN,
            exact: false,
            note: `${ka} and ${kb} are both samples: their random pages cover different members, so their overlap cannot be estimated; pull one of them in full.`,
          });
        } else {
          overlap.push(estimatedOverlap(a, b, a.design !== null, level));
        }
      }
    }
  }
  for (const c of list) {
    if (!c.design) continue;
    notes.push(
      `${c.summary.key} is a ${c.summary.sample!.text}: its shares are estimated over its pages (design-based intervals); ` +
        `its differences with other communities combine the two intervals as independent, because its shared members cannot be paired ` +
        `(conservative when audiences overlap); its overlap with a census is estimated from its pages, with another sample it cannot be; ` +
        `it is left out of the shared-audience (UpSet) counts; its activity peak and top cities are those of the sampled members.`,
    );
  }
  let upset: UpsetData | null = null;
  const max = options.upsetMax ?? MAX_UPSET_SETS;
  if (censusIdx.length >= 2) {
    const chosen = [...censusIdx]
      .sort((x, y) => list[y].set.ids.length - list[x].set.ids.length)
      .slice(0, max);
    chosen.sort((x, y) => x - y);
    if (censusIdx.length > max) {
      notes.push(
        `The shared-audience (UpSet) counts cover the ${max} largest of the ${censusIdx.length} communities pulled in full: ${chosen.map((i) => list[i].summary.key).join(', ')}.`,
      );
    }
    upset = upsetCounts(
      chosen.map((i) => list[i].set),
      max,
    );
  }
  return { differences, overlap, upset, notes };
}

/** One community between two of its snapshots. */
export function compareOverTime(older: Community, newer: Community): OverTimeSection {
  if (older.summary.group.id !== newer.summary.group.id) {
    throw new CompareError(
      `over time compares two snapshots of one community, but ${named(older)} and ${named(newer)} are different communities; compare them side by side instead.`,
    );
  }
  const t0 = Date.parse(older.summary.snapshot_time);
  const t1 = Date.parse(newer.summary.snapshot_time);
  if (!(t1 > t0)) {
    throw new CompareError(
      `over time: ${named(newer)} must be newer than ${named(older)}; give the older snapshot first.`,
    );
  }
  const { inactiveDays, level } = checkSettings([older, newer]);
  const defs = rateDefinitions(inactiveDays);
  const side = (c: Community): OverTimeSection['older'] => ({
    key: c.summary.key,
    snapshot_time: c.summary.snapshot_time,
    members: c.summary.members,
    kind: c.summary.kind,
  });
  const base = {
    group: newer.summary.group,
    older: side(older),
    newer: side(newer),
    days: (t1 - t0) / 86400000,
  };
  if (older.design || newer.design) {
    const which = [older, newer]
      .filter((c) => c.design)
      .map((c) => `${c.source} is a ${c.summary.sample!.text}`);
    return {
      ...base,
      exact: false,
      joined: null,
      left: null,
      stayed: null,
      joined_by_status: null,
      left_by_status: null,
      transitions: null,
      banned_between: null,
      deleted_between: null,
      sankey: null,
      differences: designDifferences('newer', 'older', newer.summary.shares, older.summary.shares),
      notes: [
        `${which.join('; ')}. Who joined, left or stayed, and how statuses moved, can only be counted between two snapshots pulled in full; ` +
          `the shares are compared as estimates (independent intervals combined, conservative since most members are in both).`,
      ],
    };
  }
  const c = churn(older.set, newer.set);
  // Difference rows have a = newer: the cross-table is the transitions transposed.
  const t = new Float64Array(STATUS_COUNT * STATUS_COUNT);
  for (let f = 0; f < STATUS_COUNT; f++)
    for (let g = 0; g < STATUS_COUNT; g++) t[g * STATUS_COUNT + f] = c.transitions[f * STATUS_COUNT + g];
  return {
    ...base,
    exact: true,
    joined: c.joined,
    left: c.left,
    stayed: c.stayed,
    joined_by_status: byStatus(c.joinedByStatus),
    left_by_status: byStatus(c.leftByStatus),
    transitions: transitionRows(c),
    banned_between: becameBetween(c, BANNED),
    deleted_between: becameBetween(c, DELETED),
    sankey: sankeyData(c),
    differences: censusDifferences('newer', 'older', defs, newer.counts, older.counts, t, level),
    notes: [],
  };
}

/** Everything, from communities already loaded (`loadCommunity` / `communityOf`). */
export function compareAll(list: readonly Community[], options: { upsetMax?: number } = {}): CompareResult {
  if (list.length < 2) {
    throw new CompareError(
      `compare needs at least two snapshots (several communities, or one community at two times), got ${list.length}${list.length === 1 ? `: ${list[0].source}` : ''}.`,
    );
  }
  const { inactiveDays, level } = checkSettings(list);
  const plan = planComparison(list);
  const side = compareCommunities(plan.sideBySide, options);
  return {
    format: COMPARE_FORMAT,
    format_version: COMPARE_FORMAT_VERSION,
    level,
    inactive_days: inactiveDays,
    communities: plan.sideBySide.map((c) => c.summary),
    differences: side.differences,
    overlap: side.overlap,
    upset: side.upset,
    over_time: plan.overTime.map(([o, n]) => compareOverTime(o, n)),
    notes: side.notes,
  };
}

/** Loads every directory (each named in its own error) and compares them. */
export function compareSnapshots(
  dirs: readonly string[],
  options: CommunityOptions & { upsetMax?: number } = {},
): CompareResult {
  return compareAll(
    dirs.map((d) => loadCommunity(d, options)),
    options,
  );
}

/** JSON-safe form: non-finite numbers (undefined shares) become null. */
export function compareJson(r: CompareResult): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(r, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)),
  ) as Record<string, unknown>;
}
