import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readSummary, recordSummary, summaryFile, validateSummary } from '../../src/notebook/summary';
import { figuresShown, showFigure } from '../../src/viz/display';

describe('notebook/summary', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'summary-test-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the summary into STUDY_SUMMARY_DIR and reads it back', () => {
    const s = recordSummary(
      {
        notebook: '02-status',
        headline: 'h',
        items: [{ label: 'a', value: '1 %' }],
        figures: 2,
        notBuilt: ['x'],
      },
      { STUDY_SUMMARY_DIR: dir },
    );
    const back = readSummary(dir, '02-status');
    expect(back).to.deep.equal(s);
    expect(back?.figures).to.equal(2);
    expect(fs.readdirSync(dir).sort()).to.deep.equal(['02-status.charts.json', '02-status.summary.json']); // no temp files left
  });

  it('counts figures shown in this process when not given', () => {
    const before = figuresShown();
    showFigure({ data: [{ type: 'bar', x: [1], y: [1] }], layout: {} }, { html: () => undefined });
    const s = recordSummary({ notebook: '05-model', headline: 'h', items: [] }, { STUDY_SUMMARY_DIR: dir });
    expect(s.figures).to.equal(before + 1);
  });

  it('writes nothing outside a report run', () => {
    const s = recordSummary({ notebook: '01-pull', headline: 'h', items: [] }, {});
    expect(s.headline).to.equal('h');
    expect(fs.readdirSync(dir)).to.deep.equal([]);
  });

  it('returns null for a notebook that recorded nothing and rejects malformed files', () => {
    expect(readSummary(dir, '03-activity-time')).to.equal(null);
    fs.writeFileSync(summaryFile(dir, '03-activity-time'), '{"notebook": "03-activity-time", "headline": 3}');
    expect(() => readSummary(dir, '03-activity-time')).to.throw(/"headline" must be a string/);
    fs.writeFileSync(summaryFile(dir, '04-geography'), 'not json');
    expect(() => readSummary(dir, '04-geography')).to.throw(/not valid JSON/);
    expect(() =>
      validateSummary(
        { notebook: 'status', headline: '', items: [], figures: 0, notBuilt: [], recordedAt: '' },
        't',
      ),
    ).to.throw(/"02-status"/);
  });
});
