/**
 * The model benchmark against brms, back to back on one machine and one CSV:
 *
 *   node dist/bench/model/versus-brms.js [--rows 50000] [--chains 4] [--iter 2000] [--cores 2]
 *                                        [--order ours-first|brms-first] [--seed 2026]
 *                                        [--out bench/results/versus-brms-50k.json]
 *
 * 1. writes the benchmark table (bench/model/simulate.ts, seed 2026) to bench/data/followers-<rows>.csv;
 * 2. fits it with this engine's defaults (`node dist/bench/model/fit.js --data <csv>`, a fresh process);
 * 3. fits it with brms/rstan (`Rscript bench/model/brms-bench.R <csv> …`, brms 2.18's default priors
 *    with the negbinomial shape set to brms ≥ 2.21's inv_gamma(0.4, 0.3), as the engine);
 * 4. prints, per engine, the end-to-end wall seconds, min bulk ESS, min bulk ESS per second, max
 *    R-hat, divergences and the load average around it, then the wall-time ratio, the ESS-per-second
 *    ratio and how far apart the posteriors are (Δmean / brms sd, sd ratio per parameter), and writes
 *    all of it as JSON.
 *
 * The 50k-row brms fit takes about half an hour on 2 cores; try the command on a small size
 * first (e.g. --rows 2000 --iter 400). Wall times are only comparable when the load average
 * stays low for both runs — it is printed for each.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { simulateBenchData } from './simulate';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
}

interface Side {
  total_seconds: number;
  min_ess_bulk: number;
  max_rhat: number;
  divergences: number;
  parameters?: Record<string, { mean: number; sd: number }>;
}

const repo = path.resolve(__dirname, '..', '..', '..');
const rows = Number(arg('rows', '50000'));
const chains = arg('chains', '4');
const iter = arg('iter', '2000');
const cores = arg('cores', '2');
const order = arg('order', 'ours-first');
// The samplers' seed, the same number given to both (the data's seed stays 2026).
const seed = arg('seed', '2026');
const label = rows % 1000 === 0 ? `${rows / 1000}k` : String(rows);
const out = arg('out', path.join('bench', 'results', `versus-brms-${label}.json`));
const csv = path.join(repo, 'bench', 'data', `followers-${label}.csv`);
const ourFile = path.join(repo, 'bench', 'results', `fit-${label}-defaults.json`);
const brmsFile = path.join(repo, 'bench', 'results', `brms-${label}.json`);

function load(): number[] {
  return os.loadavg().map((x) => Math.round(x * 100) / 100);
}

function runOurs(): { result: Side & Record<string, unknown>; load: [number[], number[]] } {
  const before = load();
  const r = spawnSync(
    process.execPath,
    [
      path.join(__dirname, 'fit.js'),
      '--data',
      csv,
      '--chains',
      chains,
      '--iter',
      iter,
      '--cores',
      cores,
      '--out',
      ourFile,
      '--seed',
      seed,
    ],
    { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (r.status !== 0) throw new Error(`our fit failed (exit ${r.status})`);
  return { result: JSON.parse(fs.readFileSync(ourFile, 'utf8')), load: [before, load()] };
}

function runBrms(): { result: Side & Record<string, unknown>; load: [number[], number[]] } {
  const before = load();
  const r = spawnSync(
    'Rscript',
    [path.join('bench', 'model', 'brms-bench.R'), csv, brmsFile, chains, iter, cores, seed],
    { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (r.error)
    throw new Error(`Rscript could not be started (${r.error.message}); install R with brms and rstan`);
  if (r.status !== 0) throw new Error(`the brms fit failed (exit ${r.status})`);
  return { result: JSON.parse(fs.readFileSync(brmsFile, 'utf8')), load: [before, load()] };
}

function main(): void {
  fs.mkdirSync(path.dirname(csv), { recursive: true });
  fs.writeFileSync(csv + '.tmp', simulateBenchData({ rows, names: 300, seed: 2026 }));
  fs.renameSync(csv + '.tmp', csv);
  process.stderr.write(
    `[versus-brms] ${rows} rows in ${path.relative(repo, csv)}; ${chains} chains × ${iter}, ${cores} cores\n`,
  );
  const first = order === 'brms-first' ? runBrms : runOurs;
  const second = order === 'brms-first' ? runOurs : runBrms;
  const a = first();
  const b = second();
  const ours = order === 'brms-first' ? b : a;
  const brms = order === 'brms-first' ? a : b;
  const perSecond = (s: Side): number => s.min_ess_bulk / s.total_seconds;
  const agreement = Object.entries(brms.result.parameters ?? {}).map(([name, p]) => {
    const q = (ours.result as unknown as { parameters?: Record<string, { mean: number; sd: number }> })
      .parameters?.[name];
    return q
      ? { name, mean_diff_in_sd: (q.mean - p.mean) / p.sd, sd_ratio: q.sd / p.sd }
      : { name, missing: true };
  });
  const report = {
    rows,
    chains: Number(chains),
    iter: Number(iter),
    cores: Number(cores),
    order,
    seed: Number(seed),
    csv: path.relative(repo, csv),
    ours: {
      total_seconds: ours.result.total_seconds,
      min_ess_bulk: ours.result.min_ess_bulk,
      min_ess_bulk_per_second: perSecond(ours.result),
      max_rhat: ours.result.max_rhat,
      divergences: ours.result.divergences,
      load_average: ours.load,
    },
    brms: {
      total_seconds: brms.result.total_seconds,
      min_ess_bulk: brms.result.min_ess_bulk,
      min_ess_bulk_per_second: perSecond(brms.result),
      max_rhat: brms.result.max_rhat,
      divergences: brms.result.divergences,
      load_average: brms.load,
    },
    speedup_end_to_end: brms.result.total_seconds / ours.result.total_seconds,
    ess_per_second_ratio: perSecond(ours.result) / perSecond(brms.result),
    agreement,
  };
  const f = (x: number, d = 1): string => x.toFixed(d);
  const line = (name: string, s: typeof report.ours): string =>
    `${name.padEnd(6)} ${f(s.total_seconds).padStart(9)} s   min bulk ESS ${f(s.min_ess_bulk, 0).padStart(6)}   ` +
    `per s ${f(s.min_ess_bulk_per_second, 2).padStart(8)}   max R-hat ${f(s.max_rhat, 3)}   divergences ${s.divergences}   ` +
    `load ${s.load_average[0].join(' ')} -> ${s.load_average[1].join(' ')}`;
  console.log(line('ours', report.ours));
  console.log(line('brms', report.brms));
  console.log(
    `ratio: ${f(report.speedup_end_to_end)}× faster end to end, ${f(report.ess_per_second_ratio)}× the min bulk ESS per second`,
  );
  const worst = agreement.filter((x) => 'mean_diff_in_sd' in x) as {
    name: string;
    mean_diff_in_sd: number;
    sd_ratio: number;
  }[];
  if (worst.length) {
    const dm = Math.max(...worst.map((x) => Math.abs(x.mean_diff_in_sd)));
    const ds = Math.max(...worst.map((x) => Math.abs(x.sd_ratio - 1)));
    console.log(
      `posteriors: largest |Δmean|/sd ${f(dm, 3)}, largest |sd ratio − 1| ${f(ds, 3)} over ${worst.length} parameters`,
    );
  }
  const target = path.resolve(repo, out);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target + '.tmp', JSON.stringify(report, null, 2) + '\n');
  fs.renameSync(target + '.tmp', target);
  console.log(`wrote ${path.relative(repo, target)}`);
}

try {
  main();
} catch (e) {
  console.error(`versus-brms: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
