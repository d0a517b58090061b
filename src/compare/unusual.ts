/**
 * "What is unusual", in sentences computed from the comparison's numbers, for the notebook
 * and the CLI. The rules are deliberately few and stated (docs/compare.md, "What is
 * unusual"):
 *  - a community whose share is above (or below) every other community's, each difference
 *    with an interval excluding zero and at least `minDifference` (two points) in size:
 *    at millions of members every difference is "significant", few are worth a sentence;
 *  - the largest audience overlap, as the share of the smaller audience also in the other;
 *  - over time: the members VK banned between the snapshots, churn, and a share whose
 *    change has an interval excluding zero and is at least `minDifference`.
 */
import type { CompareResult, DifferenceRow } from './types';

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const pts = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)}`;
const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const ci = (lo: number, hi: number, level: number): string =>
  `${Math.round(level * 100)}% CI ${pts(lo)} to ${pts(hi)} points`;

/** The difference "x − y" of one share, whichever order the pair was stored in. */
function diffOf(rows: readonly DifferenceRow[], key: string, x: string, y: string): DifferenceRow | null {
  const d = rows.find((r) => r.key === key && r.a === x && r.b === y);
  if (d) return d;
  const e = rows.find((r) => r.key === key && r.a === y && r.b === x);
  if (!e) return null;
  return {
    ...e,
    a: x,
    b: y,
    share_a: e.share_b,
    share_b: e.share_a,
    difference: -e.difference,
    lo: -e.hi,
    hi: -e.lo,
  };
}

export interface UnusualOptions {
  /** A difference is reported only from this size on (default 0.02: two percentage points). */
  minDifference?: number;
}

export function unusualFindings(r: CompareResult, options: UnusualOptions = {}): string[] {
  const min = options.minDifference ?? 0.02;
  const out: string[] = [];
  const keys = r.communities.map((c) => c.key);
  const shareKeys = r.communities[0]?.shares.map((s) => s.key) ?? [];
  if (keys.length >= 2) {
    for (const sk of shareKeys) {
      for (const x of keys) {
        const others = keys.filter((y) => y !== x).map((y) => diffOf(r.differences, sk, x, y));
        if (others.some((d) => d === null || !Number.isFinite(d.lo))) continue;
        const ds = others as DifferenceRow[];
        const dir = ds.every((d) => d.lo > 0 && d.difference >= min)
          ? 'above'
          : ds.every((d) => d.hi < 0 && d.difference <= -min)
            ? 'below'
            : null;
        if (!dir) continue;
        const closest = ds.reduce((m, d) => (Math.abs(d.difference) < Math.abs(m.difference) ? d : m));
        const share = r.communities.find((c) => c.key === x)!.shares.find((s) => s.key === sk)!;
        out.push(
          `${x}: ${share.label} ${pct(share.share)}, ${dir} ${keys.length === 2 ? 'the other community' : `each of the other ${keys.length - 1} communities`} ` +
            `(closest: ${closest.b} at ${pct(closest.share_b)}, a difference of ${pts(closest.difference)} points, ${ci(closest.lo, closest.hi, r.level)}).`,
        );
      }
    }
  }
  const known = r.overlap.filter((o) => Number.isFinite(o.share_of_a_in_b));
  if (known.length > 0) {
    const best = known.reduce((m, o) =>
      Math.max(o.share_of_a_in_b, o.share_of_b_in_a) > Math.max(m.share_of_a_in_b, m.share_of_b_in_a) ? o : m,
    );
    const aInB = best.share_of_a_in_b >= best.share_of_b_in_a;
    const [from, to, share] = aInB
      ? [best.a, best.b, best.share_of_a_in_b]
      : [best.b, best.a, best.share_of_b_in_a];
    out.push(
      `The largest audience overlap: ${pct(share)} of ${from}'s members also follow ${to} ` +
        `(${int(best.common)} members in common${best.exact ? '' : ', estimated from a sample'}; Jaccard index ${best.jaccard.toFixed(3)}).`,
    );
  }
  for (const o of r.over_time) {
    const span = `between ${o.older.snapshot_time.slice(0, 10)} and ${o.newer.snapshot_time.slice(0, 10)} (${Math.round(o.days)} days)`;
    if (o.exact && o.joined !== null && o.left !== null && o.stayed !== null) {
      out.push(
        `${o.group.screen_name} ${span}: ${int(o.joined)} joined, ${int(o.left)} left (${pct(o.left / (o.left + o.stayed))} of the older list), ${int(o.stayed)} stayed.`,
      );
      const b = o.banned_between!;
      if (b.total > 0) {
        out.push(
          `VK banned ${int(b.total)} members of ${o.group.screen_name} ${span}: ${int(b.stayers)} who were members at both times ` +
            `(${pct(b.stayers / o.stayed)} of those who stayed) and ${int(b.joiners)} who joined in between — the closest thing to a bot label VK gives.`,
        );
      }
    }
    for (const d of o.differences) {
      if (!(d.lo > 0 || d.hi < 0) || Math.abs(d.difference) < min) continue;
      out.push(
        `${o.group.screen_name}: ${d.label} went from ${pct(d.share_b)} to ${pct(d.share_a)} ${span} (${pts(d.difference)} points, ${ci(d.lo, d.hi, r.level)}).`,
      );
    }
  }
  for (const c of r.communities)
    if (c.sample) out.push(`${c.key}'s figures are estimates: a ${c.sample.text}.`);
  return out;
}
