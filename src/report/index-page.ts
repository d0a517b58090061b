/**
 * reports/index.html: title, date, data source, and per notebook its computed summary and
 * a link. Pure HTML with inline CSS and no scripts, so it is offline by construction.
 */
import type { DataSource } from '../notebook/source';
import { sourceBannerHtml } from '../notebook/source';
import type { NotebookSummary } from '../notebook/summary';
import { escapeHtml } from '../util/html';

export interface IndexEntry {
  /** File name without extension, e.g. "02-status". */
  notebook: string;
  /** The notebook's first markdown heading. */
  title: string;
  /** Link target relative to the index, e.g. "02-status.html". */
  href: string;
  seconds: number;
  summary: NotebookSummary | null;
}

export interface IndexPage {
  title: string;
  generatedAt: Date;
  source: DataSource;
  entries: IndexEntry[];
  totalSeconds: number;
}

function entryHtml(e: IndexEntry): string {
  const s = e.summary;
  const body =
    s === null
      ? '<p class="missing">This notebook recorded no summary.</p>'
      : `<p class="headline">${escapeHtml(s.headline)}</p>` +
        (s.items.length
          ? `<ul>${s.items.map((i) => `<li><span class="label">${escapeHtml(i.label)}:</span> ${escapeHtml(i.value)}</li>`).join('')}</ul>`
          : '') +
        (s.notBuilt.length
          ? `<p class="notbuilt">Not built yet: ${s.notBuilt.map(escapeHtml).join('; ')}.</p>`
          : '');
  return (
    `<section class="entry" data-notebook="${escapeHtml(e.notebook)}">` +
    `<h2><a href="${escapeHtml(e.href)}">${escapeHtml(e.title)}</a></h2>` +
    `${body}<p class="meta">${escapeHtml(e.notebook)}.ipynb · ran in ${e.seconds.toFixed(1)} s` +
    `${s ? ` · ${s.figures} chart${s.figures === 1 ? '' : 's'}` : ''}</p></section>`
  );
}

export function renderIndex(page: IndexPage): string {
  const date = page.generatedAt
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; color: #222; max-width: 960px; margin: 24px auto; padding: 0 16px; }
h1 { margin-bottom: 4px; }
.date { color: #555; margin-top: 0; }
.entry { border-top: 1px solid #ddd; padding: 8px 0 4px; }
.entry h2 { font-size: 20px; margin: 8px 0 4px; }
.entry a { color: #0072B2; }
.headline { font-weight: 600; margin: 4px 0; }
.label { color: #555; }
.notbuilt { color: #8a5a00; }
.meta, .missing { color: #777; font-size: 14px; }
</style>
</head>
<body>
${sourceBannerHtml(page.source)}
<h1>${escapeHtml(page.title)}</h1>
<p class="date">Generated ${escapeHtml(date)} · ${page.entries.length} notebooks · ${page.totalSeconds.toFixed(1)} s</p>
${page.entries.map(entryHtml).join('\n')}
</body>
</html>
`;
}

/** The first markdown heading of a notebook (its title on the index), else its file name. */
export function notebookTitle(
  nb: { cells?: { cell_type: string; source: string | string[] }[] },
  fallback: string,
): string {
  for (const cell of nb.cells ?? []) {
    if (cell.cell_type !== 'markdown') continue;
    const text = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
    const m = /^#{1,3}\s+(.+)$/m.exec(text);
    if (m) return m[1].trim();
  }
  return fallback;
}
