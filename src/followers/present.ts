/**
 * Text for notebook 05, built from computed values only (no number in the prose is typed
 * by hand): the preparation table, the diagnostics verdict, the truth comparison, the
 * progress line and "what we learned". Pure functions returning HTML or Markdown.
 */
import type { ChainProgress } from '../model/types';
import type { FitInit } from '../model/fit';
import type { CacheOutcome } from './cache';
import { OTHER_NAME, PREDICTORS } from './coding';
import type { TruthComparison, TruthRow } from './compare';
import { formatMultiplier, formatPercent, type Finding, type PopulationEffect } from './effects';
import type { NameEffect } from './names';
import { levelCounts, type FollowerTable } from './prepare';
import type { Verdict } from './verdict';
import type { ModelComparison } from './fit';
import { htmlTable, type Column } from '../viz/tables';

const fmt = (n: number): string => n.toLocaleString('en-US');
const pct = (part: number, whole: number, digits = 1): string => `${((100 * part) / whole).toFixed(digits)}%`;

/** Which rows are modelled and why the others are not, in one paragraph. */
export function prepCountsMarkdown(t: FollowerTable): string {
  const c = t.counts;
  const ex = c.excluded;
  const left: string[] = [];
  if (ex.sexNotStated) left.push(`${fmt(ex.sexNotStated)} without sex stated`);
  if (ex.noFirstName) left.push(`${fmt(ex.noFirstName)} without a first name`);
  if (ex.noFollowersCount) left.push(`${fmt(ex.noFollowersCount)} without followers_count`);
  if (ex.subsample) left.push(`${fmt(ex.subsample)} outside the MODEL_MAX_ROWS subsample`);
  const missing = Object.entries(c.missingAsDefault)
    .filter(([, n]) => n > 0)
    .map(([f, n]) => `${f} ${fmt(n)}`);
  const p = t.pooling;
  return [
    `**${fmt(c.modelled)} profiles are modelled** of ${fmt(c.members)} members: ${fmt(c.deleted)} deleted and ${fmt(c.banned)} banned ` +
      `profiles are left out (the model uses live profiles only: ${fmt(c.live)}, ${pct(c.live, c.members)})` +
      (left.length ? `, and among live profiles ${left.join(', ')}.` : '.'),
    '',
    `First names: ${fmt(p.distinct)} distinct; ` +
      (p.pooledNames > 0
        ? `${fmt(p.pooledNames)} names with fewer than ${p.minNameCount} profiles (${fmt(p.pooledRows)} profiles, ${pct(p.pooledRows, c.modelled)}) are pooled into one level "${OTHER_NAME}", leaving ${fmt(t.names.levels.length)} levels of the name effect.`
        : `every name is its own level (${fmt(t.names.levels.length)} levels).`),
    '',
    missing.length
      ? `Fields missing on modelled profiles, read as the first level as the coding says: ${missing.join(', ')}.`
      : 'No modelled profile lacks a predictor field.',
    ...(t.droppedPredictors.length
      ? [
          '',
          `Left out of the formula because they have a single level in this table: ${t.droppedPredictors.join(', ')}.`,
        ]
      : []),
    '',
    `Formula: \`${t.formula}\`, family negative binomial (NB2, log link).`,
  ].join('\n');
}

/** The one short table of codings: predictor, VK field, levels with profiles per level (reference first), rule. */
export function prepTableHtml(t: FollowerTable): string {
  const counts = levelCounts(t);
  const rows = PREDICTORS.map((p) => [
    `${p.name} — ${p.label}`,
    p.fields,
    p.levels.map((l, k) => `${l}${k === 0 ? ' (reference)' : ''}: ${fmt(counts[p.name][k])}`).join('; '),
    p.rule,
  ]);
  rows.push([
    'first_name — group effect (1 | first_name)',
    'first_name',
    `${fmt(t.names.levels.length)} levels; median ${fmt(median(Array.from(t.names.rows)))} profiles per level`,
    `as VK sends it; names with fewer than ${t.pooling.minNameCount} profiles → "${OTHER_NAME}"`,
  ]);
  const text = (header: string, j: number): Column<string[]> => ({ header, value: (r) => r[j] });
  return htmlTable(rows, [
    text('Predictor', 0),
    text('Snapshot column', 1),
    text('Levels: profiles', 2),
    text('Coding', 3),
  ]);
}

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** "chain 1: 420/1000 warmup · chain 2: …" */
export function progressLine(latest: ReadonlyMap<number, ChainProgress>, chains: number): string {
  const parts: string[] = [];
  for (let k = 1; k <= chains; k++) {
    const p = latest.get(k);
    if (!p) parts.push(`chain ${k}: waiting`);
    else {
      const phase = p.iteration >= p.iter ? 'done' : p.warmup ? 'warmup' : 'sampling';
      parts.push(
        `chain ${k}: ${p.iteration}/${p.iter} ${phase}${p.divergences ? `, ${p.divergences} divergent` : ''} (${p.elapsedSeconds.toFixed(0)} s)`,
      );
    }
  }
  return parts.join(' · ');
}

export function cacheLine(c: CacheOutcome): string {
  switch (c.status) {
    case 'hit':
      return `Loaded the fit from the cache (${c.file}) in ${c.seconds.toFixed(1)} s: this model, data and settings were fitted before.`;
    case 'miss':
      return `Fitted in ${c.seconds.toFixed(1)} s and cached as ${c.file}; re-running reuses it.`;
    case 'refit':
      return `Fitted in ${c.seconds.toFixed(1)} s; the cached file was unusable (${c.warning}) and has been replaced.`;
    case 'off':
      return `Fitted in ${c.seconds.toFixed(1)} s (cache off: MODEL_CACHE_DIR=off).`;
  }
}

/** How the chains were started, in a sentence (src/model/init/starts.ts). */
export function initLine(init: FitInit): string {
  if (init.used === 'laplace') {
    const sd =
      init.logWeightSd !== undefined
        ? `; sd of log importance weights ${init.logWeightSd.toFixed(2)}, i.e. close to normal`
        : '';
    const cost =
      init.evaluations > 0
        ? ` (${init.evaluations.toLocaleString('en-US')} gradient evaluations, ${init.seconds.toFixed(1)} s${sd})`
        : '';
    return `Warm start: the chains sampled in coordinates whitened by the Laplace approximation at the posterior mode${cost}, from overdispersed starting points around the mode; Stan's full warmup adaptation ran on top. Same posterior, shorter warmup.`;
  }
  if (init.requested === 'laplace') return `Warm start not used: ${init.note ?? 'no Laplace approximation'}`;
  return "Stan's random inits (uniform(−2, 2) on the unconstrained scale) and a unit initial metric, as brms.";
}

export function verdictMarkdown(v: Verdict): string {
  return [
    `**${v.headline}**`,
    '',
    ...v.checks.map(
      (c) =>
        `- **${c.name}: ${c.status === 'pass' ? 'pass' : c.status === 'warn' ? 'caveat' : 'FAIL'}.** ${c.text}`,
    ),
  ].join('\n');
}

const num = (x: number, d = 3): string => (Number.isFinite(x) ? x.toFixed(d) : 'NA');

/** Every population parameter against its true value, plus the name effects' coverage in one line. */
export function truthTableHtml(c: TruthComparison): string {
  return htmlTable<TruthRow>(
    c.rows.filter((r) => r.kind !== 'r'),
    [
      { header: 'Parameter', value: (r) => r.name },
      { header: 'True value', value: (r) => num(r.truth), numeric: true, raw: (r) => r.truth },
      { header: 'Estimate (mean)', value: (r) => num(r.estimate), numeric: true, raw: (r) => r.estimate },
      {
        header: '95% interval',
        value: (r) => `${num(r.lower)} – ${num(r.upper)}`,
        numeric: true,
        raw: (r) => [r.lower, r.upper],
      },
      { header: 'Error', value: (r) => num(r.error), numeric: true, raw: (r) => r.error },
      { header: 'Covered', value: (r) => (r.covered ? 'yes' : 'NO') },
    ],
  );
}

export function truthMarkdown(c: TruthComparison, pooledRows: number): string {
  const cov = (x: { n: number; covered: number; share: number }): string =>
    `${x.covered} of ${x.n} (${(100 * x.share).toFixed(0)}%)`;
  const missed = c.rows.filter((r) => r.kind !== 'r' && !r.covered).map((r) => r.name);
  const lines = [
    `**Coverage of the 95% intervals** (calibrated intervals cover the truth about 95% of the time): ` +
      `population-level parameters, shape and name-effect sd: ${cov(c.population)}; first-name effects: ${cov(c.names)}.`,
    '',
    missed.length
      ? `Missed: ${missed.join(', ')} — with ${c.population.n} parameters, about ${(0.05 * c.population.n).toFixed(1)} misses are expected by chance.`
      : 'Every population-level interval covers its true value.',
  ];
  if (c.noTruth.length) {
    lines.push(
      '',
      `No single true value (left out of the coverage): ${c.noTruth.join(', ')}` +
        (pooledRows > 0
          ? ` — the pooled level mixes the generator's own effects of ${fmt(pooledRows)} profiles' rare names (a documented deviation from the truth's one-effect-per-name).`
          : '.'),
    );
  }
  const absentLevels = c.notFitted.filter((n) => n !== 'zi');
  if (absentLevels.length)
    lines.push(
      '',
      `True parameters the fit does not report (level absent from the data): ${absentLevels.join(', ')}.`,
    );
  if (c.notFitted.includes('zi') && c.trueZi !== null)
    lines.push(
      '',
      `The generator made ${pct(c.trueZi, 1, 0)} of live profiles structural zeros (zi), which this model has no part for: its estimates absorb them (see the LOO comparison for the zero-inflated model).`,
    );
  return lines.join('\n');
}

/** "What we learned", from the posterior: clear effects by size, names, the caveat. */
export function learnedMarkdown(
  f: { clear: Finding[]; unclear: PopulationEffect[] },
  names: { top: NameEffect[]; bottom: NameEffect[] },
  rows: number,
): string {
  const clearNames = (xs: NameEffect[], sign: 1 | -1): string[] =>
    xs
      .filter((n) => (sign > 0 ? n.lower > 0 : n.upper < 0))
      .map((n) => `${n.name} (${formatPercent(n.estimate)}, ${fmt(n.members)} profiles)`);
  const up = clearNames(names.top, 1);
  const down = clearNames(names.bottom, -1);
  const lines = [
    `Among the ${fmt(rows)} modelled profiles, **${f.clear.length} of ${f.clear.length + f.unclear.length} trait effects have 95% intervals that exclude no effect**` +
      (f.clear.length ? ', largest first:' : '.'),
    '',
    ...f.clear.map((x) => `- ${x.text}`),
    '',
    f.unclear.length
      ? `Not clearly different from no effect (95% interval includes ×1): ${f.unclear.map((e) => `${e.predictorLabel} ${e.level} ${formatMultiplier(e)}`).join('; ')}.`
      : 'Every trait effect is clearly different from no effect.',
    '',
    up.length || down.length
      ? `First names whose effect is clearly above an average name: ${up.length ? up.join(', ') : 'none'}; clearly below: ${down.length ? down.join(', ') : 'none'}.`
      : 'No first name among the highest and lowest has an effect whose 95% interval excludes no effect.',
    '',
    "*Caveat: these are associations among one community's followers, not causes — a photo or an iPhone does not bring followers; " +
      'people who have many followers also tend to have these traits, other traits in the model held equal. Traits the model does not see ' +
      "(age, activity, the account's content) can stand behind any of them.*",
  ];
  return lines.join('\n');
}

/** The headline of notebook 05: how many effects are clear, the largest, and whether the fit can be trusted. */
export function followerHeadline(
  learned: { clear: Finding[]; unclear: PopulationEffect[] },
  verdict: Verdict,
): string {
  const n = learned.clear.length + learned.unclear.length;
  const largest = learned.clear[0]?.effect;
  const names = (status: (c: Verdict['checks'][number]) => boolean): string =>
    verdict.checks
      .filter(status)
      .map((c) => c.name)
      .join(', ');
  return (
    `${learned.clear.length} of ${n} trait effects are clearly non-zero` +
    (largest
      ? `; the largest: ${largest.predictorLabel} ${largest.level} (${formatPercent(largest.q50)} expected followers)`
      : '') +
    (verdict.checks.every((c) => c.status === 'pass')
      ? '; all convergence checks pass.'
      : verdict.ok
        ? `; convergence checks pass with a caveat on ${names((c) => c.status === 'warn')}.`
        : `; convergence checks fail: ${names((c) => !c.ok)} (see the notebook).`)
  );
}

/** The items of notebook 05's summary on the index page (after the data source). */
export function followerSummaryItems(x: {
  table: Pick<FollowerTable, 'nRows' | 'names'>;
  settings: { chains: number; iter: number; warmup: number };
  cache: Pick<CacheOutcome, 'status' | 'seconds'>;
  verdict: Verdict;
  learned: { clear: Finding[] };
  truth: TruthComparison | null;
}): { label: string; value: string }[] {
  return [
    {
      label: 'profiles modelled',
      value: `${fmt(x.table.nRows)} live profiles, ${x.table.names.levels.length} name levels`,
    },
    {
      label: 'fit',
      value: `${x.settings.chains} chains × ${x.settings.iter} iterations (${x.settings.warmup} warmup); ${x.cache.status === 'hit' ? 'from the cache' : `${x.cache.seconds.toFixed(0)} s`}`,
    },
    {
      label: 'diagnostics',
      value: x.verdict.checks.map((c) => `${c.name} ${c.status === 'warn' ? 'caveat' : c.status}`).join(', '),
    },
    ...x.learned.clear.slice(0, 4).map((f) => ({
      label: `${f.effect.predictorLabel}: ${f.effect.level}`,
      value: `${formatPercent(f.effect.q50)} expected followers`,
    })),
    ...(x.truth
      ? [
          {
            label: 'truth coverage (95% intervals)',
            value: `population ${x.truth.population.covered}/${x.truth.population.n}, names ${x.truth.names.covered}/${x.truth.names.n}`,
          },
        ]
      : []),
  ];
}

/**
 * What the comparison should have found on a synthetic community whose generator drew a
 * structural zero with probability `zi` (brms's zi): the zero-inflated model when zi > 0,
 * the study's model when it is 0 (the generator's counts have name effects, so dropping the
 * names is never right), and whether the kept model is that one.
 */
export function looTruthMarkdown(c: ModelComparison, zi: number): string {
  const right = zi > 0 ? 'zero_inflated' : 'study';
  const label = new Map(c.models.map((m) => [m.name, m.label]));
  const drew =
    zi > 0
      ? `drew a structural zero for ${pct(zi, 1, 0)} of live profiles (zi = ${zi}), so the right answer is the ${label.get(right)}`
      : `drew no structural zeros (zi = 0) and real first-name effects, so the right answer is the ${label.get(right)}`;
  const got =
    c.keptName === right
      ? 'the comparison keeps it.'
      : c.keptName === 'study'
        ? `the comparison keeps the ${label.get(c.keptName)} instead: with this many profiles the difference was not clear enough to choose by.`
        : `the comparison prefers the ${label.get(c.keptName)} instead: a clear-looking difference that the truth does not have.`;
  return `**Against the truth:** the synthetic community's generator ${drew}; ${got}`;
}

/** The LOO comparison of notebook 05 as a table: loo_compare's columns, each model labelled, its Pareto k count. */
export function looComparisonTableHtml(c: ModelComparison): string {
  const label = new Map(c.models.map((m) => [m.name, m.label]));
  const k = new Map(c.paretoK.map((p) => [p.name, p]));
  const loos = new Map(c.models.map((m, i) => [m.name, c.loos[i]]));
  type Row = ModelComparison['rows'][number];
  const number = (header: string, x: (r: Row) => number): Column<Row> => ({
    header,
    value: (r) => d1(x(r)),
    numeric: true,
    raw: x,
  });
  return htmlTable(c.rows, [
    { header: 'model', value: (r) => `${label.get(r.model)} (${r.model})` },
    number('elpd_diff', (r) => r.elpd_diff),
    number('se_diff', (r) => r.se_diff),
    number('elpd_loo', (r) => r.elpd_loo),
    number('se_elpd_loo', (r) => r.se_elpd_loo),
    number('p_loo', (r) => r.p_loo),
    {
      header: 'Pareto k above threshold',
      value: (r) => {
        const p = k.get(r.model)!;
        return `${p.highK} of ${fmt(loos.get(r.model)!.observations)} (k > ${Math.round(p.threshold * 100) / 100})`;
      },
      numeric: true,
      raw: (r) => k.get(r.model)!.highK,
    },
  ]);
}

/** One decimal as loo_compare prints, without a "-0.0". */
const d1 = (x: number): string => (Math.abs(x) < 0.05 ? '0.0' : x.toFixed(1));

/** The reading of the LOO comparison in words, below its table: what each alternative changes, which model stays, Pareto k. */
export function looComparisonMarkdown(c: ModelComparison): string {
  const label = new Map(c.models.map((m) => [m.name, m.label]));
  const highK = c.paretoK.filter((p) => p.highK > 0);
  return [
    ...c.sentences.map((s) => `- ${s}`),
    '',
    `**${c.kept}**`,
    ...(highK.length
      ? ['', ...highK.flatMap((p) => p.warnings.map((w) => `*${label.get(p.name)}:* ${w}`))]
      : ['', 'Every Pareto k of every model is below its threshold: the PSIS-LOO estimates are reliable.']),
  ].join('\n');
}
