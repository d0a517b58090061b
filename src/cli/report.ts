/**
 * `npm run report [-- --only 02-status,03-activity-time] [--out DIR] [--notebooks DIR] [--timeout S]`
 * Runs the study's notebooks headless into an offline HTML report and prints its path.
 */
import * as path from 'node:path';
import {
  DEFAULT_CELL_TIMEOUT_S,
  NotebookFailedError,
  ReportInterruptedError,
  ReportWithoutDataError,
  runReport,
} from '../report/runner';
import { envInt, type Env } from '../util/env';
import { findRepoRoot } from '../util/repo-root';
import { EXIT, defineCommand, runMain, wholeNumber, type Values } from './command';

export const reportCommand = defineCommand({
  name: 'report',
  synopsis: '[--only NB[,NB...]] [--out DIR] [--notebooks DIR] [--timeout SECONDS]',
  about:
    'Runs the notebooks in order, headless, into an offline HTML report (default reports/) and prints its path.',
  options: {
    only: {
      type: 'string',
      value: 'NB[,NB...]',
      multiple: true,
      help: 'run only these notebooks (names without .ipynb, e.g. 02-status), still in order; repeatable',
    },
    out: { type: 'string', value: 'DIR', help: 'report folder (default reports/)' },
    notebooks: {
      type: 'string',
      value: 'DIR',
      help: 'folder of NN-name.ipynb notebooks (default notebooks/)',
    },
    timeout: {
      type: 'string',
      value: 'SECONDS',
      read: wholeNumber({ min: 1 }),
      help: `seconds a single cell may run (default STUDY_CELL_TIMEOUT, else ${DEFAULT_CELL_TIMEOUT_S})`,
    },
  },
  sections: [
    {
      title: 'environment',
      lines: ['the study parameters of environment.md (STUDY_*, VK_*, AUDIT_*, MODEL_*)'],
    },
  ],
  exits: [
    [EXIT.OK, 'report written'],
    [
      EXIT.FAILED,
      'a notebook failed (the message names the notebook, the cell and the error),\nor an unexpected error; the previous report is unchanged',
    ],
    [EXIT.USAGE, 'bad arguments, parameters or setup (the message says what to run)'],
    [EXIT.INTERRUPTED, 'interrupted (Ctrl-C / SIGTERM); the previous report is unchanged'],
  ],
  errors: [
    [NotebookFailedError, EXIT.FAILED],
    [ReportWithoutDataError, EXIT.FAILED],
    [ReportInterruptedError, EXIT.INTERRUPTED],
  ],
});

export interface ReportArgs {
  only: string[];
  out?: string;
  notebooks?: string;
  timeout: number;
}

function reportArgs(v: Values<typeof reportCommand.spec.options>, env: Env): ReportArgs {
  const args: ReportArgs = {
    only: v.only.flatMap((list) =>
      list
        .split(',')
        .map((s) => s.trim().replace(/\.ipynb$/, ''))
        .filter(Boolean),
    ),
    timeout: v.timeout ?? envInt(env, 'STUDY_CELL_TIMEOUT', { default: DEFAULT_CELL_TIMEOUT_S, min: 1 }),
  };
  if (v.out !== undefined) args.out = v.out;
  if (v.notebooks !== undefined) args.notebooks = v.notebooks;
  return args;
}

export function parseArgs(argv: readonly string[], env: Env = process.env): ReportArgs {
  return reportArgs(reportCommand.parse(argv), env);
}

async function report(args: ReportArgs): Promise<number> {
  const root = findRepoRoot();
  // Ctrl-C / SIGTERM: stop the running notebook and remove the half-built report.
  const abort = new AbortController();
  const onSignal = (sig: NodeJS.Signals): void => {
    if (!abort.signal.aborted) console.error(`\n${sig}: stopping the running notebook …`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await runReport({
      signal: abort.signal,
      repoRoot: root,
      only: args.only,
      outDir: args.out ? path.resolve(args.out) : undefined,
      notebooksDir: args.notebooks ? path.resolve(args.notebooks) : undefined,
      cellTimeoutSeconds: args.timeout,
    });
    console.log(`report written in ${result.seconds.toFixed(1)} s: ${result.index}`);
    return EXIT.OK;
  } catch (err) {
    if (err instanceof ReportInterruptedError) {
      console.error('Interrupted: no report was written; the previous report (if any) is unchanged.');
      return EXIT.INTERRUPTED;
    }
    throw err;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

if (require.main === module)
  runMain(reportCommand, (v) => report(reportArgs(v, process.env)), {
    advice: (e) =>
      e instanceof NotebookFailedError || e instanceof ReportWithoutDataError
        ? 'No report was written; the previous report (if any) is unchanged.'
        : undefined,
  });
