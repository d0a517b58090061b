// End to end: the real report at a small STUDY_MEMBERS, every page loaded in headless
// Chromium. Scale: E2E_MEMBERS (default 3000). Needs Jupyter, the tslab kernel and
// Chromium: skipped loudly without them, except under CI=true where it must run.
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  countFigureDivs,
  countRenderedPlots,
  networkSources,
  renderedDom,
  requireTools,
  runReportCli,
  type CliResult,
} from './tools';

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

  after(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

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

  it('draws every chart of every page, with no error output, no network sources and the synthetic banner first', () => {
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
      const dom = renderedDom(file);
      // The fallback text appears in every chart's script; only as a div's content does it mean failure.
      expect(dom, `${n.notebook}: plotly missing`).to.not.contain('>plotly.js is not loaded');
      expect(countRenderedPlots(dom), `${n.notebook}: rendered charts`).to.equal(expected);
      expect(networkSources(dom), `${n.notebook}: network sources after scripts ran`).to.deep.equal([]);
      total += expected;
    }
    expect(total, 'charts in the whole report').to.be.at.least(2);
  });
});
