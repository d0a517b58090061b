/**
 * reports/index.html: title, date, data source, and per notebook its computed summary, its
 * headline charts (small, static, drawn from the report's shared plotly.js copy) and a link.
 * The text needs no script; the charts say so in their box when plotly.js is missing.
 */
import type { DataSource } from '../notebook/source';
import { figureHtml } from '../viz/display';
import type { Figure } from '../viz/theme';
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
  /** The notebook's headline charts (none when it showed none). */
  charts?: Figure[];
  /** The page's size on disk. */
  bytes?: number;
}

export interface IndexPage {
  title: string;
  generatedAt: Date;
  source: DataSource;
  entries: IndexEntry[];
  totalSeconds: number;
  /** The shared plotly.js copy relative to the index; without it the index has no charts. */
  plotlyAsset?: string;
}

/**
 * A headline chart made static for the index: the page keeps the interactive one. Its size
 * and margins stay the notebook's (a shrunk chart overlaps its legend with its axis title).
 */
export function thumbnailFigure(fig: Figure): Figure {
  return {
    data: fig.data,
    layout: fig.layout,
    config: { ...(fig.config ?? {}), staticPlot: true, responsive: true },
  };
}

function chartsHtml(e: IndexEntry, withCharts: boolean): string {
  if (!withCharts || !e.charts?.length) return '';
  const divs = e.charts.map((fig, i) =>
    figureHtml(thumbnailFigure(fig), `index-${e.notebook.replace(/[^\w-]/g, '_')}-${i}`),
  );
  return `<a class="charts" href="${escapeHtml(e.href)}" aria-label="${escapeHtml(e.title)}: open the page">${divs.join('\n')}</a>`;
}

function entryHtml(e: IndexEntry, withCharts: boolean): string {
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
    `${chartsHtml(e, withCharts)}${body}<p class="meta">${escapeHtml(e.notebook)}.ipynb · ran in ${e.seconds.toFixed(1)} s` +
    `${s ? ` · ${s.figures} chart${s.figures === 1 ? '' : 's'}` : ''}` +
    `${e.bytes !== undefined ? ` · page ${(e.bytes / 1e6).toFixed(2)} MB` : ''}</p></section>`
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
${
  page.plotlyAsset
    ? `<script>window.StudyReport = { plotly: ${JSON.stringify(page.plotlyAsset)} };</script>\n<script src="${escapeHtml(page.plotlyAsset)}"></script>`
    : ''
}
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
.contents { columns: 2; font-size: 15px; }
.charts { display: block; text-decoration: none; color: inherit; }
.charts .study-figure { border: 1px solid #e5e5e5; border-radius: 4px; margin: 6px 0; }
.study-figure-failed { padding: 10px 14px; border: 2px solid #d55e00 !important; background: #fff4ec; color: #5a2000; }
@media print { .entry { break-inside: avoid; } .contents { display: none; } }
</style>
</head>
<body>
${sourceBannerHtml(page.source)}
<h1>${escapeHtml(page.title)}</h1>
<p class="date">Generated ${escapeHtml(date)} · ${page.entries.length} notebooks · ${page.totalSeconds.toFixed(1)} s</p>
<nav class="contents" aria-label="Contents"><ol>${page.entries.map((e) => `<li><a href="${escapeHtml(e.href)}">${escapeHtml(e.title)}</a></li>`).join('')}</ol></nav>
${page.entries.map((e) => entryHtml(e, page.plotlyAsset !== undefined)).join('\n')}
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
