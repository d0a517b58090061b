/**
 * `npm run fit -- --data FILE(.csv|.arrow) --formula "..." --family NAME [options]` (`--help`
 * lists them).
 *
 * Fits the model with our NUTS, prints brms's summary (warnings included) and, with
 * --json, writes one entry per parameter named as brms names its draws, plus sampler
 * diagnostics and timings, atomically (README, "The model engine").
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataFileError, readDataFile } from '../model/data';
import { criteriaSummary, fitBayesR2, fitJson, fitLoo, fitModel, fitSummary } from '../model/fit';
import { ModelSpecError } from '../model/formula/errors';
import { writeJsonAtomic } from '../util/atomic-write';
import type { ChainProgress } from '../model/types';
import {
  EXIT,
  UsageError,
  decimalNumber,
  defineCommand,
  oneOf,
  outputFile,
  runMain,
  wholeNumber,
  type Values,
} from './command';

export { UsageError } from './command';

export const fitCommand = defineCommand({
  name: 'fit',
  synopsis: '--data FILE --formula "y ~ x + (1 | g)" --family NAME [options]',
  about:
    "Fits a brms-style model with the project's NUTS sampler and prints brms's summary (warnings included).",
  options: {
    data: {
      type: 'string',
      value: 'FILE',
      required: true,
      help: "a .csv file (typed as R's read.csv) or an Arrow IPC file (.arrow)",
    },
    formula: {
      type: 'string',
      value: 'TEXT',
      required: true,
      help: 'brms/lme4 formula, e.g. "count ~ zAge + zBase * Trt + (1 | patient)"',
    },
    family: {
      type: 'string',
      value: 'NAME',
      required: true,
      help: 'poisson | negbinomial | gaussian | lognormal | bernoulli | zero_inflated_poisson |\nzero_inflated_negbinomial | hurdle_poisson | hurdle_negbinomial',
    },
    prior: {
      type: 'string',
      value: 'TEXT',
      multiple: true,
      help: 'a prior in brms notation, repeatable, e.g. --prior "prior(normal(0, 1), class = b)"',
    },
    chains: { type: 'string', value: 'N', read: wholeNumber({ min: 1 }), help: 'chains (default 4)' },
    iter: {
      type: 'string',
      value: 'N',
      read: wholeNumber({ min: 2 }),
      help: 'iterations per chain, warmup included (default 2000)',
    },
    warmup: {
      type: 'string',
      value: 'N',
      read: wholeNumber({ min: 0 }),
      help: 'warmup iterations (default iter / 2)',
    },
    seed: {
      type: 'string',
      value: 'N',
      read: wholeNumber({ min: 0 }),
      help: 'seed (default 1234); the same seed gives the same draws whatever --cores',
    },
    cores: {
      type: 'string',
      value: 'N',
      read: wholeNumber({ min: 1 }),
      help: 'worker threads (default: all cores, at most one per chain)',
    },
    'adapt-delta': {
      type: 'string',
      value: 'X',
      read: decimalNumber({ min: 0, max: 1, exclusive: true }),
      help: 'target acceptance statistic (default 0.8)',
    },
    'max-treedepth': {
      type: 'string',
      value: 'N',
      read: wholeNumber({ min: 1 }),
      help: 'maximum tree depth (default 10)',
    },
    preset: {
      type: 'string',
      value: 'NAME',
      read: oneOf(['fast', 'brms']),
      help: "fast (default: --init laplace --param auto, the same posterior sooner) | brms\n(brms's literal sampler: --init random --param noncentered)",
    },
    init: {
      type: 'string',
      value: 'KIND',
      read: oneOf(['random', 'laplace']),
      help: "random (Stan's and brms's uniform(-2, 2) inits) | laplace (default: warm\nstart from the posterior mode where the posterior is near normal there, else\nrandom with the reason; same posterior, much shorter warmup on large data)",
    },
    param: {
      type: 'string',
      value: 'KIND',
      read: oneOf(['noncentered', 'centered', 'auto']),
      help: "group effects' sampler coordinates: noncentered (as brms) | centered |\nauto (default: centered for data-rich groups); same posterior",
    },
    loo: { type: 'boolean', help: 'also PSIS-LOO (as loo prints it) and bayes_R2, in the JSON too' },
    json: { type: 'string', value: 'OUT', read: outputFile(), help: 'also write the results as JSON to OUT' },
    quiet: { type: 'boolean', help: 'no progress lines on stderr' },
  },
  exits: [
    [EXIT.OK, 'fitted (and written with --json)'],
    [EXIT.FAILED, 'unexpected error (a bug: please report it)'],
    [
      EXIT.USAGE,
      'usage: bad arguments, or a formula, family or prior that does not fit the data\n(the message says which)',
    ],
    [EXIT.DATA, 'the data file is missing or unreadable'],
  ],
  errors: [
    [ModelSpecError, EXIT.USAGE],
    [DataFileError, EXIT.DATA],
  ],
});

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
  preset?: 'fast' | 'brms';
  loo?: boolean;
  json: string | null;
  quiet: boolean;
}

export function parseFitArgs(argv: readonly string[]): FitCliArgs {
  return fitArgs(fitCommand.parse(argv));
}

function fitArgs(v: Values<typeof fitCommand.spec.options>): FitCliArgs {
  if (v.warmup !== undefined && v.iter !== undefined && v.warmup >= v.iter) {
    throw new UsageError(`--warmup (${v.warmup}) must be smaller than --iter (${v.iter})`);
  }
  const args: FitCliArgs = {
    data: v.data,
    formula: v.formula,
    family: v.family,
    priors: v.prior,
    json: v.json ?? null,
    quiet: v.quiet,
  };
  // Only the options given: unset ones take fitModel's defaults.
  const given = {
    chains: v.chains,
    iter: v.iter,
    warmup: v.warmup,
    seed: v.seed,
    cores: v.cores,
    adaptDelta: v['adapt-delta'],
    maxTreedepth: v['max-treedepth'],
    init: v.init,
    groupParameterization: v.param,
    preset: v.preset,
    loo: v.loo || undefined,
  };
  for (const [k, x] of Object.entries(given)) if (x !== undefined) Object.assign(args, { [k]: x });
  return args;
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
  await fitFromArgs(parseFitArgs(argv), out);
}

async function fitFromArgs(args: FitCliArgs, out: (line: string) => void): Promise<void> {
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
    preset: args.preset,
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
  const criteria = args.loo ? { loo: fitLoo(fit), bayesR2: fitBayesR2(fit) } : undefined;
  if (criteria) out(criteriaSummary(criteria.loo, criteria.bayesR2));
  if (args.json !== null) {
    const target = path.resolve(args.json);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    writeJsonAtomic(target, fitJson(fit, { file: args.data, rows: data.rows }, criteria));
    out(`Wrote ${target}\n`);
  }
}

if (require.main === module)
  runMain(fitCommand, (v) => fitFromArgs(fitArgs(v), (l) => process.stdout.write(l)));
