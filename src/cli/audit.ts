/**
 * `npm run audit -- --snapshot DIR [--labels FILE.csv] [--json OUT] [options]`
 *
 * Prints the status table with 95% intervals and the study's headline, the peak last-seen
 * time with its bootstrap interval, the top cities and the share of bots among live
 * members (measured with a labelled sample from `npm run label-sample`, else only the
 * unvalidated bot-like share); with --json also writes them atomically to OUT.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadCities } from '../audit/cities';
import { DEFAULT_MIN_CITY_COUNT, topCities } from '../audit/geography';
import { auditJson, runAudit, type AuditOptions } from '../audit/run';
import { LabelsError } from '../bots/label-sheet';
import { readSnapshotLabels } from '../bots/labels';
import { botsLines } from '../bots/present';
import { ScorerFileError } from '../bots/scorer';
import { DEFAULT_INACTIVE_DAYS } from '../audit/status';
import { DEFAULT_RECENT_MINUTES } from '../audit/time';
import { writeJsonAtomic } from '../util/atomic-write';
import { readSnapshot, SnapshotError } from '../snapshot/read';
import { EXIT, defineCommand, oneOf, outputFile, runMain, wholeNumber, type Values } from './command';

export const auditCommand = defineCommand({
  name: 'audit',
  synopsis: '--snapshot DIR [--labels FILE.csv] [--json OUT] [options]',
  about:
    'Prints the status table with 95% intervals and the headline, the peak last-seen time with its\n' +
    'bootstrap interval, the top cities and the share of bots among live members; with --json also\n' +
    'writes them as JSON. The bot share is measured only with --labels (a sheet from npm run\n' +
    'label-sample, labelled); without it the audit gives the "bot-like share, not validated on this\n' +
    'community".',
  options: {
    snapshot: {
      type: 'string',
      value: 'DIR',
      required: true,
      help: 'a snapshot written by `npm run pull` (manifest.json + members.arrow)',
    },
    labels: {
      type: 'string',
      value: 'FILE.csv',
      help: 'a labelled sheet of this snapshot (npm run label-sample); the bot share is then measured',
    },
    json: { type: 'string', value: 'OUT', read: outputFile(), help: 'also write the results as JSON to OUT' },
    'inactive-days': {
      type: 'string',
      value: 'N',
      read: wholeNumber({ min: 1 }),
      help: `live members not seen for more than N days before the snapshot are inactive (default ${DEFAULT_INACTIVE_DAYS})`,
    },
    'min-city-count': {
      type: 'string',
      value: 'N',
      read: wholeNumber({ min: 1 }),
      help: `cities with fewer live members are pooled into "other" (default ${DEFAULT_MIN_CITY_COUNT})`,
    },
    population: {
      type: 'string',
      value: 'P',
      read: oneOf(['live', 'active']),
      help: 'activity-time population: live (default) or active',
    },
    'recent-minutes': {
      type: 'string',
      value: 'N',
      read: wholeNumber({ min: 0 }),
      help: `time of day leaves out visits from N minutes before the snapshot on (online during the pull;\ndefault ${DEFAULT_RECENT_MINUTES}, 0 keeps all)`,
    },
    cities: { type: 'string', value: 'FILE', help: 'city coordinates CSV (default data/cities.csv)' },
    'no-online-info': { type: 'boolean', help: 'do not use online_info.status when last_seen is hidden' },
    top: { type: 'string', value: 'N', read: wholeNumber({ min: 1 }), help: 'cities to print (default 15)' },
  },
  exits: [
    [EXIT.OK, 'audited (and written with --json)'],
    [EXIT.FAILED, 'the audit failed (the message says why), or an unexpected error'],
    [
      EXIT.USAGE,
      "usage: bad arguments, or a labels file that does not fit the snapshot (unknown ids, bad labels,\nanother snapshot's sample; the message names the file, the row and what to do)",
    ],
    [EXIT.DATA, 'the snapshot (or the shipped bot scorer) is missing, unfinished or damaged'],
  ],
  errors: [
    [SnapshotError, EXIT.DATA],
    [LabelsError, EXIT.USAGE],
    [ScorerFileError, EXIT.DATA],
  ],
});

export interface CliArgs {
  snapshot: string;
  labels: string | null;
  json: string | null;
  top: number;
  citiesFile: string | null;
  options: AuditOptions;
}

function cliArgs(v: Values<typeof auditCommand.spec.options>): CliArgs {
  // Only what was given: the rest takes the audit's defaults.
  const options: AuditOptions = {};
  if (v['inactive-days'] !== undefined) options.inactiveDays = v['inactive-days'];
  if (v['min-city-count'] !== undefined) options.minCityCount = v['min-city-count'];
  if (v['recent-minutes'] !== undefined) options.recentMinutes = v['recent-minutes'];
  if (v.population !== undefined) options.population = v.population;
  if (v['no-online-info']) options.useOnlineInfo = false;
  return {
    snapshot: v.snapshot,
    labels: v.labels ?? null,
    json: v.json ?? null,
    top: v.top ?? 15,
    citiesFile: v.cities ?? null,
    options,
  };
}

export function parseArgs(argv: readonly string[]): CliArgs {
  return cliArgs(auditCommand.parse(argv));
}

const pct = (x: number | null, d = 1): string =>
  x === null || !Number.isFinite(x) ? 'n/a' : `${(100 * x).toFixed(d)}%`;
const int = (x: number): string => x.toLocaleString('en-US');

function table(headers: string[], rows: string[][], right: boolean[]): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]): string =>
    cells
      .map((s, c) => (right[c] ? s.padStart(widths[c]) : s.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function run(argv: readonly string[], out: (s: string) => void = console.log): void {
  audit(parseArgs(argv), out);
}

function audit(args: CliArgs, out: (s: string) => void): void {
  const t0 = Date.now();
  const snap = readSnapshot(args.snapshot);
  const loadMs = Date.now() - t0;
  const cities = loadCities(args.citiesFile ?? undefined);
  const input = { table: snap.table, manifest: snap.manifest };
  // Labels are read (and refused) before any work, so a bad sheet fails fast.
  const labels = args.labels === null ? null : readSnapshotLabels(args.labels, input);
  const r = runAudit(input, { ...args.options, cities, bots: { labels } });
  const auditMs = Date.now() - t0 - loadMs;

  const m = snap.manifest;
  out(
    `Snapshot ${path.resolve(args.snapshot)}: ${m.group.name} (${m.group.screen_name}), ${int(r.status.n)} members, taken ${m.snapshot_time}` +
      (r.synthetic ? ' — SYNTHETIC community from the project emulator' : ''),
  );
  if (r.sample) out(`A ${r.sample.text}: the shares are estimates for all ${int(r.sample.N)} members.`);
  out('');
  out(
    `Status (inactive = live, last seen more than ${r.status.inactiveDays} days before the snapshot; shares of all ${int(r.status.n)} members, 95% ${r.sample ? 'design-based intervals over pages' : 'Wilson intervals'})`,
  );
  const st = r.statusTable.objects() as {
    label: string;
    count: number;
    share: number;
    lo: number;
    hi: number;
    by_online_info: number | null;
  }[];
  out(
    table(
      ['status', 'members', 'share', '95% interval', 'via online_info'],
      st.map((s) => [
        s.label,
        int(s.count),
        pct(s.share),
        `${pct(s.lo)}–${pct(s.hi)}`,
        s.by_online_info === null ? '' : int(s.by_online_info),
      ]),
      [false, true, true, true, true],
    ),
  );
  out('');
  out(r.headline.text);
  out('');
  out(
    `Last seen, time of day (${int(r.activity.n)} ${r.activity.population} profiles with a visible last_seen; last_seen is the last visit, not an activity log;` +
      ` ${int(r.activity.excludedRecent)} seen within ${r.activity.recentMinutes} min of the snapshot or later left out)`,
  );
  out(
    table(
      ['zone', 'group', 'peak', 'share', '95% interval of the peak', 'stability'],
      r.peaks.map((p) => [p.zone, p.group, p.start, pct(p.share, 2), p.interval, pct(p.stability, 0)]),
      [false, false, false, true, false, true],
    ),
  );
  out('');
  const g = r.geography;
  out(
    `Cities (live members; ${int(g.summary.stating.count)} of ${int(g.summary.live)} state a city = ${pct(g.summary.stating.share)}; ` +
      `cities under ${g.summary.minCount} members pooled as "other")`,
  );
  const rows = topCities(g, args.top);
  out(
    table(
      ['#', 'city', 'members', 'female', 'male', 'female share', '95% interval'],
      rows.map((c) => [
        String(c.rank),
        c.city,
        int(c.members),
        int(c.female),
        int(c.male),
        pct(c.female_share),
        `${pct(c.female_lo)}–${pct(c.female_hi)}`,
      ]),
      [true, false, true, true, true, true, true],
    ),
  );
  out(
    `${g.summary.citiesShown} cities shown, ${g.summary.otherCities} pooled in "other" (${int(g.summary.otherMembers)} members); ` +
      `${g.summary.withoutCoords.cities} shown cities (${int(g.summary.withoutCoords.members)} members) have no coordinates in ${path.basename(cities.source)}.`,
  );
  out('');
  for (const line of botsLines(r.bots!)) out(line);
  out('');
  out(`Loaded in ${loadMs} ms, audited in ${auditMs} ms.`);

  if (args.json !== null) {
    fs.mkdirSync(path.dirname(path.resolve(args.json)), { recursive: true });
    writeJsonAtomic(
      path.resolve(args.json),
      auditJson(r, {
        snapshot: { dir: path.resolve(args.snapshot), group: m.group, source: m.source, counts: m.counts },
      }),
    );
    out(`Wrote ${path.resolve(args.json)}`);
  }
}

if (require.main === module) runMain(auditCommand, (v) => audit(cliArgs(v), console.log));
