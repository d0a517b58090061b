/**
 * The labelling sheet as one offline HTML page: open it in a browser, open each profile
 * from its link, press B / H / U (bot, human, unsure), and save the CSV. The page loads
 * nothing from the network (no scripts, styles or fonts from elsewhere); the profile links
 * are the only way out, and only when clicked. Labels are kept in the browser's local
 * storage as they are made, so closing the tab loses nothing; "Save CSV" writes the same
 * columns label-sample wrote, with the labels filled in.
 */
import { jsonForScript, scriptSafe } from '../viz/display';
import type { LabelSample } from './label-sample';
import { SHEET_COLUMNS, sheetRow } from './label-sheet';

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The page's script (plain ES2017, no dependencies). */
const SCRIPT = String.raw`
(function () {
  var data = JSON.parse(document.getElementById('sheet-data').textContent);
  var key = 'vk-label-sheet:' + data.snapshot + ':' + data.seed;
  var labels = {};
  var notes = {};
  try {
    var saved = JSON.parse(window.localStorage.getItem(key) || '{}');
    labels = saved.labels || {};
    notes = saved.notes || {};
  } catch (e) { /* no storage: labels live in the page only */ }
  var current = 0;
  var rows = Array.prototype.slice.call(document.querySelectorAll('tr.member'));
  function persist() {
    try { window.localStorage.setItem(key, JSON.stringify({ labels: labels, notes: notes })); } catch (e) {}
  }
  function field(v) {
    var s = String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function render() {
    var done = 0;
    rows.forEach(function (tr, i) {
      var l = labels[i] || '';
      if (l) done++;
      tr.setAttribute('data-label', l);
      tr.classList.toggle('current', i === current);
      tr.querySelectorAll('button[data-set]').forEach(function (b) {
        b.setAttribute('aria-pressed', String(b.getAttribute('data-set') === l));
      });
    });
    document.getElementById('progress').textContent = done + ' of ' + rows.length + ' labelled';
  }
  function setLabel(i, l) {
    if (labels[i] === l) delete labels[i]; else labels[i] = l;
    persist();
    render();
  }
  rows.forEach(function (tr, i) {
    tr.querySelectorAll('button[data-set]').forEach(function (b) {
      b.addEventListener('click', function () { current = i; setLabel(i, b.getAttribute('data-set')); });
    });
    var note = tr.querySelector('input.note');
    note.value = notes[i] || '';
    note.addEventListener('input', function () { notes[i] = note.value; persist(); });
    tr.addEventListener('click', function () { current = i; render(); });
  });
  function csv() {
    var lines = [data.columns.join(',')];
    data.rows.forEach(function (r, i) {
      var out = r.slice(0, r.length - 2).concat([labels[i] || '', notes[i] || '']);
      lines.push(out.map(field).join(','));
    });
    return lines.join('\r\n') + '\r\n';
  }
  window.labelSheetCsv = csv;
  document.getElementById('save').addEventListener('click', function () {
    var blob = new Blob([csv()], { type: 'text/csv;charset=utf-8' });
    var a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = data.fileName;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  });
  document.addEventListener('keydown', function (e) {
    if (e.target && e.target.tagName === 'INPUT') return;
    var k = e.key.toLowerCase();
    if (k === 'b' || k === 'h' || k === 'u') {
      setLabel(current, k === 'b' ? 'bot' : k === 'h' ? 'human' : 'unsure');
      if (current < rows.length - 1) current++;
    } else if (k === 'j' || e.key === 'ArrowDown') current = Math.min(rows.length - 1, current + 1);
    else if (k === 'k' || e.key === 'ArrowUp') current = Math.max(0, current - 1);
    else if (k === 'o') window.open(rows[current].getAttribute('data-profile'), '_blank', 'noopener');
    else return;
    e.preventDefault();
    render();
    rows[current].scrollIntoView({ block: 'nearest' });
  });
  render();
})();
`;

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; margin: 1.5rem; color: #222; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 6px; text-align: left; }
tr.current { outline: 2px solid #0072B2; }
tr[data-label="bot"] { background: #fbe3d4; }
tr[data-label="human"] { background: #d9f0e6; }
tr[data-label="unsure"] { background: #eeeeee; }
button[aria-pressed="true"] { font-weight: bold; background: #0072B2; color: white; }
header { position: sticky; top: 0; background: white; padding: 0.5rem 0; border-bottom: 1px solid #ccc; }
`;

/** The whole page. `fileName` is what "Save CSV" suggests (the CSV label-sample wrote). */
export function labelSheetHtml(sample: LabelSample, fileName: string): string {
  const rows = sample.members.map((m, i) => sheetRow(sample, m, i + 1));
  const body = sample.members
    .map((m, i) => {
      const r = rows[i];
      const cells = [
        r[2],
        `<a href="${escapeHtml(r[4])}" target="_blank" rel="noopener">id${m.id}</a>`,
        ...r.slice(5, 12).map(escapeHtml),
      ];
      const buttons = ['bot', 'human', 'unsure']
        .map((l) => `<button type="button" data-set="${l}" aria-pressed="false">${l}</button>`)
        .join(' ');
      return (
        `<tr class="member" data-profile="${escapeHtml(r[4])}">` +
        cells.map((c) => `<td>${c}</td>`).join('') +
        `<td>${buttons}</td><td><input class="note" type="text" size="18" aria-label="note"></td></tr>`
      );
    })
    .join('\n');
  const data = { snapshot: sample.snapshot, seed: sample.seed, columns: SHEET_COLUMNS, rows, fileName };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>Label ${sample.members.length} members: bot, human or unsure</title>
<style>${STYLE}</style></head>
<body>
<header>
<h1>Is this account a bot?</h1>
<p>Snapshot <code>${escapeHtml(sample.snapshot)}</code>, sample seed ${sample.seed}: ${sample.members.length} live members drawn at random, in draw order.
Open each profile (link, or <kbd>O</kbd>), then press <kbd>B</kbd> bot, <kbd>H</kbd> human, <kbd>U</kbd> unsure
(<kbd>J</kbd>/<kbd>K</kbd> move). Label from the top and do not skip members you find hard: mark them unsure.
Labels are kept in this browser as you go. <button type="button" id="save">Save CSV</button> <span id="progress"></span></p>
</header>
<table><thead><tr><th>#</th><th>profile</th><th>first name</th><th>sex</th><th>photo</th><th>city</th><th>followers</th><th>closed</th><th>last seen</th><th>label</th><th>note</th></tr></thead>
<tbody>
${body}
</tbody></table>
<script type="application/json" id="sheet-data">${jsonForScript(data)}</script>
<script>${scriptSafe(SCRIPT)}</script>
</body></html>
`;
}
