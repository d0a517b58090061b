/**
 * The comparison as plain text, for a terminal: a table of the communities, the largest
 * audience overlaps, each over-time section, what is unusual, and what could not be done.
 * Every figure comes from the result; the JSON (`compareJson`) holds all of them.
 */
import type { CompareResult, CommunitySummary } from './types';
import { unusualFindings } from './unusual';

const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : 'n/a');
const int = (x: number | null): string =>
  x === null || !Number.isFinite(x) ? 'n/a' : Math.round(x).toLocaleString('en-US');

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

export function compareText(r: CompareResult, options: { overlaps?: number } = {}): string {
  const lv = Math.round(r.level * 100);
  const out: string[] = [];
  const shareKeys = ['deleted_or_banned', 'not_seen', 'active'];
  const labels = shareKeys.map((k) => r.communities[0]?.shares.find((s) => s.key === k)?.label ?? k);
  out.push(
    `Communities side by side (shares of all members, ${lv}% intervals; inactive = not seen for more than ${r.inactive_days} days)`,
  );
  out.push(
    ...table(
      [
        'community',
        'kind',
        'members',
        'snapshot',
        ...labels.map((l) => l.replace(/ \(.*\)$/, '')),
        'peak (UTC)',
      ],
      r.communities.map((c) => [
        c.key,
        c.kind,
        int(c.members),
        c.snapshot_time.slice(0, 10),
        ...shareKeys.map((k) => shareCell(c, k)),
        c.peaks.find((p) => p.zone === 'UTC')?.interval ?? 'n/a',
      ]),
      [false, false, true, false, true, true, true, false],
    ),
  );
  const known = r.overlap.filter((o) => Number.isFinite(o.share_of_a_in_b));
  if (known.length > 0) {
    const n = options.overlaps ?? 10;
    const top = [...known].sort(
      (x, y) =>
        Math.max(y.share_of_a_in_b, y.share_of_b_in_a) - Math.max(x.share_of_a_in_b, x.share_of_b_in_a),
    );
    out.push('', `Audience overlap (the ${Math.min(n, top.length)} largest of ${r.overlap.length} pairs)`);
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
            o.jaccard.toFixed(3),
            o.exact ? 'exact' : 'estimated',
          ]),
        [false, false, true, true, true, true, false],
      ),
    );
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
        out.push(
          ...table(
            ['  from', 'to', 'stayers', 'of "from"'],
            moved.map((t) => [`  ${t.from}`, t.to, int(t.count), pct(t.share_of_from)]),
            [false, false, true, true],
          ),
        );
      }
    }
    for (const n of o.notes) out.push(`  note: ${n}`);
  }
  const findings = unusualFindings(r);
  if (findings.length > 0) out.push('', 'What is unusual', ...findings.map((f) => `  - ${f}`));
  if (r.notes.length > 0) out.push('', 'Notes', ...r.notes.map((n) => `  - ${n}`));
  return out.join('\n');
}
