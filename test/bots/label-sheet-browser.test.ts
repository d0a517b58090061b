import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { drawLabelSample, snapshotKey } from '../../src/bots/label-sample';
import { labelSheetCsv, readLabelSheet } from '../../src/bots/label-sheet';
import { labelSheetHtml } from '../../src/bots/label-sheet-html';
import { CHROMIUM, isCI, networkSources, renderedDom } from '../e2e/tools';
import { members } from './fixtures';

// Drives the real page in headless Chromium: clicks and keys as a labeller would, then the
// "Save CSV" button; the Blob it saves is captured and read back with readLabelSheet.
const DRIVER = `<script>
(function () {
  var saved = null;
  var create = URL.createObjectURL;
  URL.createObjectURL = function (blob) { saved = blob; return create.call(URL, blob); };
  function key(k) { document.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true })); }
  var rows = document.querySelectorAll('tr.member');
  rows[0].querySelector('button[data-set="bot"]').click();
  key('j'); key('h'); key('u');
  rows[5].querySelector('button[data-set="human"]').click();
  rows[5].querySelector('button[data-set="bot"]').click();
  var note = rows[5].querySelector('input.note');
  note.value = 'looked twice, "odd", posts ads'; note.dispatchEvent(new Event('input'));
  document.getElementById('save').click();
  saved.text().then(function (t) {
    var pre = document.createElement('pre'); pre.id = 'saved'; pre.textContent = t; document.body.appendChild(pre);
    var p = document.createElement('p'); p.id = 'progress-copy'; p.textContent = document.getElementById('progress').textContent; document.body.appendChild(p);
  });
})();
</script>`;

describe('bots: labelling sheet in a browser', function () {
  this.timeout(120000);
  before(function () {
    if (!fs.existsSync(CHROMIUM)) {
      if (isCI()) throw new Error(`${CHROMIUM} is missing and CI is set`);
      console.warn(`\n  !!! SKIPPING: needs ${CHROMIUM} (Debian chromium; npm run check installs it).\n`);
      this.skip();
    }
  });

  it('labels by click and key, saves a CSV that reads back; loads nothing from the network', () => {
    const snap = { group_id: 1, snapshot_time: '2024-06-01T08:00:00.000Z' };
    const live = members(30);
    const sample = drawLabelSample(live, 8, 4, snap);
    const html = labelSheetHtml(sample, 'labels.csv');
    expect(networkSources(html)).to.deep.equal([]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'label-sheet-'));
    try {
      const file = path.join(dir, 'sheet.html');
      fs.writeFileSync(file, html.replace('</body>', `${DRIVER}</body>`));
      const dom = renderedDom(file, 5000);
      const m = /<pre id="saved">([\s\S]*?)<\/pre>/.exec(dom);
      expect(m, 'the saved CSV').to.not.equal(null);
      const text = m![1]
        .replace(/&quot;/g, '"')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&');
      const ids = new Set(live.map((x) => x.id));
      const back = readLabelSheet(text, 'labels.csv', snapshotKey(snap), (id) =>
        ids.has(id) ? 'live' : 'unknown',
      );
      expect(back.rows.map((r) => r.label)).to.deep.equal([
        'bot',
        'human',
        'unsure',
        null,
        null,
        'bot',
        null,
        null,
      ]);
      // Same bytes as label-sample's CSV but for the labels and the note.
      const expected = labelSheetCsv(sample).split('\r\n');
      const got = text.split('\r\n');
      expect(got[0]).to.equal(expected[0]);
      expect(got[4]).to.equal(expected[4]);
      expect(got[6]).to.equal(expected[6].replace(/,,$/, ',bot,"looked twice, ""odd"", posts ads"'));
      expect(/<p id="progress-copy">4 of 8 labelled<\/p>/.test(dom)).to.equal(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
