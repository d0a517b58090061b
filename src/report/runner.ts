/**
 * The report runner: executes the study's notebooks in order through
 * `jupyter nbconvert --to html --execute` on the tslab kernel (never --allow-errors: tslab
 * then silently aborts every later cell — docs/toolchain.md), into a staging folder,
 * writes index.html, then swaps the folder into place. A failing cell stops the run with an
 * error naming the notebook, the cell and the real message.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { extractErrorMessage, firstSourceLine, parseCellErrorRecord } from './cell-error';
import { notebookTitle, renderIndex, type IndexEntry } from './index-page';
import { describeSource, readManifestIfPresent } from '../notebook/source';
import { NBCONVERT_HOOK_PY } from './nbconvert-hook';
import { studyParams } from '../notebook/params';
import { readHeadlineCharts, readSummary } from '../notebook/summary';
import { plotlyBundlePath } from '../viz/display';
import type { Env } from '../util/env';
import type { StudyParams } from '../notebook/params';
import { SetupError } from '../util/errors';
import { makeStagingDir, swapIntoPlace } from './swap';
import { writeFileAtomic } from '../util/atomic-write';
import { containsSecret, redact, secretValues } from './secrets';

export const REPORT_TITLE = 'VK audience study';
/** Per-cell limit; the model notebook's fit is the slowest cell. Override: STUDY_CELL_TIMEOUT. */
export const DEFAULT_CELL_TIMEOUT_S = 1800;

export interface RunnerOptions {
  repoRoot: string;
  /** Folder holding NN-name.ipynb notebooks (default <repo>/notebooks). */
  notebooksDir?: string;
  /** Restrict to these notebook names (without .ipynb), still run in order. */
  only?: readonly string[];
  /** Final report folder (default <repo>/reports). */
  outDir?: string;
  /** Environment for the kernels (default process.env). */
  env?: Env;
  cellTimeoutSeconds?: number;
  /** The jupyter launcher; an absolute path, never looked up on PATH. */
  jupyter?: string;
  log?: (line: string) => void;
  /** Aborting stops the running notebook, removes the staging folder and rejects with ReportInterruptedError. */
  signal?: AbortSignal;
}

export interface NotebookRun {
  notebook: string;
  seconds: number;
  html: string;
  /** Size of the page on disk (the shared plotly.js copy not included). */
  bytes: number;
}
export interface ReportResult {
  outDir: string;
  index: string;
  notebooks: NotebookRun[];
  seconds: number;
}

/** A failed notebook: the message names the notebook, the cell and the real error. */
export class NotebookFailedError extends Error {
  constructor(
    readonly notebook: string,
    readonly cellIndex: number | null,
    readonly cellFirstLine: string | null,
    readonly detail: string,
  ) {
    super(
      cellIndex === null
        ? `notebook ${notebook} failed: ${detail}`
        : `notebook ${notebook} failed in cell ${cellIndex} (${JSON.stringify(cellFirstLine)}):\n${detail}`,
    );
    this.name = 'NotebookFailedError';
  }
}

/** The study's notebooks, `NN-name.ipynb`, in order. */
export function listNotebooks(dir: string): string[] {
  if (!fs.existsSync(dir)) throw new SetupError(`notebook folder ${dir} does not exist.`);
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d\d-[\w-]+\.ipynb$/.test(f))
    .sort()
    .map((f) => f.replace(/\.ipynb$/, ''));
}

export function jupyterPath(repoRoot: string): string {
  return path.join(repoRoot, '.jupyter', 'share', 'jupyter');
}

/** Checks the project-local tslab kernelspec that `npm run setup` registers. */
export function checkKernel(repoRoot: string, jupyter: string): void {
  if (!fs.existsSync(jupyter)) {
    throw new SetupError(
      `${jupyter} not found: Jupyter is not installed. Run \`npm run setup\` (installs jupyter-nbconvert, jupyter-client, python3-ipykernel from Debian).`,
    );
  }
  const spec = path.join(jupyterPath(repoRoot), 'kernels', 'tslab', 'kernel.json');
  if (!fs.existsSync(spec)) {
    throw new SetupError(
      `the tslab kernel is not registered for this project (${path.relative(repoRoot, spec)} missing): run \`npm run setup\`.`,
    );
  }
  const argv0 = (JSON.parse(fs.readFileSync(spec, 'utf8')) as { argv: string[] }).argv[0];
  if (!path.isAbsolute(argv0) || !fs.existsSync(argv0)) {
    throw new SetupError(
      `the tslab kernelspec points at "${argv0}", which does not exist (repository moved?): run \`npm run setup\` again.`,
    );
  }
}

/** A script URL that loads nothing: for template assets the report does not need. */
const NO_SCRIPT = 'data:text/javascript,';
const DEBIAN_MATHJAX = '/usr/share/javascript/mathjax/MathJax.js';

/**
 * Template asset URLs. Upstream nbconvert points require.js and MathJax at a CDN; Debian
 * patches them to local files. Pinning them here keeps pages offline whichever nbconvert
 * runs: require.js is not needed (plotly.js 3+ sets window.Plotly without it), MathJax is
 * used from Debian's package when installed so $…$ in markdown still renders offline.
 */
export function templateAssetArgs(mathjaxFile: string = DEBIAN_MATHJAX): string[] {
  const mathjax = fs.existsSync(mathjaxFile)
    ? `file://${mathjaxFile}?config=TeX-AMS_CHTML-full,Safe`
    : NO_SCRIPT;
  return [`--HTMLExporter.require_js_url=${NO_SCRIPT}`, `--HTMLExporter.mathjax_url=${mathjax}`];
}

/** The notebook that makes the snapshot every other notebook reads. */
export const PULL_NOTEBOOK = '01-pull';
/** The report's shared copy of plotly.js, relative to the pages (the page template loads it). */
export const PLOTLY_ASSET = 'assets/plotly.min.js';
export const TEMPLATE_NAME = 'vk-study';

/** The page template (folded code, contents, CSV links, print stylesheet): src/report/template/. */
export function reportTemplateArgs(repoRoot: string): string[] {
  return [
    `--TemplateExporter.extra_template_basedirs=${path.join(repoRoot, 'src', 'report', 'template')}`,
    `--template=${TEMPLATE_NAME}`,
  ];
}

/** Every notebook ran, but the report would show no data: it is not published. */
export class ReportWithoutDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportWithoutDataError';
  }
}

function shownPath(p: StudyParams): string {
  const rel = path.relative(p.repoRoot, p.snapshotDir);
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? p.snapshotDir : rel;
}

/** The commands that make the snapshot at `p.snapshotDir`, for messages. */
export function snapshotMakers(p: StudyParams): string {
  const report = `\`npm run report -- --only ${PULL_NOTEBOOK}\` (notebook ${PULL_NOTEBOOK} ${p.mode === 'synthetic' ? 'generates the synthetic community and pulls it' : 'pulls the community'} into that folder)`;
  return p.mode === 'vk'
    ? `\`npm run pull -- --group ${p.vkGroup} --out ${shownPath(p)}\` or ${report}`
    : report;
}

/** The nearest folder of `dir` or its ancestors that exists. */
function nearestExisting(dir: string): string {
  let d = dir;
  while (!fs.existsSync(d) && path.dirname(d) !== d) d = path.dirname(d);
  return d;
}

/**
 * Before any kernel starts: the run must end with a finished snapshot in STUDY_SNAPSHOT.
 * A run without the pull notebook needs one already; a run with it needs a folder the pull
 * can create. Either failure names the folder and the command that makes the snapshot, and
 * the previous report is left alone.
 */
export function checkSnapshotForRun(p: StudyParams, run: readonly string[], all: readonly string[]): void {
  if (!all.includes(PULL_NOTEBOOK)) return; // not the study's notebooks: no snapshot expected
  if (readManifestIfPresent(p.snapshotDir) !== null) return;
  if (!run.includes(PULL_NOTEBOOK)) {
    throw new SetupError(
      `no finished snapshot in ${shownPath(p)} (STUDY_SNAPSHOT), and ${PULL_NOTEBOOK}, which makes it, is not in this run (${run.join(', ')}). Make it with ${snapshotMakers(p)}, run the whole report (no --only), or point STUDY_SNAPSHOT at a folder holding a finished snapshot. The previous report is unchanged.`,
    );
  }
  const existing = nearestExisting(p.snapshotDir);
  let writable = fs.statSync(existing).isDirectory();
  try {
    if (writable) fs.accessSync(existing, fs.constants.W_OK);
  } catch {
    writable = false;
  }
  if (!writable) {
    throw new SetupError(
      `no finished snapshot in ${shownPath(p)} (STUDY_SNAPSHOT), and notebook ${PULL_NOTEBOOK} cannot create it there: ${existing} is not a writable folder. Point STUDY_SNAPSHOT at a folder holding a finished snapshot, or at a writable place where ${PULL_NOTEBOOK} will make one (\`npm run report\`${p.mode === 'vk' ? ` or \`npm run pull -- --group ${p.vkGroup} --out DIR\`` : ''}). The previous report is unchanged.`,
    );
  }
}

/** The run was stopped (Ctrl-C / SIGTERM): no report is written. */
export class ReportInterruptedError extends Error {
  constructor() {
    super('report interrupted');
    this.name = 'ReportInterruptedError';
  }
}

function runProcess(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logFile: string,
  signal?: AbortSignal,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const log = fs.openSync(logFile, 'w');
    const child = spawn(cmd, args, { env, stdio: ['ignore', log, log] });
    // SIGINT, not SIGTERM: Python turns it into KeyboardInterrupt and nbclient then shuts its
    // kernel down (the kernel runs in its own session, so nothing else would stop it). If
    // nbconvert does not exit within the grace period, it is killed.
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      child.kill('SIGINT');
      killTimer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      killTimer.unref();
    };
    signal?.addEventListener('abort', stop, { once: true });
    child.on('error', (err) => {
      signal?.removeEventListener('abort', stop);
      fs.closeSync(log);
      reject(err);
    });
    child.on('close', (code, sig) => {
      if (killTimer) clearTimeout(killTimer);
      signal?.removeEventListener('abort', stop);
      fs.closeSync(log);
      resolve(code ?? (sig ? 128 : 1));
    });
  });
}

/**
 * Kernels started for this notebook run that outlived nbconvert (an interrupt during kernel
 * startup leaves one behind: jupyter_client starts kernels in their own session). They are
 * found by the run-unique STUDY_CELL_ERROR_FILE in their environment, so only processes
 * this run started are stopped. Linux only (/proc); elsewhere nothing is done.
 */
export function strayKernelPids(marker: string, procDir = '/proc'): number[] {
  if (!fs.existsSync(procDir)) return [];
  const needle = Buffer.from(`STUDY_CELL_ERROR_FILE=${marker}\0`);
  const pids: number[] = [];
  for (const entry of fs.readdirSync(procDir)) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (fs.readFileSync(path.join(procDir, entry, 'environ')).includes(needle)) pids.push(Number(entry));
    } catch {
      // gone already, or not ours to read
    }
  }
  return pids;
}

function stopStrays(marker: string): void {
  for (const pid of strayKernelPids(marker)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already exited */
    }
  }
}

/** nbconvert failed before any cell ran because the kernel did not start or answer. */
function kernelNeverStarted(errorFile: string, logFile: string): boolean {
  if (fs.existsSync(errorFile) || fs.existsSync(`${errorFile}.started`)) return false;
  const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
  return /Kernel didn't respond|Kernel died before replying|kernel_info/.test(text);
}

/** Why nbconvert failed when no cell recorded an error (timeout, dead kernel, bad notebook). */
function nbconvertFailure(logFile: string): string {
  const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
  const lines = text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '');
  // Python's final "module.SomeError: message" line says what happened (e.g. CellTimeoutError, DeadKernelError).
  const raised = lines.filter((l) => /^[\w.]*(Error|Exception|Interrupt)\b[^:]*:\s*\S/.test(l));
  if (raised.length)
    return raised[raised.length - 1].replace(/^(nbclient|nbconvert|jupyter_client)\.[\w.]*\.(?=\w+:)/, '');
  return lines.slice(-5).join('\n') || 'nbconvert exited with an error and no output';
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

export async function runReport(opts: RunnerOptions): Promise<ReportResult> {
  const root = opts.repoRoot;
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((l: string) => console.log(l));
  const jupyter = opts.jupyter ?? '/usr/bin/jupyter';
  const notebooksDir = opts.notebooksDir ?? path.join(root, 'notebooks');
  const outDir = path.resolve(opts.outDir ?? path.join(root, 'reports'));
  const timeout = opts.cellTimeoutSeconds ?? DEFAULT_CELL_TIMEOUT_S;
  const params = studyParams(env, root); // fails early on bad parameters, before any kernel starts

  const all = listNotebooks(notebooksDir);
  let names = all;
  if (opts.only && opts.only.length) {
    const unknown = opts.only.filter((n) => !names.includes(n));
    if (unknown.length)
      throw new SetupError(`unknown notebook(s): ${unknown.join(', ')}; available: ${names.join(', ')}.`);
    names = names.filter((n) => opts.only!.includes(n));
  }
  if (names.length === 0) throw new SetupError(`no NN-name.ipynb notebooks in ${notebooksDir}.`);
  checkSnapshotForRun(params, names, all);
  checkKernel(root, jupyter);

  const secrets = secretValues(env);
  const staging = makeStagingDir(outDir);
  const work = path.join(staging, '.work'); // runner scratch; removed before the swap
  // Raw summaries stay in the scratch folder; report.json publishes them (redacted).
  const summaries = path.join(work, 'summaries');
  fs.mkdirSync(work);
  fs.mkdirSync(summaries);
  const hook = path.join(work, 'nbconvert_hook.py');
  fs.writeFileSync(hook, NBCONVERT_HOOK_PY);
  const started = Date.now();
  const runs: NotebookRun[] = [];
  try {
    for (const [i, name] of names.entries()) {
      if (opts.signal?.aborted) throw new ReportInterruptedError();
      const t0 = Date.now();
      log(`[${i + 1}/${names.length}] ${name} …`);
      const errorFile = path.join(work, `${name}.cell-error.json`);
      const logFile = path.join(work, `${name}.nbconvert.log`);
      const kernelEnv: NodeJS.ProcessEnv = {
        ...env,
        JUPYTER_PATH: jupyterPath(root),
        STUDY_SUMMARY_DIR: summaries,
        STUDY_CELL_ERROR_FILE: errorFile,
        // nbconvert would otherwise write config/runtime files under $HOME.
        JUPYTER_RUNTIME_DIR: path.join(work, 'runtime'),
        // A user's ~/.jupyter config must not change how the report is built.
        JUPYTER_CONFIG_DIR: path.join(work, 'config'),
        PYDEVD_DISABLE_FILE_VALIDATION: '1',
      };
      const execute = (): Promise<number> =>
        runProcess(
          jupyter,
          [
            'nbconvert',
            '--config',
            hook,
            '--to',
            'html',
            '--execute',
            '--ExecutePreprocessor.kernel_name=tslab',
            `--ExecutePreprocessor.timeout=${timeout}`,
            // tslab's start (Node + its TypeScript) can take a while on a busy machine.
            '--ExecutePreprocessor.startup_timeout=300',
            ...templateAssetArgs(),
            ...reportTemplateArgs(root),
            '--output-dir',
            staging,
            '--output',
            name,
            path.join(notebooksDir, `${name}.ipynb`),
          ],
          kernelEnv,
          logFile,
          opts.signal,
        );
      let code = await execute();
      // A kernel that never came up (no cell started) is a start-up hiccup of tslab/zeromq on
      // a busy machine, not a notebook error: one retry, said out loud.
      if (code !== 0 && !opts.signal?.aborted && kernelNeverStarted(errorFile, logFile)) {
        stopStrays(errorFile);
        log(
          `[${i + 1}/${names.length}] ${name}: the tslab kernel did not start (${nbconvertFailure(logFile)}); retrying once`,
        );
        code = await execute();
      }
      if (code !== 0) stopStrays(errorFile);
      if (opts.signal?.aborted) throw new ReportInterruptedError();
      const seconds = (Date.now() - t0) / 1000;
      // Every message below passes through redact(): a cell's stderr could hold the token.
      const fail = (cell: number | null, source: string | null, detail: string): NotebookFailedError =>
        new NotebookFailedError(
          `${name}.ipynb`,
          cell,
          source === null ? null : redact(firstSourceLine(source), secrets),
          redact(detail, secrets),
        );
      if (code !== 0 || fs.existsSync(errorFile)) {
        log(`[${i + 1}/${names.length}] ${name} FAILED after ${seconds.toFixed(1)} s`);
        if (fs.existsSync(errorFile)) {
          const rec = parseCellErrorRecord(fs.readFileSync(errorFile, 'utf8'), errorFile);
          throw fail(rec.cell_index, rec.source, extractErrorMessage(rec));
        }
        // No error record: a timeout or a dead kernel. Blame the last cell that started.
        const startedFile = `${errorFile}.started`;
        if (fs.existsSync(startedFile)) {
          const rec = parseCellErrorRecord(fs.readFileSync(startedFile, 'utf8'), startedFile);
          throw fail(rec.cell_index, rec.source, nbconvertFailure(logFile));
        }
        throw fail(null, null, nbconvertFailure(logFile));
      }
      const html = path.join(staging, `${name}.html`);
      if (!fs.existsSync(html))
        throw fail(null, null, `nbconvert reported success but wrote no ${name}.html`);
      if (containsSecret(fs.readFileSync(html, 'utf8'), secrets)) {
        log(`[${i + 1}/${names.length}] ${name} REFUSED after ${seconds.toFixed(1)} s`);
        throw fail(
          null,
          null,
          'its output contains the value of VK_TOKEN; the report is not written. Find the cell that prints the token (or an object holding it) and stop printing it.',
        );
      }
      const bytes = fs.statSync(html).size;
      runs.push({ notebook: name, seconds, html: path.join(outDir, `${name}.html`), bytes });
      log(`[${i + 1}/${names.length}] ${name} done in ${seconds.toFixed(1)} s (page ${megabytes(bytes)})`);
    }

    // The source is read after the notebooks ran: notebook 01 has just written the snapshot.
    // Without it every page would be built from no data: that report is not published.
    const manifest = readManifestIfPresent(params.snapshotDir);
    if (manifest === null && all.includes(PULL_NOTEBOOK)) {
      throw new ReportWithoutDataError(
        `every notebook ran, but ${shownPath(params)} (STUDY_SNAPSHOT) holds no finished snapshot, so the report would show no data; it is not written. Make the snapshot with ${snapshotMakers(params)}, or point STUDY_SNAPSHOT at a folder holding one.`,
      );
    }
    fs.mkdirSync(path.join(staging, path.dirname(PLOTLY_ASSET)), { recursive: true });
    fs.copyFileSync(plotlyBundlePath(), path.join(staging, PLOTLY_ASSET));

    const entries: IndexEntry[] = runs.map((r) => ({
      notebook: r.notebook,
      title: notebookTitle(
        JSON.parse(fs.readFileSync(path.join(notebooksDir, `${r.notebook}.ipynb`), 'utf8')),
        r.notebook,
      ),
      href: `${r.notebook}.html`,
      seconds: r.seconds,
      bytes: r.bytes,
      summary: readSummary(summaries, r.notebook),
      charts: readHeadlineCharts(summaries, r.notebook),
    }));
    const source = describeSource(manifest, params);
    const totalSeconds = (Date.now() - started) / 1000;
    // Summaries are written by notebook code: redact them as well before they are published.
    writeFileAtomic(
      path.join(staging, 'index.html'),
      redact(
        renderIndex({
          title: REPORT_TITLE,
          generatedAt: new Date(),
          source,
          entries,
          totalSeconds,
          plotlyAsset: PLOTLY_ASSET,
        }),
        secrets,
      ),
    );
    writeFileAtomic(
      path.join(staging, 'report.json'),
      redact(
        JSON.stringify(
          {
            title: REPORT_TITLE,
            generatedAt: new Date().toISOString(),
            source,
            totalSeconds,
            notebooks: entries.map((e) => ({
              notebook: e.notebook,
              title: e.title,
              seconds: e.seconds,
              pageBytes: e.bytes,
              summary: e.summary,
            })),
          },
          null,
          2,
        ) + '\n',
        secrets,
      ),
    );
    fs.rmSync(work, { recursive: true, force: true });
    swapIntoPlace(staging, outDir);
    return { outDir, index: path.join(outDir, 'index.html'), notebooks: runs, seconds: totalSeconds };
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}
