/**
 * Notebook 06 (the comparison): what its cells call. The study's communities (VK_GROUPS,
 * each pulled by notebook 01 into its own snapshot) and any further snapshots
 * (STUDY_COMPARE_WITH, e.g. an earlier pull of one of them) are compared by
 * src/compare/; each section here shows one part of the result, with its numbers in the
 * prose computed, and says plainly when that part does not apply (one community only, no
 * second snapshot of a community, samples that cannot be paired).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { auditParams, formatAuditParams, type AuditParams } from '../audit/params';
import { compareSnapshots } from '../compare/compare';
import type { CompareResult, CommunitySummary, DifferenceRow, OverTimeSection } from '../compare/types';
import { unusualFindings } from '../compare/unusual';
import { SnapshotError } from '../snapshot/read';
import type { SnapshotManifest } from '../snapshot/schema';
import { showFigure } from '../viz/display';
import { overlapHeatmapFigure } from '../viz/compare/overlap';
import { transitionsSankeyFigure } from '../viz/compare/sankey';
import { differencesFigure, sharesSideBySideFigure } from '../viz/compare/shares';
import { upsetFigure } from '../viz/compare/upset';
import type { Figure } from '../viz/theme';
import { formatParams, studyParams, type Env, type ParamName, type StudyParams } from './params';
import { readManifestIfPresent, sourceBannerHtml, type DataSource } from './source';
import { finishNotebook, type NotebookSummary } from './summary';

export const COMPARE_PARAMS: readonly ParamName[] = [
  'STUDY_MEMBERS',
  'STUDY_SEED',
  'STUDY_SNAPSHOT',
  'VK_GROUP',
  'VK_GROUPS',
  'STUDY_COMPARE_WITH',
  'STUDY_SUMMARY_DIR',
];

export interface Sink {
  html(s: string): void;
  markdown(s: string): void;
}

export interface CompareStart {
  params: StudyParams;
  audit: AuditParams;
  source: DataSource;
  /** The snapshot folders compared, in order: the study's communities, then STUDY_COMPARE_WITH. */
  snapshots: { dir: string; manifest: SnapshotManifest }[];
  /** Null when there is nothing to compare (`reason` says why). */
  result: CompareResult | null;
  reason: string | null;
  sink: Sink;
  /** Whether the reason there is nothing to compare has been shown already. */
  saidWhy: boolean;
}

const int = (x: number | null): string =>
  x === null || !Number.isFinite(x) ? 'n/a' : Math.round(x).toLocaleString('en-US');
const pct = (x: number | null | undefined): string =>
  x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : `${(100 * x).toFixed(1)}%`;
const pts = (x: number): string =>
  Number.isFinite(x) ? `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)}` : 'n/a';
const cell = (s: string): string => s.replace(/\|/g, '\\|');

function tslabSink(): Sink {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('tslab') as { display: Sink }).display;
}

/** The data source of several snapshots: synthetic (loud) if any of them is. */
export function combinedSource(manifests: readonly SnapshotManifest[]): DataSource {
  const synthetic = manifests.filter((m) => m.source.kind === 'synthetic');
  const name = (m: SnapshotManifest): string =>
    `${m.group.screen_name || `club${m.group.id}`} (${m.counts.rows_written.toLocaleString('en-US')} members, ${m.snapshot_time.slice(0, 10)})`;
  if (synthetic.length > 0) {
    const all = synthetic.length === manifests.length;
    return {
      kind: 'synthetic',
      label:
        `SYNTHETIC ${all ? '' : 'and real '}communities (${all ? 'generated, not real VK users' : `${synthetic.length} of ${manifests.length} generated, not real VK users`}): ` +
        manifests.map((m) => `${name(m)}${m.source.kind === 'synthetic' ? '' : ' [real]'}`).join('; '),
      from: 'manifest',
    };
  }
  return { kind: 'vk', label: `real VK communities: ${manifests.map(name).join('; ')}`, from: 'manifest' };
}

/**
 * The parameter cell of notebook 06: banner, parameters, the snapshots, and the comparison.
 * A community notebook 01 has not pulled is an error naming its folder (as in 02–05); a
 * single snapshot is not an error: the notebook says there is nothing to compare.
 */
export function startCompare(
  opts: { env?: Env; sink?: Sink; print?: (s: string) => void } = {},
): CompareStart {
  const env = opts.env ?? process.env;
  const sink = opts.sink ?? tslabSink();
  const print = opts.print ?? console.log;
  const params = studyParams(env);
  const audit = auditParams(env);
  const rel = (abs: string): string => {
    const r = path.relative(params.repoRoot, abs);
    return r.startsWith('..') ? abs : r;
  };
  const dirs = [...params.groups.map((g) => g.snapshotDir), ...params.compareWith];
  const snapshots = dirs.map((dir, i) => {
    const manifest = readManifestIfPresent(dir);
    if (manifest === null) {
      throw new SnapshotError(
        i < params.groups.length
          ? `No finished snapshot in ${rel(dir)}: run notebook 01 (the pull) first — \`npm run report\` runs the notebooks in order — or point STUDY_SNAPSHOT at a folder written by \`npm run pull\`.`
          : `STUDY_COMPARE_WITH names ${rel(dir)}, which holds no finished snapshot: point it at folders written by \`npm run pull\`, or unset it.`,
      );
    }
    return { dir, manifest };
  });
  const source = combinedSource(snapshots.map((s) => s.manifest));
  sink.html(sourceBannerHtml(source));
  print(formatParams(params, COMPARE_PARAMS, env));
  print(formatAuditParams(audit, env));
  let result: CompareResult | null = null;
  let reason: string | null = null;
  const unique = [...new Set(dirs.map((d) => path.resolve(d)))];
  if (unique.length < 2) {
    const m = snapshots[0].manifest;
    reason =
      `This study has one community, ${m.group.screen_name || `club${m.group.id}`}, and no other snapshot, so there is nothing to compare. ` +
      `Set VK_GROUPS=a,b,c (with VK_TOKEN) to pull and compare several communities, or STUDY_COMPARE_WITH to a folder holding an earlier snapshot of this one to see it over time.`;
  } else {
    result = compareSnapshots(unique, {
      inactiveDays: audit.inactiveDays,
      minCityCount: audit.minCityCount,
      recentMinutes: audit.recentMinutes,
    });
  }
  print(
    [
      `Snapshots (${snapshots.length}):`,
      ...snapshots.map(
        (s) =>
          `  ${rel(s.dir)}: ${s.manifest.group.name} (${s.manifest.group.screen_name}, id ${s.manifest.group.id}), ` +
          `${s.manifest.counts.rows_written.toLocaleString('en-US')} rows, taken ${s.manifest.snapshot_time}`,
      ),
    ].join('\n'),
  );
  return { params, audit, source, snapshots, result, reason, sink, saidWhy: false };
}

/**
 * True (and says why) when the section has nothing to show: no comparison at all (the reason
 * in full the first time, then a pointer to it), or `why` this section does not apply.
 */
function notApplicable(c: CompareStart, why: string | null): boolean {
  if (c.result && why === null) return false;
  if (c.result) c.sink.markdown(`*${why}*`);
  else c.sink.markdown(c.saidWhy ? '*Nothing to compare (see above).*' : `*${c.reason}*`);
  c.saidWhy = true;
  return true;
}

function communityName(x: CommunitySummary): string {
  return x.kind === 'sample' ? `${x.key} (${x.sample!.text})` : x.key;
}

/** The communities side by side: size, peak, cities, and every share with its interval. */
export function showShares(c: CompareStart, figure: (f: Figure) => void = showFigure): void {
  if (notApplicable(c, null)) return;
  const r = c.result!;
  const lv = Math.round(r.level * 100);
  const shares = r.communities[0].shares;
  c.sink.markdown(
    [
      `| community | kind | members | snapshot | peak (UTC) | top cities | ${shares.map((s) => cell(s.label)).join(' | ')} |`,
      `| --- | --- | ---: | --- | --- | --- | ${shares.map(() => '---:').join(' | ')} |`,
      ...r.communities.map((x) => {
        const p = x.peaks.find((q) => q.zone === 'UTC');
        return (
          `| ${cell(communityName(x))} | ${x.kind} | ${int(x.members)} | ${x.snapshot_time.slice(0, 10)} | ${p ? `${p.start} (${p.interval})` : 'n/a'} | ` +
          `${cell(x.top_cities.map((t) => `${t.city} ${pct(t.share_of_stating)}`).join(', ') || 'none stated')} | ` +
          `${x.shares.map((s) => `${pct(s.share)} (${pct(s.lo)}–${pct(s.hi)})`).join(' | ')} |`
        );
      }),
      '',
      `Shares with ${lv}% intervals (${r.communities.some((x) => x.kind === 'sample') ? 'Wilson for a census, design-based over pages for a sample' : 'Wilson'}); ` +
        `inactive = live and not seen for more than ${r.inactive_days} days; the peak is the half hour most members were last seen in, with its bootstrap interval.`,
    ].join('\n'),
  );
  figure(sharesSideBySideFigure(r.communities));
}

/** Every pair's differences in one chart per headline share, and the whole table. */
export function showDifferences(
  c: CompareStart,
  keys: readonly string[] = ['deleted_or_banned', 'not_seen'],
  figure: (f: Figure) => void = showFigure,
): void {
  if (
    notApplicable(
      c,
      c.result && c.result.differences.length === 0
        ? 'Only one community side by side: no pairs to difference.'
        : null,
    )
  )
    return;
  const r = c.result!;
  for (const k of keys)
    if (r.differences.some((d) => d.key === k && Number.isFinite(d.difference)))
      figure(differencesFigure(r.differences, k));
  const lv = Math.round(r.level * 100);
  const methods = [...new Set(r.differences.map((d) => d.method))];
  c.sink.markdown(
    [
      `| a | b | share | a | b | a − b, points (${lv}% interval) |`,
      '| --- | --- | --- | ---: | ---: | ---: |',
      ...r.differences.map(
        (d: DifferenceRow) =>
          `| ${d.a} | ${d.b} | ${cell(d.label)} | ${pct(d.share_a)} | ${pct(d.share_b)} | ${pts(d.difference)} (${pts(d.lo)} to ${pts(d.hi)}) |`,
      ),
      '',
      `Intervals: ${methods.join('; ')} (docs/compare.md).`,
    ].join('\n'),
  );
}

/** The overlap heatmap and table. */
export function showOverlap(c: CompareStart, figure: (f: Figure) => void = showFigure): void {
  if (
    notApplicable(
      c,
      c.result && c.result.overlap.length === 0
        ? 'Only one community side by side: no overlap to measure.'
        : null,
    )
  )
    return;
  const r = c.result!;
  figure(
    overlapHeatmapFigure(
      r.communities.map((x) => x.key),
      r.overlap,
    ),
  );
  c.sink.markdown(
    [
      '| a | b | members in common | of a in b | of b in a | Jaccard | |',
      '| --- | --- | ---: | ---: | ---: | ---: | --- |',
      ...r.overlap.map(
        (o) =>
          `| ${o.a} | ${o.b} | ${int(o.common)}${o.common_lo !== undefined ? ` (${int(o.common_lo)}–${int(o.common_hi!)})` : ''} | ${pct(o.share_of_a_in_b)} | ${pct(o.share_of_b_in_a)} | ` +
          `${Number.isFinite(o.jaccard) ? o.jaccard.toFixed(3) : 'n/a'} | ${o.exact ? 'exact' : cell(o.note ?? 'estimated')} |`,
      ),
    ].join('\n'),
  );
}

/** The UpSet chart of shared audiences (up to six communities pulled in full). */
export function showUpset(c: CompareStart, figure: (f: Figure) => void = showFigure): void {
  if (
    notApplicable(
      c,
      c.result && c.result.upset === null
        ? 'Fewer than two communities were pulled in full, so shared audiences cannot be counted (a sample covers random pages only).'
        : null,
    )
  )
    return;
  const u = c.result!.upset!;
  figure(upsetFigure(u));
  const only = u.intersections.filter((i) => i.sets.length === 1).reduce((n, i) => n + i.count, 0);
  const all = u.intersections.find((i) => i.sets.length === u.sets.length);
  c.sink.markdown(
    `${int(u.union)} people follow at least one of ${u.sets.map((s) => s.key).join(', ')}; ` +
      `${int(only)} (${pct(only / u.union)}) follow exactly one of them, ${int(all?.count ?? 0)} (${pct((all?.count ?? 0) / u.union)}) follow all ${u.sets.length}.`,
  );
}

/**
 * "What is unusual", as sentences from the numbers, and the comparison's notes. Returns
 * nothing, so that the notebook cell shows only the sentences.
 */
export function showUnusual(c: CompareStart): void {
  if (notApplicable(c, null)) return;
  const r = c.result!;
  const findings = unusualFindings(r);
  c.sink.markdown(
    [
      ...(findings.length > 0
        ? findings.map((f) => `- ${f}`)
        : [
            "- Nothing stands out by the stated rules: no share is above or below every other community's by two points or more with an interval excluding zero.",
          ]),
      ...(r.notes.length > 0
        ? ['', '**What this comparison can and cannot do**', '', ...r.notes.map((n) => `- ${n}`)]
        : []),
    ].join('\n'),
  );
}

function overTimeTable(o: OverTimeSection, level: number): string {
  const lv = Math.round(level * 100);
  const lines = [
    `**${o.group.screen_name}**, ${o.older.snapshot_time} → ${o.newer.snapshot_time} (${o.days.toFixed(1)} days).`,
    '',
  ];
  if (o.exact) {
    const b = o.banned_between!;
    lines.push(
      `${int(o.joined)} joined, ${int(o.left)} left (${pct(o.left! / (o.left! + o.stayed!))} of the older list), ${int(o.stayed)} stayed. ` +
        `VK banned ${int(b.total)} between the snapshots: ${int(b.stayers)} members at both times and ${int(b.joiners)} newcomers already banned.`,
      '',
      '| status then → now | stayers | share of "then" |',
      '| --- | ---: | ---: |',
      ...o
        .transitions!.filter((t) => t.count > 0)
        .map((t) => `| ${t.from} → ${t.to} | ${int(t.count)} | ${pct(t.share_of_from)} |`),
      '',
    );
  }
  lines.push(
    `| share | older | newer | change, points (${lv}% interval) |`,
    '| --- | ---: | ---: | ---: |',
    ...o.differences.map(
      (d) =>
        `| ${cell(d.label)} | ${pct(d.share_b)} | ${pct(d.share_a)} | ${pts(d.difference)} (${pts(d.lo)} to ${pts(d.hi)}) |`,
    ),
    ...o.notes.map((n) => `\n*${n}*`),
  );
  return lines.join('\n');
}

/** Each community given at two times: churn, the stayers' transitions, and the flow chart. */
export function showOverTime(c: CompareStart, figure: (f: Figure) => void = showFigure): void {
  if (
    notApplicable(
      c,
      c.result && c.result.over_time.length === 0
        ? 'No community was given at two times, so there is no flow over time: set STUDY_COMPARE_WITH to a folder holding an earlier snapshot of one of the communities.'
        : null,
    )
  )
    return;
  const r = c.result!;
  for (const o of r.over_time) {
    c.sink.markdown(overTimeTable(o, r.level));
    if (o.sankey) figure(transitionsSankeyFigure(o));
  }
}

interface TruthFile {
  format: string;
  communities: { group_id: number; screen_name: string; members: number }[];
  overlaps: { a: number; b: number; common: number }[];
}

/** The emulator's truth notebook 01 saved, or null (a real study, or no file). */
export function readTruth(c: CompareStart): TruthFile | null {
  const file = c.params.truthFile;
  if (file === null || !fs.existsSync(file)) return null;
  const t = JSON.parse(fs.readFileSync(file, 'utf8')) as TruthFile;
  if (t.format !== 'vk-audience-study/emulator-truth') {
    throw new Error(
      `${file} is not the emulator's truth file (format "${String(t.format)}"): delete it and run notebook 01 again.`,
    );
  }
  return t;
}

/**
 * For the synthetic study: the measured overlaps and sizes beside the emulator's exact truth
 * (the communities are drawn from one population, so every overlap is known).
 */
export function showTruth(c: CompareStart): void {
  if (notApplicable(c, null)) return;
  const r = c.result!;
  const truth = c.source.kind === 'synthetic' ? readTruth(c) : null;
  if (truth === null) {
    c.sink.markdown(
      c.source.kind === 'synthetic'
        ? '*No emulator truth file next to the snapshot (notebook 01 writes it): nothing to check against.*'
        : '*Real communities: there is no known truth to check against.*',
    );
    return;
  }
  const idOf = new Map(r.communities.map((x) => [x.key, x.group.id]));
  const sizeOf = new Map(truth.communities.map((x) => [x.group_id, x.members]));
  const rows: string[] = [];
  let differ = 0;
  let checked = 0;
  for (const o of r.overlap) {
    const a = idOf.get(o.a)!;
    const b = idOf.get(o.b)!;
    const t = truth.overlaps.find((x) => (x.a === a && x.b === b) || (x.a === b && x.b === a));
    if (!t || !o.exact) continue;
    checked++;
    if (t.common !== o.common) differ++;
    rows.push(
      `| ${o.a} | ${o.b} | ${int(o.common)} | ${int(t.common)} | ${t.common === o.common ? 'exact' : `off by ${int(o.common - t.common)}`} |`,
    );
  }
  const sizes = r.communities.filter((x) => sizeOf.has(x.group.id));
  const sizeOff = sizes.filter((x) => x.kind === 'census' && sizeOf.get(x.group.id) !== x.members);
  c.sink.markdown(
    [
      `Checked against the emulator's truth: ${checked - differ} of ${checked} overlaps counted exactly; ` +
        `${sizes.length - sizeOff.length} of ${sizes.length} community sizes equal the truth` +
        `${sizeOff.length ? ` (${sizeOff.map((x) => x.key).join(', ')} differ: members joined or left after the pull)` : ''}.`,
      '',
      '| a | b | measured in common | truth | |',
      '| --- | --- | ---: | ---: | --- |',
      ...rows,
    ].join('\n'),
  );
}

/** The "what we learned" cell of notebook 06: records the summary for the index page and shows it. */
export function finishCompare(
  c: CompareStart,
  opts: { env?: Env; sink?: Pick<Sink, 'markdown'> } = {},
): void {
  summarizeCompare(c, opts);
}

export function summarizeCompare(
  c: CompareStart,
  opts: { env?: Env; sink?: Pick<Sink, 'markdown'> } = {},
): NotebookSummary {
  const r = c.result;
  const sink = opts.sink ?? c.sink;
  if (r === null) {
    return finishNotebook(
      { notebook: '06-compare', source: c.source, headline: c.reason!, items: [] },
      { env: opts.env, sink },
    );
  }
  const findings = unusualFindings(r);
  const known = r.overlap.filter((o) => Number.isFinite(o.share_of_a_in_b));
  const best = known.length
    ? known.reduce((m, o) =>
        Math.max(o.share_of_a_in_b, o.share_of_b_in_a) > Math.max(m.share_of_a_in_b, m.share_of_b_in_a)
          ? o
          : m,
      )
    : null;
  const headline =
    findings[0] ??
    `${r.communities.length} communities compared${r.over_time.length ? `, ${r.over_time.length} over time` : ''}: nothing stands out by the stated rules.`;
  return finishNotebook(
    {
      notebook: '06-compare',
      source: c.source,
      headline,
      items: [
        {
          label: 'communities side by side',
          value: r.communities.map((x) => `${x.key} (${int(x.members)})`).join(', '),
        },
        ...(best
          ? [
              {
                label: 'largest overlap',
                value: `${best.a} × ${best.b}: ${int(best.common)} in common, Jaccard ${best.jaccard.toFixed(3)}`,
              },
            ]
          : []),
        ...r.over_time.map((o) => ({
          label: `${o.group.screen_name} over ${Math.round(o.days)} days`,
          value: o.exact
            ? `${int(o.joined)} joined, ${int(o.left)} left, ${int(o.stayed)} stayed, ${int(o.banned_between!.total)} banned between`
            : 'shares only (a sample)',
        })),
        { label: 'findings', value: String(findings.length) },
      ],
    },
    { env: opts.env, sink },
  );
}
