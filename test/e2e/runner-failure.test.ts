// The runner fails correctly: a deliberately failing notebook stops the run with a non-zero
// exit that names the notebook, the cell and the real error, and the previous report stays.
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { processesIn, requireTools, runReportCli, startReportCli, type CliResult } from './tools';

function notebook(cells: string[]): string {
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

describe('e2e: a failing notebook stops the report', function () {
  this.timeout(10 * 60 * 1000);
  let work: string;
  let out: string;
  let run: CliResult;
  let timedOut: CliResult;
  let leaked: CliResult;
  const TOKEN = 'vk1.a.e2e-not-a-real-token-0123456789';

  before(async function () {
    requireTools(this, false);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-fail-'));
    const nbs = path.join(work, 'notebooks');
    fs.mkdirSync(nbs);
    fs.writeFileSync(path.join(nbs, '01-fine.ipynb'), notebook(['console.log("first notebook ran")']));
    fs.writeFileSync(
      path.join(nbs, '02-broken.ipynb'),
      notebook([
        'const rows: number = 3;\nconsole.log(rows)',
        'function load(n: number) {\n  if (n > 2) throw new RangeError(`deliberate failure: ${n} rows is too many`);\n}\nload(rows);',
        'console.log("never runs")',
      ]),
    );
    fs.writeFileSync(path.join(nbs, '03-after.ipynb'), notebook(['console.log("must not run")']));
    out = path.join(work, 'reports');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'index.html'), 'PREVIOUS REPORT');
    const slow = path.join(work, 'slow');
    fs.mkdirSync(slow);
    fs.writeFileSync(
      path.join(slow, '01-slow.ipynb'),
      notebook(['const started = Date.now();', 'await new Promise((r) => setTimeout(r, 60_000));']),
    );
    const leaky = path.join(work, 'leaky');
    fs.mkdirSync(leaky);
    fs.writeFileSync(
      path.join(leaky, '01-leaky.ipynb'),
      notebook(['console.log("token:", process.env.VK_TOKEN)']),
    );
    // All runs at once: each is mostly waiting for a kernel.
    [run, timedOut, leaked] = await Promise.all([
      runReportCli(['--notebooks', nbs, '--out', out], { STUDY_SNAPSHOT: path.join(work, 'snapshot') }),
      runReportCli(['--notebooks', slow, '--out', path.join(work, 'slow-reports'), '--timeout', '3'], {
        STUDY_SNAPSHOT: path.join(work, 'snapshot'),
      }),
      runReportCli(['--notebooks', leaky, '--out', path.join(work, 'leaky-reports')], {
        STUDY_SNAPSHOT: path.join(work, 'snapshot'),
        VK_TOKEN: TOKEN,
        VK_GROUP: 'some_group',
      }),
    ]);
  });

  after(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('exits 1 naming the notebook, the cell index and first line, and the real error message', () => {
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain('notebook 02-broken.ipynb failed in cell 1');
    expect(run.stderr).to.contain('"function load(n: number) {"');
    expect(run.stderr).to.contain('RangeError: deliberate failure: 3 rows is too many');
    expect(run.stderr).to.not.match(/^\s+at /m); // the message, not a stack dump
    expect(run.stdout).to.contain('01-fine done in');
    expect(run.stdout).to.contain('02-broken FAILED after');
    expect(run.stdout).to.not.contain('03-after');
  });

  it('leaves the previous report untouched and no staging folder behind', () => {
    expect(fs.readdirSync(out)).to.deep.equal(['index.html']);
    expect(fs.readFileSync(path.join(out, 'index.html'), 'utf8')).to.equal('PREVIOUS REPORT');
    expect(fs.readdirSync(work).sort()).to.deep.equal(['leaky', 'notebooks', 'reports', 'slow']);
  });

  it('refuses to publish a page that shows the VK token, without printing the token', () => {
    expect(leaked.code).to.equal(1);
    expect(leaked.stderr).to.contain(
      'notebook 01-leaky.ipynb failed: its output contains the value of VK_TOKEN',
    );
    expect(leaked.stdout + leaked.stderr).to.not.contain(TOKEN);
    expect(fs.existsSync(path.join(work, 'leaky-reports'))).to.equal(false);
  });

  it('names the cell that timed out (no error output exists then)', () => {
    expect(timedOut.code).to.equal(1);
    expect(timedOut.stderr).to.contain(
      'notebook 01-slow.ipynb failed in cell 1 ("await new Promise((r) => setTimeout(r, 60_000));")',
    );
    expect(timedOut.stderr).to.match(/CellTimeoutError: A cell timed out .* after 3 seconds/);
  });
});

describe('e2e: an interrupted report', function () {
  this.timeout(5 * 60 * 1000);
  let work: string;
  let out: string;
  let nbs: string;
  let run: CliResult;

  before(async function () {
    requireTools(this, false);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-int-'));
    nbs = path.join(work, 'notebooks');
    fs.mkdirSync(nbs);
    fs.writeFileSync(
      path.join(nbs, '01-long.ipynb'),
      notebook(['console.log("cell 0 done")', 'await new Promise((r) => setTimeout(r, 120_000));']),
    );
    out = path.join(work, 'reports');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'index.html'), 'PREVIOUS REPORT');
    const { child, done } = startReportCli(['--notebooks', nbs, '--out', out], {
      STUDY_SNAPSHOT: path.join(work, 'snapshot'),
    });
    // Interrupt once the kernel is running the long cell (its cwd is the notebook folder).
    const deadline = Date.now() + 120_000;
    while (processesIn(nbs).length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 500));
    await new Promise((r) => setTimeout(r, 3000));
    child.kill('SIGINT');
    run = await done;
  });

  after(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('exits 130, keeps the previous report, and leaves no staging folder or kernel behind', async () => {
    expect(run.code, run.stderr).to.equal(130);
    expect(run.stderr).to.contain('Interrupted: no report was written');
    expect(fs.readFileSync(path.join(out, 'index.html'), 'utf8')).to.equal('PREVIOUS REPORT');
    expect(fs.readdirSync(work).sort()).to.deep.equal(['notebooks', 'reports']);
    await new Promise((r) => setTimeout(r, 1000));
    expect(processesIn(nbs), 'kernel processes left running').to.deep.equal([]);
  });
});
