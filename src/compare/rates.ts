/**
 * The study's status shares as sets of statuses, so they can be counted on any group of
 * members: one community, the members two communities share, the members of one sampled
 * page, the members who stayed between two snapshots.
 *
 * The shares are defined once, in `statusRates` (src/audit/status.ts), from the five status
 * counts. Each numerator and denominator there is a sum of some of those counts, so the
 * sets are read off it by counting one member of each status at a time; a share that is
 * not such a sum is refused here rather than silently miscounted.
 */
import { type MemberStatus, STATUSES, statusRates, type StatusSummary } from '../audit/status';

export const STATUS_COUNT = STATUSES.length;

/** One share: which statuses count above and below the line. */
export interface RateDefinition {
  key: string;
  label: string;
  numerator_label: string;
  denominator_label: string;
  /** numerator[s] / denominator[s]: status code s (ACTIVE … BANNED) is counted. */
  numerator: readonly boolean[];
  denominator: readonly boolean[];
}

function summaryOf(counts: readonly number[], inactiveDays: number): StatusSummary {
  const c = Object.fromEntries(STATUSES.map((s, k) => [s, counts[k]])) as Record<MemberStatus, number>;
  return {
    n: counts.reduce((a, b) => a + b, 0),
    counts: c,
    byLastSeen: { active: 0, inactive: 0 },
    byOnlineInfo: { active: 0, inactive: 0 },
    onlineInfoUnrecognised: 0,
    snapshotTime: new Date(0).toISOString(),
    inactiveDays,
    level: 0.95,
  };
}

/** The shares of `statusRates`, in its order, as status sets. */
export function rateDefinitions(inactiveDays: number): RateDefinition[] {
  const unit = (k: number): number[] => STATUSES.map((_, j) => (j === k ? 1 : 0));
  const probes = STATUSES.map((_, k) => statusRates(summaryOf(unit(k), inactiveDays)));
  const defs = statusRates(summaryOf(unit(0), inactiveDays)).map((r, i) => ({
    key: r.key,
    label: r.label,
    numerator_label: r.numerator_label,
    denominator_label: r.denominator_label,
    numerator: probes.map((p) => p[i].numerator === 1),
    denominator: probes.map((p) => p[i].denominator === 1),
  }));
  // Linearity check on counts that tell every status apart (powers of two).
  const check = STATUSES.map((_, k) => 2 ** k);
  statusRates(summaryOf(check, inactiveDays)).forEach((r, i) => {
    const d = defs[i];
    if (r.numerator !== countOf(check, d.numerator) || r.denominator !== countOf(check, d.denominator)) {
      throw new Error(
        `compare: the share "${r.key}" of src/audit/status.ts is not a sum of status counts; the comparison cannot count it on parts of a community.`,
      );
    }
  });
  return defs;
}

/** Σ counts[s] over the statuses in `set`. */
export function countOf(counts: ArrayLike<number>, set: readonly boolean[]): number {
  let n = 0;
  for (let s = 0; s < STATUS_COUNT; s++) if (set[s]) n += counts[s];
  return n;
}
