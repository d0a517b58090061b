// Live use: a real Jupyter Notebook server (Debian's jupyter-notebook) started at the
// repository root, as environment.md says, driven by headless Chromium over the DevTools
// protocol. Charts must draw on the first run, from the saved outputs after a reload, and
// again when one cell is re-run after a reload while the same kernel keeps running — the
// case where a kernel that believes plotly.js is in the page draws nothing. Nothing may be
// fetched from anywhere but the local server.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, ROOT, isCI, requireTools } from './tools';

const NOTEBOOK_SERVER = '/usr/bin/jupyter-notebook';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A two-chart notebook importing this build's display code (dist/ or a private build). */
function liveNotebook(nbDir: string): string {
  const rel = (p: string): string =>
    path
      .relative(nbDir, path.resolve(__dirname, '..', '..', 'src', p))
      .split(path.sep)
      .join('/');
  const cells = [
    `import { showFigure } from '${rel('viz/display')}';\nimport { lineFigure, barFigure } from '${rel('viz/figures')}';`,
    `showFigure(lineFigure({ title: 'Line', series: [{ name: 'a', x: [1, 2, 3], y: [3, 1, 2] }], x: { title: 'x', unit: 'count' }, y: { title: 'y', unit: 'count' } }));`,
    `showFigure(barFigure({ title: 'Bars', categories: ['p', 'q'], series: [{ name: 'b', values: [2, 5] }], x: { title: 'k', unit: 'category' }, y: { title: 'v', unit: 'count' } }));`,
  ];
  return JSON.stringify({
    cells: cells.map((src, i) => ({
      id: `c${i}`,
      cell_type: 'code',
      metadata: {},
      execution_count: null,
      outputs: [],
      source: src,
    })),
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

async function waitForServer(url: string, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`jupyter-notebook exited ${server.exitCode}:\n${log()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`jupyter-notebook did not answer within 90 s:\n${log()}`);
}

/** Classic Notebook's page is ready and its kernel connected; returns the kernel id. */
async function notebookReady(page: Page): Promise<string> {
  await page.waitForFunction(
    () => {
      const J = (globalThis as any).Jupyter;
      return Boolean(J?.notebook?._fully_loaded && J.notebook.kernel?.is_connected());
    },
    null,
    { timeout: 180_000 },
  );
  return page.evaluate(() => (globalThis as any).Jupyter.notebook.kernel.id as string);
}

/** Chart boxes Plotly drew into (each holds several .main-svg layers). */
const drawnCharts = (page: Page): Promise<number> =>
  page.evaluate(
    () =>
      Array.from(
        (globalThis as any).document.querySelectorAll('.study-figure.js-plotly-plot') as any[],
      ).filter((e) => e.querySelector('.main-svg') !== null).length,
  );

/** What the page shows in place of the charts, for a failure message. */
const pageState = (page: Page): Promise<string> =>
  page.evaluate(() => {
    const g = globalThis as any;
    const outs = Array.from(g.document.querySelectorAll('.output_area') as any[]).map((e) =>
      String(e.innerHTML).slice(0, 200),
    );
    return `trusted=${g.Jupyter?.notebook?.trusted}; outputs: ${JSON.stringify(outs)}`;
  });

async function waitForCharts(page: Page, n: number, what: string): Promise<void> {
  try {
    await page.waitForFunction(
      (want) => {
        const d = (globalThis as any).document;
        const drawn = Array.from(d.querySelectorAll('.study-figure.js-plotly-plot') as any[]).filter(
          (e) => e.querySelector('.main-svg') !== null,
        ).length;
        return drawn >= want || d.querySelector('.study-figure-failed') !== null;
      },
      n,
      { timeout: 60_000, polling: 250 },
    );
  } catch (err) {
    throw new Error(
      `${what}: ${await drawnCharts(page)} of ${n} charts drawn (${(err as Error).message}); ${await pageState(page)}`,
      { cause: err },
    );
  }
  const failed = await page.evaluate(() =>
    Array.from((globalThis as any).document.querySelectorAll('.study-figure-failed') as any[]).map(
      (e) => e.textContent as string,
    ),
  );
  expect(failed, `${what}: charts that failed to draw`).to.deep.equal([]);
  expect(await drawnCharts(page), what).to.equal(n);
}

describe('e2e: charts in a live Jupyter Notebook survive a reload of the tab', function () {
  this.timeout(12 * 60 * 1000);
  let work: string;
  let nbDir: string;
  let server: ChildProcess | undefined;
  let serverLog = '';
  let browser: Browser | undefined;
  let page: Page;
  let base: string;
  const token = randomBytes(16).toString('hex');
  const offsite: string[] = [];
  const fetched: string[] = [];
  let kernelBefore: string;
  let mimeTypes: string[];

  before(async function () {
    requireTools(this, true);
    if (!fs.existsSync(NOTEBOOK_SERVER)) {
      const reason = `${NOTEBOOK_SERVER} (Debian jupyter-notebook) is missing: run \`npm run check\` (installs it as root)`;
      if (isCI()) throw new Error(`${reason}. CI is set, so this is a failure, not a skip.`);
      console.warn(`\n  !!! SKIPPING: ${reason}.\n`);
      this.skip();
    }
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-live-'));
    // The notebook must sit under the server's root (the repository), in a folder Jupyter
    // does not treat as hidden; dist/ is build output, ignored by git.
    nbDir = fs.mkdtempSync(path.join(ROOT, 'dist', 'e2e-live-'));
    fs.writeFileSync(path.join(nbDir, 'live.ipynb'), liveNotebook(nbDir));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(
      NOTEBOOK_SERVER,
      [
        '--no-browser',
        '--allow-root',
        '--ip=127.0.0.1',
        `--port=${port}`,
        '--port-retries=0',
        `--NotebookApp.token=${token}`,
        `--NotebookApp.notebook_dir=${ROOT}`,
      ],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          JUPYTER_PATH: path.join(ROOT, '.jupyter', 'share', 'jupyter'),
          JUPYTER_CONFIG_DIR: path.join(work, 'config'),
          JUPYTER_DATA_DIR: path.join(work, 'data'),
          JUPYTER_RUNTIME_DIR: path.join(work, 'runtime'),
          PYDEVD_DISABLE_FILE_VALIDATION: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    server.stdout!.on('data', (d: Buffer) => (serverLog += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (serverLog += d.toString()));
    await waitForServer(`${base}/api/status?token=${token}`, server, () => serverLog);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    const context = await browser.newContext();
    // Anything but the local server is refused and recorded.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${base}/`)) {
        fetched.push(url.slice(base.length));
        return route.continue();
      }
      if (url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
      offsite.push(url);
      return route.abort();
    });
    page = await context.newPage();
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    if (server && server.exitCode === null) {
      // Shutting the server down through its API stops its kernels too.
      await fetch(`${base}/api/shutdown?token=${token}`, { method: 'POST' }).catch(() => undefined);
      const exited = new Promise((r) => server!.once('exit', r));
      const timer = setTimeout(() => server!.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    if (nbDir) fs.rmSync(nbDir, { recursive: true, force: true });
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  const nbUrl = (): string =>
    `${base}/notebooks/${path.relative(ROOT, nbDir).split(path.sep).join('/')}/live.ipynb?token=${token}`;

  const notebook = (page: Page, fn: string): Promise<unknown> =>
    page.evaluate(`(() => { const nb = Jupyter.notebook; ${fn} })()`);

  it('draws every chart when the notebook runs, and sends them as Plotly MIME bundles', async () => {
    await page.goto(nbUrl());
    kernelBefore = await notebookReady(page);
    // No autosave: the reload below must meet a notebook without saved outputs.
    await notebook(page, 'nb.set_autosave_interval(0);');
    await notebook(page, 'nb.execute_all_cells();');
    await waitForCharts(page, 2, 'first run');
    mimeTypes = (await notebook(
      page,
      'return Object.keys(nb.get_cell(1).output_area.outputs[0].data);',
    )) as string[];
    expect(mimeTypes).to.include.members(['application/vnd.plotly.v1+json', 'text/html', 'text/plain']);
    // plotly.js came from the project, through the server's files/ route.
    expect(
      fetched.filter((u) => u.includes('/files/node_modules/plotly.js-dist-min/plotly.min.js')),
    ).to.have.length(1);
  });

  it('draws a chart when one cell is re-run after the tab is reloaded, on the same running kernel', async () => {
    await page.reload();
    const kernelAfter = await notebookReady(page);
    expect(kernelAfter, 'the reload kept the running kernel').to.equal(kernelBefore);
    await notebook(page, 'nb.set_autosave_interval(0);');
    expect(await drawnCharts(page), 'nothing was saved, so nothing is drawn yet').to.equal(0);
    await notebook(page, 'nb.execute_cells([2]);');
    await waitForCharts(page, 1, 're-run of the last cell after reload');
    await notebook(page, 'nb.execute_all_cells();');
    await waitForCharts(page, 2, 'Run All after reload');
  });

  it('draws the saved charts of a reopened notebook without running anything', async () => {
    await notebook(page, 'return nb.save_notebook();');
    await page.waitForFunction(() => !(globalThis as any).Jupyter.notebook.dirty, null, { timeout: 30_000 });
    await page.reload();
    await notebookReady(page);
    await waitForCharts(page, 2, 'saved outputs after reload');
  });

  it('fetched nothing from outside the local server', () => {
    expect(offsite).to.deep.equal([]);
  });
});
