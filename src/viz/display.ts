/**
 * Showing a Plotly figure from a tslab cell so it renders both in the exported HTML and in
 * JupyterLab (trusted notebook). Per docs/toolchain.md: nbconvert's HTML export
 * ignores the plotly MIME type and drops text/javascript, so the first figure of a kernel
 * inlines plotly.min.js once in a text/html output, then each figure is one <div> plus a
 * <script>Plotly.newPlot(...)</script>. Nothing is fetched from the network.
 */
import * as fs from 'fs';
import type { Figure } from './theme';

/** The one output sink we need from tslab's `display` (injected in tests). */
export interface HtmlSink {
  html(s: string): void;
}

// Kept on globalThis, not in this module: a kernel may load this module through different
// paths, and one kernel = one notebook.
const STATE = Symbol.for('vk-audience-study.plotlyState');
interface PlotlyState {
  inlined: boolean;
  /** Figures shown so far in this kernel (the notebook's summary reports it). */
  next: number;
}
type StateHost = { [STATE]?: PlotlyState };

function state(): PlotlyState {
  const host = globalThis as StateHost;
  host[STATE] ??= { inlined: false, next: 0 };
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

/** The once-per-kernel output that defines window.Plotly. */
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

/** One chart: a div and the script that draws it. Pure. */
export function figureHtml(fig: Figure, divId: string): string {
  if (!/^[A-Za-z][\w-]*$/.test(divId)) throw new Error(`invalid chart div id "${divId}".`);
  if (!Array.isArray(fig.data) || fig.data.length === 0)
    throw new Error('figure has no traces: nothing to draw.');
  const height = typeof fig.layout.height === 'number' ? fig.layout.height : 420;
  // When the library output is missing (e.g. cleared in JupyterLab), say so in the page
  // instead of leaving an empty box.
  return (
    `<div id="${divId}" class="study-figure" style="width:100%;min-height:${height}px"></div>\n` +
    `<script type="text/javascript">(function(){var el=document.getElementById(${JSON.stringify(divId)});` +
    `if(!window.Plotly){el.textContent='plotly.js is not loaded: run the notebook from its first cell (trusted notebook).';return;}` +
    `window.Plotly.newPlot(el,${jsonForScript(fig.data)},${jsonForScript(fig.layout)},${jsonForScript(fig.config ?? {})});})();</script>`
  );
}

function tslabDisplay(): HtmlSink {
  // Loaded lazily: only a kernel has a display, and tslab pulls in its own TypeScript.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('tslab') as { display: HtmlSink }).display;
}

/**
 * Shows `fig` in the current tslab cell. The first call in a kernel also emits plotly.js
 * (4.8 MB) once; later calls emit only the chart.
 */
export function showFigure(fig: Figure, sink: HtmlSink = tslabDisplay()): string {
  const s = state();
  if (!s.inlined) {
    sink.html(plotlyLibraryHtml());
    s.inlined = true;
  }
  const id = `study-fig-${process.pid}-${s.next++}`;
  sink.html(figureHtml(fig, id));
  return id;
}

/** How many figures this kernel has shown. */
export function figuresShown(): number {
  return state().next;
}

/** For tests and for a kernel restarted in-process: forget that plotly.js was inlined. */
export function resetFigureState(): void {
  (globalThis as StateHost)[STATE] = { inlined: false, next: 0 };
}
