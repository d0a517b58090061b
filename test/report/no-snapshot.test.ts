// A report built from no data is a failed report: the run stops before any kernel starts,
// exits non-zero, names the missing snapshot and the command that makes it, and leaves the
// previous report as it was.
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { runReport } from '../../src/report/runner';
import { SetupError } from '../../src/util/errors';
import { findRepoRoot } from '../../src/util/repo-root';

const ROOT = findRepoRoot(__dirname);
const REPORT_CLI = path.resolve(__dirname, '..', '..', 'src', 'cli', 'report.js');

describe('report: no snapshot, no report', () => {
  let work: string;
  let out: string;
  let missing: string;

  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'report-nosnap-'));
    out = path.join(work, 'reports');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'index.html'), 'PREVIOUS REPORT');
    // A folder that surely does not exist, at the top of the filesystem like /nonexistent.
    missing = `/nonexistent-${randomBytes(6).toString('hex')}`;
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  const previousKept = (): void => {
    expect(fs.readdirSync(out)).to.deep.equal(['index.html']);
    expect(fs.readFileSync(path.join(out, 'index.html'), 'utf8')).to.equal('PREVIOUS REPORT');
    expect(fs.readdirSync(work)).to.deep.equal(['reports']); // no staging folder
  };

  it('STUDY_SNAPSHOT=/nonexistent npm run report -- --only 02-status: exit 2 at once, naming the folder and the command', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, STUDY_SNAPSHOT: missing };
    for (const k of ['VK_TOKEN', 'VK_GROUP', 'STUDY_MEMBERS', 'STUDY_SEED', 'STUDY_SUMMARY_DIR'])
      delete env[k];
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [REPORT_CLI, '--only', '02-status', '--out', out], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stderr).to.equal(2);
    expect(r.stderr).to.contain(`no finished snapshot in ${missing} (STUDY_SNAPSHOT)`);
    expect(r.stderr).to.contain('`npm run report -- --only 01-pull`');
    expect(r.stderr).to.not.match(/^\s+at /m);
    expect(r.stdout, 'no notebook was started').to.not.contain('[1/1]');
    expect(Date.now() - t0, 'before any kernel starts').to.be.lessThan(30_000);
    previousKept();
    expect(fs.existsSync(missing)).to.equal(false);
  });

  it('a whole run refuses a snapshot folder the pull cannot create, before any kernel', async () => {
    const file = path.join(work, 'a-file');
    fs.writeFileSync(file, 'not a folder');
    const err = await runReport({
      repoRoot: ROOT,
      outDir: out,
      env: { STUDY_SNAPSHOT: path.join(file, 'snapshot') },
      jupyter: '/nonexistent/jupyter', // never reached
      log: () => undefined,
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(SetupError);
    expect((err as Error).message)
      .to.contain(`no finished snapshot in ${path.join(file, 'snapshot')} (STUDY_SNAPSHOT)`)
      .and.contain(`${file} is not a writable folder`)
      .and.contain('`npm run report`');
    fs.rmSync(file);
    previousKept();
  });

  it('a folder of notebooks without the pull notebook expects no snapshot', async () => {
    const nbs = path.join(work, 'nbs');
    fs.mkdirSync(nbs);
    fs.writeFileSync(path.join(nbs, '01-other.ipynb'), '{}');
    const err = await runReport({
      repoRoot: ROOT,
      notebooksDir: nbs,
      outDir: out,
      env: { STUDY_SNAPSHOT: missing },
      jupyter: '/nonexistent/jupyter',
      log: () => undefined,
    }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    // It gets as far as looking for Jupyter: the snapshot was not asked for.
    expect(err?.message).to.contain('/nonexistent/jupyter not found');
    fs.rmSync(nbs, { recursive: true });
    previousKept();
  });
});
