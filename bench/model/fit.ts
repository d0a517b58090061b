/**
 * End-to-end model benchmark: the follower model (negative binomial, 8 profile
 * predictors, 300-level first-name intercept) fitted by this engine with brms's settings
 * (4 chains × 2000, 2 cores) and fitModel's defaults (the fast preset), next to brms/rstan
 * on the same CSV when its result exists (bench/model/brms-bench.R → bench/results/brms-<label>.json;
 * bench/model/versus-brms.ts runs both back to back).
 *
 *   node dist/bench/model/fit.js [--rows 50000 | --data FILE.csv] [--chains 4] [--iter 2000] [--cores 2]
 *                                 [--brms bench/results/brms-50k.json] [--out FILE] [--seed 2026]
 *                                 [--preset fast|brms] [--param noncentered|centered|auto] [--init random|laplace]
 *
 * Prints one JSON object: wall times (prepare, warmup, sampling, total), gradient
 * evaluations per second, ns per row and per cell, min bulk ESS (and per second), max R-hat,
 * divergences, peak RSS, the load average, and — with brms's result — the speed ratio and the
 * per-parameter agreement. With --data the CSV is read as `npm run fit` reads it (the read is
 * part of the end-to-end time, as brms's read.csv is not: a conservative ratio).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fitModel, type FitPreset } from '../../src/model/fit';
import { readDataFile } from '../../src/model/data';
import type { ChainProgress } from '../../src/model/types';
import { simulateBenchColumns, BENCH_FORMULA } from './simulate';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
}

interface BrmsResult {
  total_seconds: number;
  min_ess_bulk: number;
  max_rhat: number;
  divergences: number;
  parameters: Record<string, { mean: number; sd: number; q2_5?: number; q97_5?: number; ess_bulk: number }>;
}

async function main(): Promise<void> {
  const rows = Number(arg('rows', '50000'));
  const chains = Number(arg('chains', '4'));
  const iter = Number(arg('iter', '2000'));
  const cores = Number(arg('cores', '2'));
  const brmsFile = arg('brms', rows === 50000 ? 'bench/results/brms-50k.json' : '');
  const out = arg('out', '');
  const dataFile = arg('data', '');
  const seed = Number(arg('seed', '2026'));
  const preset = arg('preset', 'fast') as FitPreset;
  const paramArg = arg('param', '');
  const initArg = arg('init', '');
  const param = paramArg ? (paramArg as 'noncentered' | 'centered' | 'auto') : undefined;
  const init = initArg ? (initArg as 'random' | 'laplace') : undefined;
  const load0 = os.loadavg();

  let peakRss = process.memoryUsage().rss;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
  const t0 = Date.now();
  const data = dataFile
    ? readDataFile(dataFile).columns
    : simulateBenchColumns({ rows, names: 300, seed: 2026 });
  // Process CPU time covers every worker thread: the fair figure on a shared machine
  // (per-chain wall times count the time spent waiting for a core).
  const cpu0 = process.cpuUsage();
  let lastNote = 0;
  const onProgress = (p: ChainProgress): void => {
    if (Date.now() - lastNote < 30_000) return;
    lastNote = Date.now();
    process.stderr.write(
      `[fit bench] ${((Date.now() - t0) / 1000).toFixed(0)} s: chain ${p.chain} at iteration ${p.iteration}/${p.iter}${p.warmup ? ' (warmup)' : ''}\n`,
    );
  };
  const fit = await fitModel({
    data,
    formula: BENCH_FORMULA,
    family: 'negbinomial',
    chains,
    iter,
    cores,
    seed,
    preset,
    groupParameterization: param,
    init,
    onProgress,
  });
  const total = (Date.now() - t0) / 1000;
  const cpuUsed = process.cpuUsage(cpu0);
  const processCpuSeconds = (cpuUsed.user + cpuUsed.system) / 1e6;
  clearInterval(rssTimer);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);

  const grads = fit.chains.reduce((s, c) => s + c.gradientEvaluations, 0);
  const chainWallSeconds = fit.timings.perChain.reduce((s, c) => s + c.warmup + c.sampling, 0);
  const nsPerGrad = (processCpuSeconds * 1e9) / grads;
  const result: Record<string, unknown> = {
    engine: 'vk-audience-study',
    rows: fit.prepared.nRows,
    // Relative to the working directory: a result file names no path of the machine it ran on.
    data: dataFile
      ? path.relative(process.cwd(), path.resolve(dataFile))
      : `simulated (${rows} rows, seed 2026)`,
    cells: fit.prepared.compression.cells,
    preset,
    group_parameterization: fit.settings.groupParameterization,
    init: fit.init,
    centered: fit.prepared.layout.centered,
    compression_ratio: fit.prepared.compression.ratio,
    chains,
    iter,
    cores,
    seed,
    total_seconds: total,
    prepare_seconds: fit.timings.prepare,
    init_seconds: fit.timings.init,
    warmup_seconds: fit.timings.warmup,
    sampling_seconds: fit.timings.sampling,
    gradient_evaluations: grads,
    process_cpu_seconds: processCpuSeconds,
    sum_of_chain_wall_seconds: chainWallSeconds,
    gradients_per_cpu_second: grads / processCpuSeconds,
    // CPU of the whole process (prepare, sampling, summaries) per gradient: an upper bound.
    ns_per_gradient: nsPerGrad,
    ns_per_row: nsPerGrad / rows,
    ns_per_cell: nsPerGrad / fit.prepared.compression.cells,
    divergences: fit.sampler.divergences,
    min_ess_bulk: Math.min(...fit.parameters.map((p) => p.ess_bulk)),
    min_ess_bulk_per_second: Math.min(...fit.parameters.map((p) => p.ess_bulk)) / total,
    min_ess_tail: Math.min(...fit.parameters.map((p) => p.ess_tail)),
    max_rhat: Math.max(...fit.parameters.map((p) => p.rhat)),
    peak_rss_mb: peakRss / 2 ** 20,
    parameters: Object.fromEntries(
      fit.parameters.map((p) => [p.name, { mean: p.mean, sd: p.sd, rhat: p.rhat, ess_bulk: p.ess_bulk }]),
    ),
    load_average_start: load0,
    load_average: os.loadavg(),
  };
  if (brmsFile && fs.existsSync(brmsFile)) {
    const brms = JSON.parse(fs.readFileSync(brmsFile, 'utf8')) as BrmsResult;
    result.brms = {
      total_seconds: brms.total_seconds,
      min_ess_bulk: brms.min_ess_bulk,
      max_rhat: brms.max_rhat,
      divergences: brms.divergences,
    };
    result.speedup_end_to_end = brms.total_seconds / total;
    result.brms_min_ess_bulk_per_second = brms.min_ess_bulk / brms.total_seconds;
    result.agreement = fit.parameters.map((p) => {
      const b = brms.parameters[p.name];
      if (!b) return { name: p.name, missing_in_brms: true };
      return {
        name: p.name,
        ours: { mean: p.mean, sd: p.sd },
        brms: { mean: b.mean, sd: b.sd },
        mean_diff_in_sd: (p.mean - b.mean) / b.sd,
        sd_ratio: p.sd / b.sd,
      };
    });
  }
  const text = JSON.stringify(result, null, 2);
  console.log(text);
  if (out) {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out + '.tmp', text + '\n');
    fs.renameSync(out + '.tmp', out);
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
