/**
 * Per-notebook computed summary: each notebook records a few numbers it computed, and the
 * report runner shows them on the index page. Written as JSON into STUDY_SUMMARY_DIR, a
 * folder the runner creates per run, so an index can never show numbers from another run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write';
import { figuresShown, headlineFigures } from '../viz/display';
import type { Figure } from '../viz/theme';
import { studyParams, type Env } from './params';
import type { DataSource } from './source';

export interface SummaryItem {
  label: string;
  /** Already formatted for reading (units included). */
  value: string;
}

export interface NotebookSummary {
  /** Notebook file name without extension, e.g. "02-status". */
  notebook: string;
  /** One sentence: the main computed finding (or what the notebook could do so far). */
  headline: string;
  items: SummaryItem[];
  /** Figures shown by this notebook's kernel (from showFigure); the e2e test checks they render. */
  figures: number;
  /** Stages the notebook says are not built yet; the index lists them plainly. */
  notBuilt: string[];
  recordedAt: string;
}

const NOTEBOOK_ID = /^\d\d-[a-z0-9-]+$/;

export function summaryFile(dir: string, notebook: string): string {
  return path.join(dir, `${notebook}.summary.json`);
}

/** The notebook's headline charts (Plotly figure JSON) for the index page. */
export function chartsFile(dir: string, notebook: string): string {
  return path.join(dir, `${notebook}.charts.json`);
}

export function validateSummary(value: unknown, source: string): NotebookSummary {
  const fail = (what: string): never => {
    throw new Error(
      `invalid notebook summary in ${source}: ${what}. Record it with recordSummary() from src/notebook/summary.`,
    );
  };
  if (typeof value !== 'object' || value === null) return fail('not a JSON object');
  const v = value as Record<string, unknown>;
  if (typeof v.notebook !== 'string' || !NOTEBOOK_ID.test(v.notebook))
    fail('"notebook" must look like "02-status"');
  if (typeof v.headline !== 'string') fail('"headline" must be a string');
  if (
    !Array.isArray(v.items) ||
    !v.items.every((i) => typeof i?.label === 'string' && typeof i?.value === 'string')
  ) {
    fail('"items" must be a list of {label, value} strings');
  }
  if (typeof v.figures !== 'number' || !Number.isInteger(v.figures) || v.figures < 0)
    fail('"figures" must be a count');
  if (!Array.isArray(v.notBuilt) || !v.notBuilt.every((s) => typeof s === 'string'))
    fail('"notBuilt" must be a list of strings');
  if (typeof v.recordedAt !== 'string') fail('"recordedAt" must be an ISO time');
  return v as unknown as NotebookSummary;
}

/**
 * Records a notebook's summary. Outside a report run (no STUDY_SUMMARY_DIR) nothing is
 * written; the summary is returned either way so the notebook can print it.
 */
export function recordSummary(
  summary: Omit<NotebookSummary, 'recordedAt' | 'figures' | 'notBuilt'> & {
    figures?: number;
    notBuilt?: string[];
  },
  env: Env = process.env,
): NotebookSummary {
  const full: NotebookSummary = {
    notebook: summary.notebook,
    headline: summary.headline,
    items: summary.items,
    figures: summary.figures ?? figuresShown(),
    notBuilt: summary.notBuilt ?? [],
    recordedAt: new Date().toISOString(),
  };
  validateSummary(full, `recordSummary(${summary.notebook})`);
  const dir = studyParams(env).summaryDir;
  if (dir !== null) {
    writeFileAtomic(chartsFile(dir, full.notebook), JSON.stringify(headlineFigures()) + '\n');
    writeFileAtomic(summaryFile(dir, full.notebook), JSON.stringify(full, null, 2) + '\n');
  }
  return full;
}

/** Reads one notebook's summary, or null if the notebook recorded none. */
export function readSummary(dir: string, notebook: string): NotebookSummary | null {
  const file = summaryFile(dir, notebook);
  if (!fs.existsSync(file)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`notebook summary ${file} is not valid JSON (${(err as Error).message}).`, {
      cause: err,
    });
  }
  return validateSummary(parsed, file);
}

/** The headline charts a notebook recorded with its summary (none when it recorded none). */
export function readHeadlineCharts(dir: string, notebook: string): Figure[] {
  const file = chartsFile(dir, notebook);
  if (!fs.existsSync(file)) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`headline charts ${file} are not valid JSON (${(err as Error).message}).`, {
      cause: err,
    });
  }
  if (!Array.isArray(parsed) || !parsed.every((f) => Array.isArray(f?.data) && typeof f?.layout === 'object'))
    throw new Error(`headline charts ${file} are not a list of Plotly figures.`);
  return parsed as Figure[];
}

/** The summary as a notebook shows it: the headline in bold, then one line per item. */
export function summaryMarkdown(s: Pick<NotebookSummary, 'headline' | 'items'>): string {
  return [`**${s.headline}**`, '', ...s.items.map((i) => `- ${i.label}: ${i.value}`)].join('\n');
}

/** Said after a comparison with the original study when the community is synthetic. */
export const SYNTHETIC_AGREEMENT =
  "This community is synthetic and calibrated to the study's figures: agreement checks the pipeline, not the world.";

interface MarkdownSink {
  markdown(s: string): void;
}

/**
 * The "what we learned" cell: records the summary for the index page (the data source
 * first), shows it, then the comparison with the original study if the notebook makes one,
 * with the synthetic caveat when it applies.
 */
export function finishNotebook(
  s: {
    notebook: string;
    headline: string;
    items: SummaryItem[];
    source: DataSource;
    /** A sentence setting this notebook's numbers beside the original study's. */
    study?: string;
  },
  opts: { env?: Env; sink?: MarkdownSink } = {},
): NotebookSummary {
  const summary = recordSummary(
    {
      notebook: s.notebook,
      headline: s.headline,
      items: [{ label: 'data source', value: s.source.label }, ...s.items],
    },
    opts.env,
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sink = opts.sink ?? (require('tslab') as { display: MarkdownSink }).display;
  sink.markdown(summaryMarkdown(summary));
  if (s.study) sink.markdown(s.source.kind === 'synthetic' ? `${s.study} (${SYNTHETIC_AGREEMENT})` : s.study);
  return summary;
}
