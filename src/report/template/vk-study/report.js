/* global window, document */
// The report page's reading aids, inlined into every page by index.html.j2: the page-wide
// code toggle (each cell folds on its own as a <details>), the table of contents, a
// "Download CSV" link under every table (the CSV is built from the table in the page, so
// it works offline: a cell's unrounded value where the table gives one in `data-csv`, its
// text otherwise), and charts sized for print.
// Plain ES5 with no template delimiters: nbconvert's Jinja includes this file verbatim.
(function () {
  'use strict';

  /** One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. */
  function csvField(text) {
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  /** Rows of cell texts → CSV text, CRLF line ends (RFC 4180). */
  function rowsToCsv(rows) {
    return (
      rows
        .map(function (r) {
          return r.map(csvField).join(',');
        })
        .join('\r\n') + '\r\n'
    );
  }

  /**
   * A cell's CSV fields: the JSON list in its `data-csv` attribute (unrounded numbers, an
   * interval's two ends; null is an empty field), else its text as a reader sees it.
   */
  function cellFields(cell) {
    var raw = cell.getAttribute('data-csv');
    if (raw === null) return [cell.textContent.replace(/\s+/g, ' ').trim()];
    return JSON.parse(raw).map(function (v) {
      return v === null ? '' : String(v);
    });
  }

  /** A table's rows of CSV fields; a cell spanning n columns fills n. */
  function tableRows(table) {
    var rows = [];
    var trs = table.querySelectorAll('tr');
    for (var i = 0; i < trs.length; i++) {
      var row = [];
      var cells = trs[i].children;
      for (var j = 0; j < cells.length; j++) {
        row.push.apply(row, cellFields(cells[j]));
        for (var k = 1; k < (cells[j].colSpan || 1); k++) row.push('');
      }
      if (row.length) rows.push(row);
    }
    return rows;
  }

  function pageName() {
    var file = decodeURIComponent(window.location.pathname.split('/').pop() || 'page');
    return file.replace(/\.html?$/i, '') || 'page';
  }

  function addCsvLinks() {
    var tables = document.querySelectorAll('.jp-Cell table');
    for (var i = 0; i < tables.length; i++) {
      var rows = tableRows(tables[i]);
      if (rows.length === 0) continue;
      var name = pageName() + '-table-' + (i + 1) + '.csv';
      var p = document.createElement('p');
      p.className = 'study-csv';
      var a = document.createElement('a');
      a.href = 'data:text/csv;charset=utf-8,' + encodeURIComponent(rowsToCsv(rows));
      a.download = name;
      a.textContent = 'Download CSV';
      a.title = name + ': this table, numbers unrounded, ' + rows.length + ' rows including the header';
      p.appendChild(a);
      tables[i].parentNode.insertBefore(p, tables[i].nextSibling);
    }
  }

  function headingText(h) {
    var copy = h.cloneNode(true);
    var anchors = copy.querySelectorAll('.anchor-link');
    for (var i = 0; i < anchors.length; i++) anchors[i].parentNode.removeChild(anchors[i]);
    return copy.textContent.replace(/\s+/g, ' ').trim();
  }

  function buildToc() {
    var nav = document.querySelector('.study-toc');
    if (!nav) return;
    var list = nav.querySelector('ol');
    var heads = document.querySelectorAll('.jp-MarkdownCell h2[id], .jp-MarkdownCell h3[id]');
    for (var i = 0; i < heads.length; i++) {
      var li = document.createElement('li');
      li.className = 'study-toc-' + heads[i].tagName.toLowerCase();
      var a = document.createElement('a');
      a.href = '#' + heads[i].id;
      a.textContent = headingText(heads[i]);
      li.appendChild(a);
      list.appendChild(li);
    }
    if (heads.length) nav.hidden = false;
    // Title first, then the contents: the nav moves to just after the page's first heading.
    var h1 = document.querySelector('.jp-MarkdownCell h1');
    if (h1) {
      document.title = headingText(h1);
      h1.parentNode.insertBefore(nav, h1.nextSibling);
    }
  }

  function setupCodeToggle() {
    var button = document.querySelector('.study-code-all');
    var cells = document.querySelectorAll('details.study-code');
    if (!button) return;
    if (cells.length === 0) {
      button.hidden = true;
      return;
    }
    var sync = function () {
      var open = 0;
      for (var i = 0; i < cells.length; i++) if (cells[i].open) open++;
      var all = open === cells.length;
      button.textContent = all ? 'Hide all code' : 'Show all code';
      button.setAttribute('aria-pressed', all ? 'true' : 'false');
    };
    button.addEventListener('click', function () {
      var show = button.getAttribute('aria-pressed') !== 'true';
      for (var i = 0; i < cells.length; i++) cells[i].open = show;
      sync();
    });
    for (var i = 0; i < cells.length; i++) cells[i].addEventListener('toggle', sync);
    sync();
  }

  // A chart is drawn at the screen's width; printed, it must fit the paper. Printing to PDF
  // from the DevTools protocol or the command line fires no print event to redraw it, so each
  // chart carries its drawn width and the zoom that fits it into 640 px (A4 and US Letter at
  // the page's margins), and the print stylesheet applies them.
  var PRINT_WIDTH = 640;
  function setPrintZoom() {
    var charts = document.querySelectorAll('.study-figure');
    for (var i = 0; i < charts.length; i++) {
      var w = charts[i].getBoundingClientRect().width;
      var zoom = w > PRINT_WIDTH ? PRINT_WIDTH / w : 1;
      charts[i].style.setProperty('--study-print-width', w + 'px');
      charts[i].style.setProperty('--study-print-zoom', String(zoom));
    }
  }

  function start() {
    buildToc();
    setupCodeToggle();
    addCsvLinks();
    setPrintZoom();
    window.addEventListener('load', setPrintZoom);
    window.addEventListener('resize', setPrintZoom);
  }

  if (typeof module === 'object' && module && module.exports) {
    module.exports = { csvField: csvField, rowsToCsv: rowsToCsv, cellFields: cellFields };
  } else if (typeof document !== 'undefined') {
    start();
  }
})();
