/**
 * `npm run fit -- --data FILE(.csv|.arrow) --formula "..." --family NAME [--prior "..."]...
 *                 [--chains N --iter N --warmup N --seed N --cores N] [--json OUT]`
 *
 * Fits the model with our NUTS, prints brms's summary (warnings included) and, with
 * --json, writes one entry per parameter named as brms names its draws, plus sampler
 * diagnostics and timings, atomically (README, "The model engine").
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readDataFile } from '../model/data';
import { fitJson, fitModel, fitSummary } from '../model/fit';
import { writeJsonAtomic } from '../util/atomic-write';
import type { ChainProgress } from '../model/types';

const USAGE = `usage: npm run fit -- --data FILE --formula "y ~ x + (1 | g)" --family NAME [options]

  --data FILE        a .csv file (typed as R's read.csv) or an Arrow IPC file (.arrow)
  --formula TEXT     brms/lme4 formula, e.g. "count ~ zAge + zBase * Trt + (1 | patient)"
  --family NAME      poisson | negbinomial | gaussian | lognormal | bernoulli
  --prior TEXT       a prior in brms notation, repeatable, e.g. --prior "prior(normal(0, 1), class = b)"
  --chains N         chains (default 4)
  --iter N           iterations per chain, warmup included (default 2000)
  --warmup N         warmup iterations (default iter / 2)
  --seed N           seed (default 1234); the same seed gives the same draws whatever --cores
  --cores N          worker threads (default: all cores, at most one per chain)
  --adapt-delta X    target acceptance statistic (default 0.8)
  --max-treedepth N  maximum tree depth (default 10)
  --init KIND        random (default: Stan's and brms's uniform(-2, 2) inits) | laplace (warm
                     start from the posterior mode where the posterior is near normal there;
                     same posterior, much shorter warmup on large data)
  --param KIND       group effects' sampler coordinates: noncentered (default, as brms) |
                     centered | auto (centered for data-rich groups); same posterior
  --json OUT         also write the results as JSON to OUT
  --quiet            no progress lines on stderr`;

export interface FitCliArgs {
  data: string;
  formula: string;
  family: string;
  priors: string[];
  chains?: number;
  iter?: number;
  warmup?: number;
  seed?: number;
  cores?: number;
  adaptDelta?: number;
  maxTreedepth?: number;
  init?: 'random' | 'laplace';
  groupParameterization?: 'noncentered' | 'centered' | 'auto';
  json: string | null;
  quiet: boolean;
}

export class UsageError extends Error {}

function intArg(flag: string, v: string | undefined, min: number): number {
  const n = Number(v);
  if (v === undefined || v.trim() === '' || !Number.isInteger(n) || n < min) {
    throw new UsageError(
      `${flag} needs a whole number >= ${min}, got ${v === undefined ? 'nothing' : `"${v}"`}`,
    );
  }
  return n;
}

function choice<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v))
    throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got "${v}"`);
  return v as T;
}

export function parseFitArgs(argv: readonly string[]): FitCliArgs {
  let data: string | null = null;
  let formula: string | null = null;
  let family: string | null = null;
  const out: Omit<FitCliArgs, 'data' | 'formula' | 'family'> = { priors: [], json: null, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || (v.startsWith('--') && v.length > 2 && !/^--?\d/.test(v)))
        throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--data':
        data = value();
        break;
      case '--formula':
        formula = value();
        break;
      case '--family':
        family = value();
        break;
      case '--prior':
        out.priors.push(value());
        break;
      case '--chains':
        out.chains = intArg(flag, value(), 1);
        break;
      case '--iter':
        out.iter = intArg(flag, value(), 2);
        break;
      case '--warmup':
        out.warmup = intArg(flag, value(), 0);
        break;
      case '--seed':
        out.seed = intArg(flag, value(), 0);
        break;
      case '--cores':
        out.cores = intArg(flag, value(), 1);
        break;
      case '--max-treedepth':
        out.maxTreedepth = intArg(flag, value(), 1);
        break;
      case '--adapt-delta': {
        const v = value();
        const x = Number(v);
        if (!(x > 0 && x < 1)) throw new UsageError(`--adapt-delta needs a number in (0, 1), got "${v}"`);
        out.adaptDelta = x;
        break;
      }
      case '--init':
        out.init = choice(flag, value(), ['random', 'laplace'] as const);
        break;
      case '--param':
        out.groupParameterization = choice(flag, value(), ['noncentered', 'centered', 'auto'] as const);
        break;
      case '--json':
        out.json = value();
        break;
      case '--quiet':
        out.quiet = true;
        break;
      case '--help':
      case '-h':
        throw new UsageError('');
      default:
        throw new UsageError(`unknown option "${flag}"`);
    }
  }
  const missing = [
    ['--data', data],
    ['--formula', formula],
    ['--family', family],
  ]
    .filter(([, v]) => v === null)
    .map(([f]) => f);
  if (missing.length) throw new UsageError(`missing ${missing.join(', ')}`);
  if (out.warmup !== undefined && out.iter !== undefined && out.warmup >= out.iter) {
    throw new UsageError(`--warmup (${out.warmup}) must be smaller than --iter (${out.iter})`);
  }
  return { data: data!, formula: formula!, family: family!, ...out };
}

/** One stderr line per chain at most every few percent (the sampler throttles messages). */
function progressPrinter(): (p: ChainProgress) => void {
  return (p) => {
    const phase = p.warmup ? 'Warmup' : 'Sampling';
    const pct = Math.round((100 * p.iteration) / p.iter);
    if (pct % 10 !== 0 && p.iteration !== p.iter) return;
    const div = p.divergences ? `, ${p.divergences} divergent` : '';
    process.stderr.write(
      `Chain ${p.chain}: Iteration ${p.iteration} / ${p.iter} [${String(pct).padStart(3)}%] (${phase}${div}) ${p.elapsedSeconds.toFixed(1)} s\n`,
    );
  };
}

export async function runFitCli(
  argv: readonly string[],
  out: (line: string) => void = (l) => process.stdout.write(l),
): Promise<void> {
  const args = parseFitArgs(argv);
  const data = readDataFile(args.data);
  const fit = await fitModel({
    data: data.columns,
    formula: args.formula,
    family: args.family,
    priors: args.priors,
    chains: args.chains,
    iter: args.iter,
    warmup: args.warmup,
    seed: args.seed,
    cores: args.cores,
    adaptDelta: args.adaptDelta,
    maxTreedepth: args.maxTreedepth,
    init: args.init,
    groupParameterization: args.groupParameterization,
    dataName: path.basename(args.data),
    onProgress: args.quiet ? undefined : progressPrinter(),
  });
  out(fitSummary(fit));
  const t = fit.timings;
  if (fit.init.requested === 'laplace')
    out(
      `\n${fit.init.used === 'laplace' ? `Warm start: Laplace-whitened (${fit.init.evaluations} gradient evaluations, ${fit.init.seconds.toFixed(2)} s)` : `Warm start not used: ${fit.init.note}`}\n`,
    );
  out(
    `\nTimings: prepare ${t.prepare.toFixed(2)} s, init ${t.init.toFixed(2)} s, warmup ${t.warmup.toFixed(2)} s, sampling ${t.sampling.toFixed(2)} s, total ${t.total.toFixed(2)} s\n`,
  );
  if (args.json !== null) {
    const target = path.resolve(args.json);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    writeJsonAtomic(target, fitJson(fit, { file: args.data, rows: data.rows }));
    out(`Wrote ${target}\n`);
  }
}

if (require.main === module) {
  runFitCli(process.argv.slice(2)).catch((e: unknown) => {
    if (e instanceof UsageError) {
      if (e.message) console.error(`error: ${e.message}`);
      console.error(USAGE);
      process.exit(e.message ? 2 : 0);
    }
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
