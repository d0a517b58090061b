/**
 * Shared pieces of the end-to-end tests: finding Jupyter/Chromium (skip loudly when absent
 * outside CI; under CI=true their absence is a failure), running the report CLI, and
 * loading a page in headless Chromium.
 */
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findRepoRoot } from '../../src/util/repo-root';

export const ROOT = findRepoRoot(__dirname);
export const JUPYTER = '/usr/bin/jupyter';
export const CHROMIUM = '/usr/bin/chromium';
/** The report CLI from the same build as this test (dist/ or a private .build/<name>/). */
export const REPORT_CLI = path.resolve(__dirname, '..', '..', 'src', 'cli', 'report.js');

export function isCI(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/** What is missing for the end-to-end tests, or an empty list. */
export function missingTools(needChromium: boolean): string[] {
  const missing: string[] = [];
  if (!fs.existsSync(JUPYTER)) missing.push(`${JUPYTER} (Debian jupyter-nbconvert)`);
  if (!fs.existsSync(path.join(ROOT, '.jupyter', 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json'))) {
    missing.push('the project-local tslab kernel (.jupyter/; run `npm run setup`)');
  }
  if (needChromium && !fs.existsSync(CHROMIUM)) missing.push(`${CHROMIUM} (Debian chromium)`);
  return missing;
}

/** Skips the suite with a loud reason when tools are missing, unless CI is set (then fails). */
export function requireTools(ctx: Mocha.Context, needChromium: boolean): void {
  const missing = missingTools(needChromium);
  if (missing.length === 0) return;
  const reason = `end-to-end test needs ${missing.join(', ')}: run \`npm run check\` (installs them as root)`;
  if (isCI()) throw new Error(`${reason}. CI is set, so this is a failure, not a skip.`);
  console.warn(`\n  !!! SKIPPING: ${reason}.\n`);
  ctx.skip();
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** Starts the report CLI as a user would, with a clean study environment (never a real token). */
export function startReportCli(
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; done: Promise<CliResult> } {
  const clean: NodeJS.ProcessEnv = { ...process.env };
  for (const k of [
    'VK_TOKEN',
    'VK_GROUP',
    'VK_API_BASE',
    'STUDY_SNAPSHOT',
    'STUDY_MEMBERS',
    'STUDY_SEED',
    'STUDY_SUMMARY_DIR',
  ])
    delete clean[k];
  const t0 = Date.now();
  const child = spawn(process.execPath, [REPORT_CLI, ...args], { env: { ...clean, ...env }, cwd: ROOT });
  const done = new Promise<CliResult>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      process.stdout.write(`      | ${d.toString().trimEnd().replace(/\n/g, '\n      | ')}\n`);
    });
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, seconds: (Date.now() - t0) / 1000 }),
    );
  });
  return { child, done };
}

export function runReportCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return startReportCli(args, env).done;
}

/** Processes whose working directory is `dir` (a kernel's cwd is its notebook's folder). Linux /proc only. */
export function processesIn(dir: string): number[] {
  if (!fs.existsSync('/proc')) return [];
  const pids: number[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (fs.readlinkSync(`/proc/${e}/cwd`) === dir) pids.push(Number(e));
    } catch {
      /* gone or not readable */
    }
  }
  return pids;
}

/** The DOM of `file` after its scripts ran, from headless Chromium (no network, fresh profile). */
export function renderedDom(file: string, budgetMs = 15000): string {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-chromium-'));
  try {
    const r = spawnSync(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-dev-shm-usage',
        `--user-data-dir=${profile}`,
        `--virtual-time-budget=${budgetMs}`,
        '--dump-dom',
        `file://${file}`,
      ],
      { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 120_000 },
    );
    if (r.error) throw new Error(`chromium failed on ${file}: ${r.error.message}`);
    if (r.status !== 0 || !r.stdout.includes('</html>')) {
      throw new Error(`chromium exited ${r.status} on ${file}: ${r.stderr.split('\n').slice(-5).join('\n')}`);
    }
    return r.stdout;
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

/** <script src> and <link href> pointing at the network. */
export function networkSources(html: string): string[] {
  const found: string[] = [];
  for (const m of html.matchAll(/<script\b[^>]*\bsrc\s*=\s*["']?\s*(https?:)?\/\/[^"'\s>]*/gi))
    found.push(m[0]);
  for (const m of html.matchAll(/<link\b[^>]*\bhref\s*=\s*["']?\s*(https?:)?\/\/[^"'\s>]*/gi))
    found.push(m[0]);
  for (const m of html.matchAll(/@import\s+(url\()?["']?(https?:)?\/\//gi)) found.push(m[0]);
  return found;
}

/** Chart containers Plotly drew into: our study-figure divs that got Plotly's class and an SVG. */
export function countRenderedPlots(dom: string): number {
  const parts = dom.split(/<div\b(?=[^>]*\bclass="[^"]*\bstudy-figure\b)/).slice(1);
  return parts.filter((p) => /^[^>]*\bjs-plotly-plot\b/.test(p) && /class="main-svg"/.test(p)).length;
}

export function countFigureDivs(html: string): number {
  return (html.match(/<div id="[^"]+" class="study-figure"/g) ?? []).length;
}
