import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startAudit } from '../../src/notebook/audit';
import { startAnalysis, startNotebook } from '../../src/notebook/start';
import { SYNTHETIC_AGREEMENT, finishNotebook, readSummary } from '../../src/notebook/summary';
import { SnapshotError } from '../../src/snapshot/read';
import { SNAP, member } from '../audit/fixtures';
import { writeSnapshotDir } from '../audit/snapshot-dir';

describe('notebook/start and finishNotebook', () => {
  let snap = '';
  const html: string[] = [];
  const printed: string[] = [];
  const opts = (env: Record<string, string>) => ({
    env,
    sink: { html: (s: string) => html.push(s) },
    print: (s: string) => printed.push(s),
  });
  before(async () => {
    snap = await writeSnapshotDir([member({ sex: 1 }), member({ deactivated: 'deleted' })], SNAP);
  });
  after(() => fs.rmSync(snap, { recursive: true, force: true }));
  beforeEach(() => {
    html.length = 0;
    printed.length = 0;
  });

  it('an analysis notebook without a snapshot stops at its parameter cell, saying how to make one', () => {
    const missing = path.join(os.tmpdir(), 'vkas-no-snapshot-here');
    expect(() => startAnalysis(undefined, opts({ STUDY_SNAPSHOT: missing }))).to.throw(
      SnapshotError,
      `No finished snapshot in ${missing}: run notebook 01 (the pull) first`,
    );
    // The banner and the parameters are out before it stops.
    expect(html[0]).to.contain('no snapshot yet');
    expect(printed[0]).to.contain(`STUDY_SNAPSHOT    = ${missing}`);
    expect(startNotebook(['STUDY_SNAPSHOT'], opts({ STUDY_SNAPSHOT: missing })).manifest).to.equal(null);
  });

  it('opens the snapshot; the audit start adds the AUDIT_* parameters and the audit input', () => {
    const a = startAnalysis(undefined, opts({ STUDY_SNAPSHOT: snap }));
    expect(a.snapshot.table.numRows()).to.equal(2);
    expect(a.manifest.snapshot_time).to.equal(a.snapshot.manifest.snapshot_time);
    expect(a.source).to.include({ kind: 'synthetic', from: 'manifest' });
    printed.length = 0;
    const s = startAudit(opts({ STUDY_SNAPSHOT: snap, AUDIT_INACTIVE_DAYS: '30' }));
    expect(s.audit.inactiveDays).to.equal(30);
    expect(s.input.table.numRows()).to.equal(2);
    expect(printed[1]).to.match(/^AUDIT_INACTIVE_DAYS {3}= 30\nAUDIT_MIN_CITY_COUNT {2}= 50 {2}\(default\)/);
  });

  it('finishNotebook records the summary with the data source first and shows it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vkas-summary-'));
    try {
      const md: string[] = [];
      const source = { kind: 'synthetic' as const, label: 'SYNTHETIC community', from: 'manifest' as const };
      const s = finishNotebook(
        {
          notebook: '02-status',
          source,
          headline: 'Of 2 followers, 50.0% are deleted.',
          items: [{ label: 'deleted', value: '1' }],
          study: 'The study reported ~14%; here: 50.0%.',
        },
        { env: { STUDY_SUMMARY_DIR: dir }, sink: { markdown: (t: string) => md.push(t) } },
      );
      expect(s.items.map((i) => i.label)).to.deep.equal(['data source', 'deleted']);
      expect(readSummary(dir, '02-status')).to.deep.equal(s);
      expect(md).to.deep.equal([
        '**Of 2 followers, 50.0% are deleted.**\n\n- data source: SYNTHETIC community\n- deleted: 1',
        `The study reported ~14%; here: 50.0%. (${SYNTHETIC_AGREEMENT})`,
      ]);
      md.length = 0;
      finishNotebook(
        {
          notebook: '02-status',
          source: { ...source, kind: 'vk' },
          headline: 'h',
          items: [],
          study: 'Beside the study.',
        },
        { env: {}, sink: { markdown: (t: string) => md.push(t) } },
      );
      expect(md[1]).to.equal('Beside the study.');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
