// End to end: the real report at a small STUDY_MEMBERS, every page loaded in headless
// Chromium. Scale: E2E_MEMBERS (default 3000). Needs Jupyter, the tslab kernel and
// Chromium: skipped loudly without them, except under CI=true where it must run.
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  CHROMIUM,
  countFigureDivs,
  networkSources,
  requireTools,
  runReportCli,
  type CliResult,
} from './tools';

/** Debian's MathJax, which the runner points pages at when it is installed (README, "The report"). */
const MATHJAX_DIR = '/usr/share/javascript/mathjax/';

/** Chart boxes Plotly drew into (each holds several .main-svg layers). */
function drawnCharts(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      Array.from(
        (globalThis as any).document.querySelectorAll('.study-figure.js-plotly-plot') as any[],
      ).filter((e) => e.querySelector('.main-svg') !== null).length,
  );
}

interface ReportJson {
  source: { kind: 'synthetic' | 'vk'; label: string };
  notebooks: {
    notebook: string;
    title: string;
    seconds: number;
    summary: { headline: string; figures: number } | null;
  }[];
}

describe('e2e: npm run report at a small scale, checked in headless Chromium', function () {
  this.timeout(20 * 60 * 1000);
  const members = process.env.E2E_MEMBERS ?? '3000';
  let work: string;
  let out: string;
  let run: CliResult;
  let report: ReportJson;
  let browser: Browser | undefined;
  /** Every URL a page asked for that is neither in the report folder nor Debian's MathJax. */
  const outside: string[] = [];

  before(async function () {
    requireTools(this, true);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-report-'));
    out = path.join(work, 'reports');
    run = await runReportCli(['--out', out], {
      STUDY_MEMBERS: members,
      STUDY_SEED: '1',
      STUDY_SNAPSHOT: path.join(work, 'snapshot'),
    });
    if (run.code === 0)
      report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')) as ReportJson;
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  /** A page of the report in headless Chromium; anything outside the report is refused and recorded. */
  async function open(file: string): Promise<Page> {
    browser ??= await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    const page = await browser.newPage({ acceptDownloads: true });
    await page.route('**/*', (route) => {
      const url = route.request().url();
      const inside =
        url.startsWith(`file://${out}/`) ||
        url.startsWith(`file://${MATHJAX_DIR}`) ||
        url.startsWith('data:');
      if (inside) return route.continue();
      outside.push(url);
      return route.abort();
    });
    await page.goto(`file://${file}`);
    return page;
  }

  async function waitForCharts(page: Page, n: number, what: string): Promise<void> {
    await page
      .waitForFunction(
        (want) => {
          const d = (globalThis as any).document;
          const drawn = Array.from(d.querySelectorAll('.study-figure.js-plotly-plot') as any[]).filter(
            (e) => e.querySelector('.main-svg') !== null,
          ).length;
          return drawn >= want || d.querySelector('.study-figure-failed') !== null;
        },
        n,
        { timeout: 60_000, polling: 250 },
      )
      .catch(() => undefined);
    const failed = await page.evaluate(() =>
      Array.from((globalThis as any).document.querySelectorAll('.study-figure-failed') as any[]).map(
        (e) => e.textContent as string,
      ),
    );
    expect(failed, `${what}: charts that failed to draw`).to.deep.equal([]);
    expect(await drawnCharts(page), `${what}: charts drawn`).to.equal(n);
  }

  it('runs every notebook and prints progress and the report path', () => {
    expect(run.code, `report failed:\n${run.stderr}`).to.equal(0);
    for (const n of ['01-pull', '02-status', '03-activity-time', '04-geography', '05-model', '06-compare']) {
      expect(run.stdout).to.match(new RegExp(`\\] ${n} done in \\d+\\.\\d s`));
    }
    expect(run.stdout).to.contain(`report written in`).and.contain(path.join(out, 'index.html'));
    console.log(`      report at STUDY_MEMBERS=${members}: ${run.seconds.toFixed(1)} s`);
  });

  const needReport = (): void => {
    if (run.code !== 0)
      throw new Error(`no report to check: the run failed (exit ${run.code}):\n${run.stderr.trim()}`);
  };

  it('writes one page per notebook plus an index that links each with its computed summary', () => {
    needReport();
    const index = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(report.notebooks.map((n) => n.notebook)).to.deep.equal([
      '01-pull',
      '02-status',
      '03-activity-time',
      '04-geography',
      '05-model',
      '06-compare',
    ]);
    for (const n of report.notebooks) {
      expect(fs.existsSync(path.join(out, `${n.notebook}.html`)), n.notebook).to.equal(true);
      expect(index).to.contain(`href="${n.notebook}.html"`);
      expect(n.summary, `${n.notebook} recorded no summary`).to.not.equal(null);
      expect(index).to.contain(
        n
          .summary!.headline.replace(/&/g, '&amp;')
          .replace(/</g, '&lt;')
          .replace(/>/g, '&gt;')
          .replace(/"/g, '&quot;')
          .replace(/'/g, '&#39;'),
      );
    }
    expect(report.source.kind).to.equal('synthetic');
    expect(index).to.contain('Synthetic data:');
    expect(networkSources(index)).to.deep.equal([]);
    expect(fs.readdirSync(path.dirname(out)).filter((f) => f.startsWith('.reports-tmp'))).to.deep.equal([]);
  });

  it('draws every chart of every page, with no error output, no network sources and the synthetic banner first', async () => {
    needReport();
    let total = 0;
    for (const n of report.notebooks) {
      const file = path.join(out, `${n.notebook}.html`);
      const html = fs.readFileSync(file, 'utf8');
      expect(networkSources(html), `${n.notebook}: network sources`).to.deep.equal([]);
      // Output elements carry the MIME type as an attribute (double quotes); the template's
      // CSS mentions the same MIME types in single-quoted selectors, which must not count.
      expect(html, `${n.notebook}: stderr output`).to.not.contain(
        'data-mime-type="application/vnd.jupyter.stderr"',
      );
      expect(html, `${n.notebook}: error output`).to.not.contain(
        'data-mime-type="application/vnd.jupyter.error"',
      );
      const banner = html.indexOf('data-source-kind="synthetic"');
      expect(banner, `${n.notebook}: synthetic banner`).to.be.greaterThan(0);
      const firstFigure = html.indexOf('class="study-figure"');
      if (firstFigure >= 0) expect(banner).to.be.lessThan(firstFigure);
      const expected = n.summary!.figures;
      expect(countFigureDivs(html), `${n.notebook}: chart divs`).to.equal(expected);
      const page = await open(file);
      await waitForCharts(page, expected, n.notebook);
      await page.close();
      total += expected;
    }
    expect(total, 'charts in the whole report').to.be.at.least(2);
    expect(outside, 'requests outside the report folder').to.deep.equal([]);
  });

  it('shares one plotly.js copy beside the pages instead of one per page', () => {
    needReport();
    const bundle = fs.statSync(path.join(out, 'assets', 'plotly.min.js')).size;
    expect(bundle).to.be.greaterThan(1_000_000);
    for (const n of report.notebooks) {
      const size = fs.statSync(path.join(out, `${n.notebook}.html`)).size;
      expect(size, `${n.notebook}: page size`).to.be.lessThan(bundle / 2);
      expect(fs.readFileSync(path.join(out, `${n.notebook}.html`), 'utf8')).to.contain(
        '<script type="text/javascript" src="assets/plotly.min.js"></script>',
      );
    }
  });

  it("tells on the model page whether the LOO comparison found the synthetic truth's model", () => {
    needReport();
    const html = fs.readFileSync(path.join(out, '05-model.html'), 'utf8');
    // The default community has no structural zeros: the study's negative binomial is the right answer.
    expect(html).to.match(
      /Against the truth:<\/strong> the synthetic community(?:&#39;|&#x27;|')s generator drew no structural zeros \(zi = 0\)/,
    );
    // The comparison table, with the best model's elpd_diff of 0 handed raw to the CSV.
    expect(html).to.contain('>elpd_diff</th>').and.contain('>se_elpd_loo</th>');
    expect(html).to.match(/data-csv="\[0\]">0\.0<\/td>/);
  });

  it('shows headline charts and a contents list on the index page', async () => {
    needReport();
    const page = await open(path.join(out, 'index.html'));
    const entries = await page.evaluate(
      () => (globalThis as any).document.querySelectorAll('nav.contents li a').length as number,
    );
    expect(entries).to.equal(report.notebooks.length);
    const withCharts = report.notebooks.filter((n) => n.summary!.figures > 0).length;
    await waitForCharts(page, withCharts, 'index');
    await page.close();
    expect(outside, 'requests outside the report folder').to.deep.equal([]);
  });

  it('folds code by default with a per-cell and a page-wide toggle, counts as Jupyter shows them, contents', async () => {
    needReport();
    const file = path.join(out, '02-status.html');
    const html = fs.readFileSync(file, 'utf8');
    expect(html).to.not.contain('In&nbsp;[&nbsp;]');
    expect(html).to.contain('In&nbsp;[1]:');
    const page = await open(file);
    const state = (): Promise<{ open: number; cells: number; button: string }> =>
      page.evaluate(() => {
        const d = (globalThis as any).document;
        const cells = Array.from(d.querySelectorAll('details.study-code') as any[]);
        return {
          open: cells.filter((c) => c.open).length,
          cells: cells.length,
          button: d.querySelector('.study-code-all').textContent as string,
        };
      });
    const folded = await state();
    expect(folded.cells).to.be.greaterThan(2);
    expect(folded).to.include({ open: 0, button: 'Show all code' });
    expect(await page.isVisible('details.study-code >> nth=1 >> .jp-InputArea')).to.equal(false);
    await page.click('details.study-code >> nth=1 >> summary');
    expect((await state()).open).to.equal(1);
    expect(await page.isVisible('details.study-code >> nth=1 >> .jp-InputArea')).to.equal(true);
    await page.click('.study-code-all');
    expect(await state()).to.include({ open: folded.cells, button: 'Hide all code' });
    await page.click('.study-code-all');
    expect((await state()).open).to.equal(0);
    const toc = await page.evaluate(() =>
      Array.from((globalThis as any).document.querySelectorAll('.study-toc li a') as any[]).map(
        (a) => a.textContent as string,
      ),
    );
    expect(toc).to.include('Classifying every follower');
    await page.close();
  });

  it('downloads a table as CSV from the page itself (offline), its numbers unrounded', async () => {
    needReport();
    const page = await open(path.join(out, '02-status.html'));
    const table = await page.evaluate(() => {
      const t = (globalThis as any).document.querySelector('.jp-Cell table');
      return Array.from(t.querySelectorAll('tr') as any[]).map((tr) =>
        Array.from(tr.children as any[]).map((c) => String(c.textContent).replace(/\s+/g, ' ').trim()),
      );
    });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('.study-csv a >> nth=0'),
    ]);
    expect(download.suggestedFilename()).to.equal('02-status-table-1.csv');
    const csv = fs.readFileSync(await download.path(), 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).to.have.length(table.length);
    // The status table: the interval's column is two in the CSV, counts are plain integers
    // and shares fractions that round to what the page shows.
    const header = lines[0].split(',');
    expect(header).to.include.members(['members', '95% interval: low', '95% interval: high']);
    expect(header).to.have.length(table[0].length + 1);
    const active = lines.find((l) => l.startsWith('active'))!.split(',');
    const shown = table.find((r) => r[0].startsWith('active'))!;
    const col = (name: string): number => header.indexOf(name);
    expect(active[col('members')]).to.match(/^\d+$/);
    expect(Number(active[col('members')]).toLocaleString('en-US')).to.equal(shown[col('members')]);
    const share = Number(active[col('share of all members')]);
    expect(`${(100 * share).toFixed(1)}%`).to.equal(shown[col('share of all members')]);
    expect(Number(active[col('95% interval: low')])).to.be.below(share);
    expect(Number(active[col('95% interval: high')])).to.be.above(share);
    await page.close();
    expect(outside, 'requests outside the report folder').to.deep.equal([]);
  });

  it('prints without the toolbar, folded code or CSV links, charts within the paper', async () => {
    needReport();
    const page = await open(path.join(out, '02-status.html'));
    await waitForCharts(
      page,
      report.notebooks.find((n) => n.notebook === '02-status')!.summary!.figures,
      'print',
    );
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).to.equal('%PDF-');
    await page.emulateMedia({ media: 'print' });
    const hidden = await page.evaluate(() => {
      const g = globalThis as any;
      const shown = (sel: string) =>
        Array.from(g.document.querySelectorAll(sel) as any[]).filter(
          (e) => g.getComputedStyle(e).display !== 'none',
        ).length;
      return {
        bar: shown('.study-bar'),
        csv: shown('.study-csv'),
        folded: shown('details.study-code:not([open])'),
      };
    });
    expect(hidden).to.deep.equal({ bar: 0, csv: 0, folded: 0 });
    await page.close();
  });
});
