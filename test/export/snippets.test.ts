/**
 * The pandas and R computations of docs/export.md, run as printed on an export and
 * compared with the audit's counts. They read Parquet when pyarrow / R arrow are
 * installed; otherwise (Debian 12 packages neither) the docs' CSV line replaces the
 * Parquet one and the CSV export is read: the same computation after the read. Without
 * python3 + pandas or R + dplyr the test says so and skips.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { STATUSES, type MemberStatus } from '../../src/audit/status';
import { exportSnapshots } from '../../src/export/export';
import { auditCounts, docSnippet, edgeRows, tmpDir, writeSnapshot } from './fixtures';

function works(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0;
}

/** The first python3 that has pandas (a pyenv shim may shadow the system one). */
function python(): string | null {
  return ['python3', '/usr/bin/python3'].find((p) => works(p, ['-c', 'import pandas, numpy'])) ?? null;
}

/** Uses the docs' commented CSV line in place of the Parquet read. */
function csvVariant(code: string, readLine: RegExp, csvComment: RegExp): string {
  const csv = csvComment.exec(code);
  if (!csv || !readLine.test(code)) throw new Error('snippet lacks its Parquet read or its CSV alternative');
  return code.replace(readLine, csv[1]);
}

function parseCounts(stdout: string): Record<MemberStatus, number> {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<MemberStatus, number>;
  for (const line of stdout.split('\n')) {
    const m = /^\s*(active|inactive|hidden|deleted|banned)\s+(\d+)\s*$/.exec(line);
    if (m) counts[m[1] as MemberStatus] = Number(m[2]);
  }
  return counts;
}

describe('export: the pandas and R snippets of docs/export.md', function () {
  this.timeout(60_000);
  const root = tmpDir('snippets');
  const T = '2026-11-01T08:00:00.250Z';
  let snap: string;
  const outs: Record<'parquet' | 'csv', string> = { parquet: '', csv: '' };

  before(async () => {
    snap = await writeSnapshot(path.join(root, 'snap'), edgeRows(Date.parse(T) / 1000, 3000, 11), {
      groupId: 1,
      snapshotTime: T,
    });
    for (const format of ['parquet', 'csv'] as const) {
      outs[format] = path.join(root, format);
      await exportSnapshots({ snapshots: [snap], format, out: outs[format] });
    }
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('pandas gives the audit counts', function () {
    const py = python();
    if (py === null) {
      console.log('      (skipped: no python3 with pandas; Debian: apt-get install python3-pandas)');
      this.skip();
    }
    let code = docSnippet('status-pandas');
    let cwd = outs.parquet;
    if (!works(py, ['-c', 'import pyarrow'])) {
      code = csvVariant(code, /^m = pd\.read_parquet\(.*\)$/m, /^# from the CSV export: (.*)$/m);
      cwd = outs.csv;
      console.log('      (no pyarrow: ran the CSV line of the snippet on the CSV export)');
    }
    const r = spawnSync(py, ['-'], { input: code, cwd, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).to.equal(0);
    expect(parseCounts(r.stdout)).to.deep.equal(auditCounts(snap));
  });

  it('R (dplyr) gives the audit counts', function () {
    if (!works('Rscript', ['-e', 'library(dplyr)'])) {
      console.log('      (skipped: no Rscript with dplyr)');
      this.skip();
    }
    let code = docSnippet('status-r');
    let cwd = outs.parquet;
    if (!works('Rscript', ['-e', 'library(arrow)'])) {
      code = csvVariant(
        code,
        /^m <- read_parquet\(.*\)$/m,
        /^# from the CSV export, without arrow: (.*)$/m,
      ).replace(/^library\(arrow\)$/m, '');
      cwd = outs.csv;
      console.log('      (no R arrow: ran the CSV line of the snippet on the CSV export)');
    }
    const file = path.join(root, 'status.R');
    fs.writeFileSync(file, code);
    const r = spawnSync('Rscript', ['--vanilla', file], { cwd, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).to.equal(0);
    expect(parseCounts(r.stdout)).to.deep.equal(auditCounts(snap));
  });
});
