/**
 * The comparison as plain text, for a terminal: every community (members, peak, top
 * cities), every status share with its interval, every pair's differences and audience
 * overlap, each over-time section, what is unusual, and what could not be done. Every
 * figure comes from the result; the JSON (`compareJson`) holds all of them.
 */
import type { CompareResult, CommunitySummary, DifferenceRow } from './types';
import { unusualFindings } from './unusual';

const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : 'n/a');
const pts = (x: number): string =>
  Number.isFinite(x) ? `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)}` : 'n/a';
const int = (x: number | null): string =>
  x === null || !Number.isFinite(x) ? 'n/a' : Math.round(x).toLocaleString('en-US');

/** Column headers for the shares of src/audit/status.ts; the legend under the table spells each out. */
const SHORT: Record<string, string> = {
  deleted_or_banned: 'deleted/banned',
  not_seen: 'not seen',
  active: 'active',
  inactive_of_live_known: 'inactive of known',
  hidden_of_live: 'hidden of live',
};

function table(headers: string[], rows: string[][], right: boolean[]): string[] {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]): string =>
    cells
      .map((s, c) => (right[c] ? s.padStart(widths[c]) : s.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

function shareCell(c: CommunitySummary, key: string): string {
  const s = c.shares.find((x) => x.key === key);
  return s ? `${pct(s.share)} (${pct(s.lo)}–${pct(s.hi)})` : 'n/a';
}

function differenceCell(d: DifferenceRow | undefined): string {
  return d ? `${pts(d.difference)} (${pts(d.lo)} to ${pts(d.hi)})` : 'n/a';
}

export interface CompareTextOptions {
  /** Overlap rows printed, the largest first (default: every pair). */
  overlaps?: number;
}

export function compareText(r: CompareResult, options: CompareTextOptions = {}): string {
  const lv = Math.round(r.level * 100);
  const out: string[] = [];
  const shares = r.communities[0]?.shares ?? [];
  const keys = shares.map((s) => s.key);
  const head = (k: string): string => SHORT[k] ?? k;

  out.push(
    `Communities (${r.communities.length}; activity peak = the half hour most members were last seen in, UTC, with its ${lv}% bootstrap interval)`,
  );
  out.push(
    ...table(
      [
        'community',
        'kind',
        'members',
        'snapshot',
        'peak (UTC)',
        `${lv}% interval`,
        'top cities (share of members stating a city)',
      ],
      r.communities.map((c) => {
        const p = c.peaks.find((x) => x.zone === 'UTC');
        return [
          c.key,
          c.kind,
          int(c.members),
          c.snapshot_time.slice(0, 10),
          p?.start ?? 'n/a',
          p?.interval ?? 'n/a',
          c.top_cities.map((t) => `${t.city} ${pct(t.share_of_stating)}`).join(', ') || 'none stated',
        ];
      }),
      [false, false, true, false, false, false, false],
    ),
  );
  for (const c of r.communities) if (c.sample) out.push(`  ${c.key}: ${c.sample.text}`);

  out.push(
    '',
    `Status shares (${lv}% intervals: Wilson for a census, design-based for a sample; inactive = not seen for more than ${r.inactive_days} days)`,
  );
  out.push(
    ...table(
      ['community', ...keys.map(head)],
      r.communities.map((c) => [c.key, ...keys.map((k) => shareCell(c, k))]),
      [false, ...keys.map(() => true)],
    ),
  );
  for (const s of shares)
    out.push(`  ${head(s.key)}: ${s.label} = ${s.numerator_label} / ${s.denominator_label}`);

  if (r.differences.length > 0) {
    const pairs = new Map<string, DifferenceRow[]>();
    for (const d of r.differences) {
      const k = `${d.a}\u0000${d.b}`;
      pairs.set(k, [...(pairs.get(k) ?? []), d]);
    }
    out.push(
      '',
      `Differences of the shares, a − b in percentage points (${lv}% intervals; shared members paired where both are censuses)`,
    );
    out.push(
      ...table(
        ['a', 'b', ...keys.map(head), 'method'],
        [...pairs.values()].map((rows) => [
          rows[0].a,
          rows[0].b,
          ...keys.map((k) => differenceCell(rows.find((d) => d.key === k))),
          rows[0].method,
        ]),
        [false, false, ...keys.map(() => true), false],
      ),
    );
  }

  if (r.overlap.length > 0) {
    const n = Math.min(options.overlaps ?? r.overlap.length, r.overlap.length);
    const size = (x: number): number => (Number.isFinite(x) ? x : -1);
    const top = [...r.overlap].sort(
      (x, y) =>
        Math.max(size(y.share_of_a_in_b), size(y.share_of_b_in_a)) -
        Math.max(size(x.share_of_a_in_b), size(x.share_of_b_in_a)),
    );
    out.push(
      '',
      n === r.overlap.length
        ? `Audience overlap (every pair, the largest first)`
        : `Audience overlap (the ${n} largest of ${r.overlap.length} pairs)`,
    );
    out.push(
      ...table(
        ['a', 'b', 'in common', 'of a in b', 'of b in a', 'Jaccard', ''],
        top
          .slice(0, n)
          .map((o) => [
            o.a,
            o.b,
            int(o.common),
            pct(o.share_of_a_in_b),
            pct(o.share_of_b_in_a),
            Number.isFinite(o.jaccard) ? o.jaccard.toFixed(3) : 'n/a',
            o.exact ? 'exact' : Number.isFinite(o.common) ? 'estimated' : 'cannot be estimated',
          ]),
        [false, false, true, true, true, true, false],
      ),
    );
    for (const o of top.slice(0, n)) if (o.note) out.push(`  ${o.a} × ${o.b}: ${o.note}`);
  }

  for (const o of r.over_time) {
    out.push(
      '',
      `${o.group.screen_name} over time: ${o.older.snapshot_time} → ${o.newer.snapshot_time} (${o.days.toFixed(1)} days)`,
    );
    if (o.exact) {
      out.push(`  joined ${int(o.joined)}, left ${int(o.left)}, stayed ${int(o.stayed)}`);
      out.push(
        `  banned between the snapshots: ${int(o.banned_between!.total)} (${int(o.banned_between!.stayers)} stayers, ${int(o.banned_between!.joiners)} newcomers); ` +
          `deleted: ${int(o.deleted_between!.total)}`,
      );
      const moved = o.transitions!.filter((t) => t.from !== t.to && t.count > 0);
      if (moved.length > 0) {
        out.push('  stayers whose status changed:');
        out.push(
          ...table(
            ['  from', 'to', 'stayers', 'of "from"'],
            moved.map((t) => [`  ${t.from}`, t.to, int(t.count), pct(t.share_of_from)]),
            [false, false, true, true],
          ),
        );
      }
    }
    out.push(
      ...table(
        ['  share', 'older', 'newer', `change, points (${lv}% interval)`],
        o.differences.map((d) => [`  ${head(d.key)}`, pct(d.share_b), pct(d.share_a), differenceCell(d)]),
        [false, true, true, true],
      ),
    );
    for (const n of o.notes) out.push(`  note: ${n}`);
  }
  const findings = unusualFindings(r);
  if (findings.length > 0) out.push('', 'What is unusual', ...findings.map((f) => `  - ${f}`));
  if (r.notes.length > 0)
    out.push('', 'What this comparison can and cannot do', ...r.notes.map((n) => `  - ${n}`));
  return out.join('\n');
}
