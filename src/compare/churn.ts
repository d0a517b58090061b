/**
 * One community at two times: who joined, who left, who stayed (exact, from the two id
 * lists), and how the stayers' statuses moved. A member banned between the snapshots is
 * the closest thing to an objective bot label VK gives (docs/compare.md), so bans are
 * counted apart: stayers who were not banned before and are now, and newcomers who are
 * already banned (VK does not let a banned profile join, so they were banned after joining).
 *
 * Members who left cannot be followed: the newer snapshot does not list them, so their
 * status then is unknown; they are counted by their status in the older snapshot.
 */
import { BANNED, DELETED, type MemberStatus, STATUSES } from '../audit/status';
import type { MemberSet } from './member-set';
import { STATUS_COUNT } from './rates';

export interface Churn {
  joined: number;
  left: number;
  stayed: number;
  /** Stayers by status then (row) and now (column): `transitions[sOld * 5 + sNew]`. */
  transitions: Float64Array;
  /** Newcomers by their status in the newer snapshot. */
  joinedByStatus: Float64Array;
  /** Leavers by their status in the older snapshot. */
  leftByStatus: Float64Array;
}

/** The exact churn between `older` and `newer` (one merge of the two id lists). */
export function churn(older: MemberSet, newer: MemberSet): Churn {
  const transitions = new Float64Array(STATUS_COUNT * STATUS_COUNT);
  const joinedByStatus = new Float64Array(STATUS_COUNT);
  const leftByStatus = new Float64Array(STATUS_COUNT);
  const x = older.ids;
  const y = newer.ids;
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (j >= y.length || (i < x.length && x[i] < y[j])) leftByStatus[older.codes[i++]]++;
    else if (i >= x.length || y[j] < x[i]) joinedByStatus[newer.codes[j++]]++;
    else transitions[older.codes[i++] * STATUS_COUNT + newer.codes[j++]]++;
  }
  const sum = (a: Float64Array): number => a.reduce((p, q) => p + q, 0);
  return {
    joined: sum(joinedByStatus),
    left: sum(leftByStatus),
    stayed: sum(transitions),
    transitions,
    joinedByStatus,
    leftByStatus,
  };
}

export interface TransitionRow {
  from: MemberStatus;
  to: MemberStatus;
  count: number;
  /** Share of the stayers who had status `from` in the older snapshot. */
  share_of_from: number;
}

/** The stayers' transitions as a tidy table (all 25 pairs, zeros included). */
export function transitionRows(c: Churn): TransitionRow[] {
  const rows: TransitionRow[] = [];
  for (let f = 0; f < STATUS_COUNT; f++) {
    let from = 0;
    for (let t = 0; t < STATUS_COUNT; t++) from += c.transitions[f * STATUS_COUNT + t];
    for (let t = 0; t < STATUS_COUNT; t++) {
      const count = c.transitions[f * STATUS_COUNT + t];
      rows.push({ from: STATUSES[f], to: STATUSES[t], count, share_of_from: from > 0 ? count / from : NaN });
    }
  }
  return rows;
}

/** Members who became `status` between the snapshots: stayers who were not, plus newcomers who are. */
export function becameBetween(
  c: Churn,
  status: typeof BANNED | typeof DELETED,
): {
  stayers: number;
  joiners: number;
  total: number;
} {
  let stayers = 0;
  for (let f = 0; f < STATUS_COUNT; f++)
    if (f !== status) stayers += c.transitions[f * STATUS_COUNT + status];
  const joiners = c.joinedByStatus[status];
  return { stayers, joiners, total: stayers + joiners };
}

export interface SankeyNode {
  /** "before:active", "after:left", … */
  id: string;
  label: string;
  side: 'before' | 'after';
  status: MemberStatus | 'joined' | 'left';
}

export interface SankeyData {
  nodes: SankeyNode[];
  /** Indices into `nodes`; links with no members are left out. */
  links: { source: number; target: number; value: number }[];
}

/**
 * The flow chart's data: statuses before (plus "not yet a member") on the left, statuses
 * after (plus "left") on the right; stayers flow status to status, leavers to "left",
 * newcomers from "not yet a member".
 */
export function sankeyData(c: Churn): SankeyData {
  const nodes: SankeyNode[] = [
    ...STATUSES.map((s): SankeyNode => ({ id: `before:${s}`, label: s, side: 'before', status: s })),
    { id: 'before:joined', label: 'not yet a member', side: 'before', status: 'joined' },
    ...STATUSES.map((s): SankeyNode => ({ id: `after:${s}`, label: s, side: 'after', status: s })),
    { id: 'after:left', label: 'left', side: 'after', status: 'left' },
  ];
  const before = (s: number): number => s;
  const after = (s: number): number => STATUS_COUNT + 1 + s;
  const joinedNode = STATUS_COUNT;
  const leftNode = 2 * STATUS_COUNT + 1;
  const links: SankeyData['links'] = [];
  const add = (source: number, target: number, value: number): void => {
    if (value > 0) links.push({ source, target, value });
  };
  for (let f = 0; f < STATUS_COUNT; f++) {
    for (let t = 0; t < STATUS_COUNT; t++) add(before(f), after(t), c.transitions[f * STATUS_COUNT + t]);
    add(before(f), leftNode, c.leftByStatus[f]);
  }
  for (let t = 0; t < STATUS_COUNT; t++) add(joinedNode, after(t), c.joinedByStatus[t]);
  return { nodes, links };
}
