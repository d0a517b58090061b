/**
 * `npm run report [-- --only 02-status,03-activity-time] [--out DIR] [--notebooks DIR] [--timeout S]`
 * Runs the study's notebooks headless into an offline HTML report and prints its path.
 * Exit codes: 0 done; 1 a notebook failed (message names notebook, cell, error);
 * 2 bad arguments, parameters or setup; 130 interrupted (SIGINT/SIGTERM).
 */
import * as path from 'path';
import { findRepoRoot } from '../util/repo-root';
import {
  DEFAULT_CELL_TIMEOUT_S,
  NotebookFailedError,
  ReportInterruptedError,
  runReport,
} from '../report/runner';

interface Args {
  only: string[];
  out?: string;
  notebooks?: string;
  timeout: number;
}

const USAGE =
  'usage: npm run report [-- --only NB[,NB...]] [--out DIR] [--notebooks DIR] [--timeout SECONDS]';

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Args {
  const envTimeout = env.STUDY_CELL_TIMEOUT?.trim();
  const args: Args = { only: [], timeout: envTimeout ? Number(envTimeout) : DEFAULT_CELL_TIMEOUT_S };
  if (!Number.isInteger(args.timeout) || args.timeout <= 0) {
    throw new Error(`STUDY_CELL_TIMEOUT="${envTimeout}" is not a positive whole number of seconds.`);
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value. ${USAGE}`);
      return v;
    };
    switch (a) {
      case '--only':
        args.only.push(
          ...value()
            .split(',')
            .map((s) => s.trim().replace(/\.ipynb$/, ''))
            .filter(Boolean),
        );
        break;
      case '--out':
        args.out = value();
        break;
      case '--notebooks':
        args.notebooks = value();
        break;
      case '--timeout': {
        const t = Number(value());
        if (!Number.isInteger(t) || t <= 0)
          throw new Error(`--timeout must be a positive whole number of seconds. ${USAGE}`);
        args.timeout = t;
        break;
      }
      case '-h':
      case '--help':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument "${a}". ${USAGE}`);
    }
  }
  return args;
}

async function main(): Promise<number> {
  let args: Args;
  let root: string;
  try {
    args = parseArgs(process.argv.slice(2));
    root = findRepoRoot();
  } catch (err) {
    console.error(`error: ${(err as Error).message}`);
    return 2;
  }
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
    return 0;
  } catch (err) {
    if (err instanceof ReportInterruptedError) {
      console.error('Interrupted: no report was written; the previous report (if any) is unchanged.');
      return 130;
    }
    if (err instanceof NotebookFailedError) {
      console.error(`error: ${err.message}`);
      console.error('No report was written; the previous report (if any) is unchanged.');
      return 1;
    }
    console.error(`error: ${(err as Error).message}`);
    return 2;
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
