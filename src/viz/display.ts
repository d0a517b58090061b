/**
 * Showing a Plotly figure from a tslab cell so it draws in every place a notebook is read.
 *
 * Each chart is ONE display_data output carrying three representations:
 * - `application/vnd.plotly.v1+json`, Plotly's own MIME type, which JupyterLab (with
 *   plotly's extension), VS Code and nteract draw natively;
 * - `text/html`: a `<div>` plus a script that draws it with `window.Plotly`. nbconvert's HTML
 *   export uses this one (docs/toolchain.md). When the page has no plotly.js, the script
 *   decides by where it runs: in an exported report page (which sets `window.StudyReport`)
 *   it says which file is missing; in a live notebook it loads plotly.js from the notebook
 *   server itself, so a reloaded tab or a reopened notebook draws again;
 * - `text/plain`, for front ends that show neither.
 * Nothing is fetched from the network: the live server serves the project's own copy.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Figure } from './theme';

/** The sink for one chart: a whole MIME bundle when the kernel allows it, else HTML only. */
export interface FigureSink {
  html(s: string): void;
  /** One display_data with several representations of the same chart. */
  bundle?(data: Record<string, unknown>): void;
}
/** Kept for callers that only display HTML. */
export type HtmlSink = FigureSink;

export interface ShowFigureOptions {
  /** One of the notebook's headline charts, drawn on the report's index page. */
  headline?: boolean;
  sink?: FigureSink;
}

export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

// Kept on globalThis, not in this module: a kernel may load this module through different
// paths, and one kernel = one notebook.
const STATE = Symbol.for('vk-audience-study.plotlyState');
interface PlotlyState {
  /** Figures shown so far in this kernel (the notebook's summary reports it). */
  next: number;
  /** Figures marked as headline charts, in order. */
  headline: Figure[];
  /** The first figure shown: the headline chart when none is marked. */
  first: Figure | null;
}
type StateHost = { [STATE]?: PlotlyState };

function state(): PlotlyState {
  const host = globalThis as StateHost;
  host[STATE] ??= { next: 0, headline: [], first: null };
  return host[STATE];
}

/** Path of the minified plotly.js bundle (plotly.js ≥ 3 is required under require.js: docs/toolchain.md). */
export function plotlyBundlePath(): string {
  return require.resolve('plotly.js-dist-min/plotly.min.js');
}

/** Makes text safe inside an inline <script>: a literal "</script" would end the element early. */
export function scriptSafe(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** plotly.js inlined in one HTML output: for standalone pages built outside the report (e.g. a bench's chart). */
export function plotlyLibraryHtml(bundle: string = fs.readFileSync(plotlyBundlePath(), 'utf8')): string {
  return `<script type="text/javascript">${scriptSafe(bundle)}</script>`;
}

/** JSON for embedding in a script: also escapes characters a JS parser or HTML parser would trip on. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * Browser code shared by every chart script (kept small: it travels with each chart).
 * `window.StudyReport` is set by the report's page template; its `plotly` names the shared
 * copy the page loads. Outside a report, plotly.js is loaded once per page from the notebook
 * server's `files/` route: the notebook's folder comes from the page (classic Notebook's
 * `data-notebook-path`, else the notebook's URL), `rel` is the bundle's path from there.
 */
const LOADER_JS = `function studyPlotly(rel){var w=window;if(w.Plotly)return Promise.resolve(w.Plotly);
if(w.StudyReport)return Promise.reject(new Error('plotly.js is not loaded: this page needs '+w.StudyReport.plotly+' beside it. Copy or open the whole report folder, not one page.'));
if(!w.__studyPlotly){var b=document.body,base=(b&&b.getAttribute('data-base-url'))||'/',nb=b&&b.getAttribute('data-notebook-path'),dir=null;
if(nb!==null&&nb!==undefined){dir=nb.replace(/[^/]*$/,'');}else{var m=/^(.*?\\/)(?:notebooks|lab\\/tree|lab\\/workspaces\\/[^/]+\\/tree|doc\\/tree|tree)\\/(.*?)[^/]*$/.exec(location.pathname);if(m){base=m[1];dir=decodeURIComponent(m[2]);}}
w.__studyPlotly=new Promise(function(ok,fail){if(dir===null){fail(new Error('plotly.js is not loaded and this page is neither a report nor a notebook server page.'));return;}
var url=base.replace(/\\/?$/,'/')+'files/'+(dir+rel).split('/').map(encodeURIComponent).join('/'),s=document.createElement('script');
s.src=url;s.onload=function(){w.Plotly?ok(w.Plotly):fail(new Error(url+' did not define Plotly.'));};
s.onerror=function(){w.__studyPlotly=null;fail(new Error('plotly.js could not be loaded from '+url+': start Jupyter from the repository root so its server can serve node_modules/ (environment.md).'));};
document.head.appendChild(s);});}return w.__studyPlotly;}`;

/**
 * One chart: a div and the script that draws it. Pure. `plotlyRel` is the bundle's path
 * relative to the notebook's folder (for a live notebook server); a report ignores it.
 */
export function figureHtml(
  fig: Figure,
  divId: string,
  plotlyRel = '../node_modules/plotly.js-dist-min/plotly.min.js',
): string {
  if (!/^[A-Za-z][\w-]*$/.test(divId)) throw new Error(`invalid chart div id "${divId}".`);
  if (!Array.isArray(fig.data) || fig.data.length === 0)
    throw new Error('figure has no traces: nothing to draw.');
  const height = typeof fig.layout.height === 'number' ? fig.layout.height : 420;
  // A failure to draw is said in the chart's box, never left as an empty box.
  return (
    `<div id="${divId}" class="study-figure" style="width:100%;min-height:${height}px"></div>\n` +
    `<script type="text/javascript">(function(){${LOADER_JS}var el=document.getElementById(${JSON.stringify(divId)});` +
    `studyPlotly(${jsonForScript(plotlyRel)}).then(function(Plotly){return Plotly.newPlot(el,${jsonForScript(fig.data)},${jsonForScript(fig.layout)},${jsonForScript(fig.config ?? {})});})` +
    `.catch(function(e){el.className+=' study-figure-failed';el.style.minHeight='0';el.textContent=String(e&&e.message||e);});})();</script>`
  );
}

/** The plain-text stand-in of a chart: its title. */
export function figureText(fig: Figure): string {
  const t = fig.layout.title as { text?: unknown } | string | undefined;
  const title = typeof t === 'string' ? t : typeof t?.text === 'string' ? t.text : 'untitled';
  return `[chart: ${title}]`;
}

/** The one display_data of a chart: Plotly's MIME type, the HTML fallback and a text line. */
export function figureBundle(fig: Figure, divId: string, plotlyRel?: string): Record<string, unknown> {
  return {
    [PLOTLY_MIME]: { data: fig.data, layout: fig.layout, config: fig.config ?? {} },
    'text/html': figureHtml(fig, divId, plotlyRel),
    'text/plain': figureText(fig),
  };
}

interface TslabDisplay {
  html(s: string): void;
}
interface TslabJupyter {
  lastWriteDisplayData?: ((data: unknown, update: boolean) => void) | null;
}

/**
 * tslab's `display.raw` sends one MIME type per output; a multi-MIME display_data needs the
 * kernel's own writer, `lastWriteDisplayData` in tslab's jupyter module, which `display.raw`
 * itself calls (tslab 1.0.x: src/public.ts). When it is not there, charts are HTML only.
 */
function tslabSink(): FigureSink {
  // Loaded lazily: only a kernel has a display, and tslab pulls in its own TypeScript.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const display = (require('tslab') as { display: TslabDisplay }).display;
  let jupyter: TslabJupyter | null = null;
  try {
    jupyter = require('tslab/dist/jupyter') as TslabJupyter;
  } catch {
    jupyter = null;
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
  const sink: FigureSink = { html: (s) => display.html(s) };
  if (jupyter && typeof jupyter.lastWriteDisplayData === 'function') {
    sink.bundle = (data) => jupyter!.lastWriteDisplayData!({ data, metadata: {}, transient: {} }, false);
  }
  return sink;
}

/** The bundle's path from the kernel's folder (the notebook's), in URL form. */
function plotlyRelFromKernel(): string {
  return path.relative(process.cwd(), plotlyBundlePath()).split(path.sep).join('/');
}

function isSink(x: ShowFigureOptions | FigureSink): x is FigureSink {
  return typeof (x as FigureSink).html === 'function';
}

/** Shows `fig` in the current tslab cell (see the top of this file). */
export function showFigure(fig: Figure, options: ShowFigureOptions | FigureSink = {}): void {
  const opts: ShowFigureOptions = isSink(options) ? { sink: options } : options;
  const sink = opts.sink ?? tslabSink();
  const s = state();
  const id = `study-fig-${process.pid}-${s.next}`;
  const rel = plotlyRelFromKernel();
  if (sink.bundle) sink.bundle(figureBundle(fig, id, rel));
  else sink.html(figureHtml(fig, id, rel));
  s.next++;
  s.first ??= fig;
  if (opts.headline) s.headline.push(fig);
}

/** How many figures this kernel has shown. */
export function figuresShown(): number {
  return state().next;
}

/** The notebook's headline charts: those marked, else its first chart, else none. */
export function headlineFigures(): Figure[] {
  const s = state();
  return s.headline.length ? [...s.headline] : s.first ? [s.first] : [];
}

/** For tests and for a kernel restarted in-process: forget the figures shown. */
export function resetFigureState(): void {
  (globalThis as StateHost)[STATE] = { next: 0, headline: [], first: null };
}
