/**
 * Status of each follower: deleted, banned, inactive, active, or last-seen hidden.
 *
 * The rules, in the order they are applied (docs/status.md, docs/vk-api.md):
 *  1. `deactivated` = "deleted" → deleted; "banned" → banned. A deactivated profile is
 *     never anything else, whatever partial fields VK still sent with it (it often still
 *     carries first_name "DELETED", sex, even a last_seen).
 *  2. Live profile with `last_seen_time` (> 0): age = snapshot_time − last_seen_time.
 *     age > threshold (default 183 days ≈ six months) → inactive; otherwise active. The
 *     edge is exclusive: seen exactly 183 × 86400 s before the snapshot is still active.
 *     A last visit after snapshot_time (the pull runs for a while) is active.
 *  3. Live profile without last_seen, where VK's `online_info.status` says something:
 *     "long_ago" → inactive (by status); "recently" | "last_week" | "last_month" → active
 *     (by status). These are counted in the same categories but reported separately
 *     (`by_online_info`), because VK's buckets are coarser than the threshold:
 *     "long_ago" means "more than a month", not "more than six months", so the
 *     inactive-by-status count leans towards more inactivity than the threshold rule.
 *  4. Everything else live ("not_show", no online_info, an unrecognised status) →
 *     hidden: kept apart, never counted as deleted (the mistake docs/status.md
 *     names) and never as inactive.
 *
 * Denominator of every share in `statusTable`: all members in the snapshot (N rows).
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { CODE_NULL, CODE_OTHER, readCategory, readNumber, requireColumns } from './columns';
import { type AuditInput, requireMembers, snapshotSeconds } from './input';
import { type Interval, wilson } from './intervals';

export const STATUSES = ['active', 'inactive', 'hidden', 'deleted', 'banned'] as const;
export type MemberStatus = (typeof STATUSES)[number];
export const ACTIVE = 0;
export const INACTIVE = 1;
export const HIDDEN = 2;
export const DELETED = 3;
export const BANNED = 4;

/** How a live member's active/inactive status was decided. */
export const BASIS_NONE = 0;
export const BASIS_LAST_SEEN = 1;
export const BASIS_ONLINE_INFO = 2;

export const DEFAULT_INACTIVE_DAYS = 183;

export const ONLINE_INFO_STATUSES = ['recently', 'last_week', 'last_month', 'long_ago', 'not_show'] as const;

export interface StatusOptions {
  /** A live member not seen for more than this many days before the snapshot is inactive. */
  inactiveDays?: number;
  /** Use `online_info_status` when last_seen is hidden (default true). */
  useOnlineInfo?: boolean;
  /** Interval level (default 0.95). */
  level?: number;
}

/** Per-member classification; arrays are aligned with the table's rows. */
export interface StatusClassification {
  /** One of ACTIVE … BANNED per member. */
  codes: Uint8Array;
  /** BASIS_* per member. */
  basis: Uint8Array;
  /** last_seen_time per member (NaN when hidden); reused by the activity-time summary. */
  lastSeen: Float64Array;
  snapshotTime: number;
  inactiveDays: number;
  /** Live members whose online_info_status was none of the known values (→ hidden). */
  onlineInfoUnrecognised: number;
  firstUnrecognised: string | null;
}

export interface StatusSummary {
  n: number;
  counts: Record<MemberStatus, number>;
  /** Active / inactive split by how they were decided. */
  byLastSeen: { active: number; inactive: number };
  byOnlineInfo: { active: number; inactive: number };
  onlineInfoUnrecognised: number;
  snapshotTime: string;
  inactiveDays: number;
  level: number;
}

function checkDays(days: number): number {
  if (!(Number.isFinite(days) && days > 0)) {
    throw new Error(`inactiveDays must be a positive number of days, got ${days}`);
  }
  return days;
}

/** Classifies every member. Throws on an empty snapshot or an unknown `deactivated` value. */
export function classifyStatus(input: AuditInput, options: StatusOptions = {}): StatusClassification {
  const { table, manifest } = input;
  const what = 'status';
  requireMembers(table, what);
  requireColumns(table, ['deactivated', 'last_seen_time'], what);
  const snapshotTime = snapshotSeconds(manifest);
  const inactiveDays = checkDays(options.inactiveDays ?? DEFAULT_INACTIVE_DAYS);
  const useOnlineInfo = options.useOnlineInfo ?? true;
  const thresholdSec = inactiveDays * 86400;

  const deact = readCategory(table, 'deactivated', ['deleted', 'banned'], what);
  if (deact.firstOther !== null) {
    throw new Error(
      `status: column "deactivated" holds "${deact.firstOther}"; VK sends only "deleted" or "banned" (schema.ts). Fix the pull's mapping before auditing.`,
    );
  }
  // A copy: the cached column is shared, and non-positive times are blanked below.
  const lastSeen = readNumber(table, 'last_seen_time', what).slice();
  // online_info is optional in older snapshots: without the column, rule 3 never applies.
  const hasOnline = useOnlineInfo && table.column('online_info_status') !== undefined;
  const online = hasOnline
    ? readCategory(table, 'online_info_status', ONLINE_INFO_STATUSES, what).codes
    : null;

  const n = table.numRows();
  const codes = new Uint8Array(n);
  const basis = new Uint8Array(n);
  let unrecognised = 0;
  let firstUnrecognised: string | null = null;
  for (let i = 0; i < n; i++) {
    const d = deact.codes[i];
    if (d === 0) {
      codes[i] = DELETED;
      continue;
    }
    if (d === 1) {
      codes[i] = BANNED;
      continue;
    }
    const t = lastSeen[i];
    if (t > 0) {
      codes[i] = snapshotTime - t > thresholdSec ? INACTIVE : ACTIVE;
      basis[i] = BASIS_LAST_SEEN;
      continue;
    }
    lastSeen[i] = NaN; // 0 or negative: not a real visit time
    const s = online === null ? CODE_NULL : online[i];
    if (s === 3) {
      codes[i] = INACTIVE;
      basis[i] = BASIS_ONLINE_INFO;
    } else if (s === 0 || s === 1 || s === 2) {
      codes[i] = ACTIVE;
      basis[i] = BASIS_ONLINE_INFO;
    } else {
      codes[i] = HIDDEN;
      if (s === CODE_OTHER) unrecognised++;
    }
  }
  if (unrecognised > 0 && online !== null) {
    const r = readCategory(table, 'online_info_status', ONLINE_INFO_STATUSES, what);
    firstUnrecognised = r.firstOther;
  }
  return {
    codes,
    basis,
    lastSeen,
    snapshotTime,
    inactiveDays,
    onlineInfoUnrecognised: unrecognised,
    firstUnrecognised,
  };
}

/** Counts per status and per basis. */
export function summarizeStatus(cls: StatusClassification, level = 0.95): StatusSummary {
  const counts: Record<MemberStatus, number> = { active: 0, inactive: 0, hidden: 0, deleted: 0, banned: 0 };
  const tally = new Float64Array(5);
  const byBasis = new Float64Array(3 * 2); // basis × (active, inactive)
  const { codes, basis } = cls;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    tally[c]++;
    if (c <= INACTIVE) byBasis[basis[i] * 2 + c]++;
  }
  STATUSES.forEach((s, k) => (counts[s] = tally[k]));
  return {
    n: codes.length,
    counts,
    byLastSeen: { active: byBasis[BASIS_LAST_SEEN * 2], inactive: byBasis[BASIS_LAST_SEEN * 2 + 1] },
    byOnlineInfo: { active: byBasis[BASIS_ONLINE_INFO * 2], inactive: byBasis[BASIS_ONLINE_INFO * 2 + 1] },
    onlineInfoUnrecognised: cls.onlineInfoUnrecognised,
    snapshotTime: new Date(cls.snapshotTime * 1000).toISOString(),
    inactiveDays: cls.inactiveDays,
    level,
  };
}

const STATUS_LABELS: Record<MemberStatus, string> = {
  active: 'active',
  inactive: 'inactive',
  hidden: 'last seen hidden',
  deleted: 'deleted',
  banned: 'banned',
};

/**
 * Tidy status table: one row per status with count, share of all members and a Wilson
 * interval (src/audit/intervals.ts), plus how active/inactive were decided.
 */
export function statusTable(s: StatusSummary): ColumnTable {
  const rows = STATUSES.map((st) => {
    const iv = wilson(s.counts[st], s.n, s.level);
    return {
      status: st,
      label: STATUS_LABELS[st],
      count: s.counts[st],
      share: iv.share,
      lo: iv.lo,
      hi: iv.hi,
      denominator: 'all members',
      denominator_n: s.n,
      by_last_seen: st === 'active' ? s.byLastSeen.active : st === 'inactive' ? s.byLastSeen.inactive : null,
      by_online_info:
        st === 'active' ? s.byOnlineInfo.active : st === 'inactive' ? s.byOnlineInfo.inactive : null,
    };
  });
  return aq.from(rows);
}

export interface Rate extends Interval {
  key: string;
  label: string;
  numerator: number;
  numerator_label: string;
  denominator: number;
  denominator_label: string;
}

function rate(key: string, label: string, x: number, xl: string, n: number, nl: string, level: number): Rate {
  return {
    key,
    label,
    numerator: x,
    numerator_label: xl,
    denominator: n,
    denominator_label: nl,
    ...wilson(x, n, level),
  };
}

/** The study's combined shares, each with its numerator and denominator spelled out. */
export function statusRates(s: StatusSummary): Rate[] {
  const c = s.counts;
  const live = c.active + c.inactive + c.hidden;
  const known = c.active + c.inactive;
  const d = s.inactiveDays;
  return [
    rate(
      'deleted_or_banned',
      'deleted or banned',
      c.deleted + c.banned,
      'deleted + banned',
      s.n,
      'all members',
      s.level,
    ),
    rate(
      'not_seen',
      `not seen for more than ${d} days (deactivated included)`,
      c.deleted + c.banned + c.inactive,
      'deleted + banned + inactive',
      s.n,
      'all members',
      s.level,
    ),
    rate('active', 'active', c.active, 'active', s.n, 'all members', s.level),
    rate(
      'inactive_of_live_known',
      `inactive among live profiles with a known last visit`,
      c.inactive,
      'inactive',
      known,
      'active + inactive',
      s.level,
    ),
    rate(
      'hidden_of_live',
      'last seen hidden among live profiles',
      c.hidden,
      'hidden',
      live,
      'active + inactive + hidden',
      s.level,
    ),
  ];
}

export interface Headline {
  n: number;
  deletedOrBanned: Rate;
  notSeen: Rate;
  active: Rate;
  hidden: number;
  text: string;
}

const pct = (x: number, digits = 1): string => (Number.isFinite(x) ? `${(100 * x).toFixed(digits)}%` : 'n/a');
const int = (x: number): string => Math.round(x).toLocaleString('en-US');

/** The study's headline in computed numbers (docs/study.md: "~14% deleted or banned, ~34% not seen…"). */
export function headline(s: StatusSummary): Headline {
  const r = statusRates(s);
  const [db, ns, ac] = r;
  const lv = Math.round(s.level * 100);
  const byStatus = s.byOnlineInfo.active + s.byOnlineInfo.inactive;
  const text =
    `Of ${int(s.n)} followers, ${pct(db.share)} (${lv}% CI ${pct(db.lo)}–${pct(db.hi)}) are deleted or banned, ` +
    `${pct(ns.share)} (${pct(ns.lo)}–${pct(ns.hi)}) were not seen for more than ${s.inactiveDays} days before the snapshot ` +
    `(deactivated included, as the study counts), and ${int(ac.numerator)} (${pct(ac.share)}) are active. ` +
    (byStatus > 0
      ? `${int(byStatus)} live profiles hide their last visit and were classified by VK's coarser online_info status ` +
        `(${int(s.byOnlineInfo.inactive)} "long_ago" counted as inactive). `
      : '') +
    `${int(s.counts.hidden)} live profiles show neither and are counted in none of these.`;
  return { n: s.n, deletedOrBanned: db, notSeen: ns, active: ac, hidden: s.counts.hidden, text };
}
