/**
 * How every notebook starts: the first-screen data-source banner (so a synthetic run is
 * labelled before anything else), the parameters it uses, and for the analysis notebooks
 * the finished snapshot they analyse.
 */
import * as path from 'node:path';
import type { SnapshotManifest } from '../snapshot/schema';
import { readSnapshot, SnapshotError, type Snapshot } from '../snapshot/read';
import { describeSource, readManifestIfPresent, sourceBannerHtml, type DataSource } from './source';
import { formatParams, studyParams, type Env, type ParamName, type StudyParams } from './params';

export interface NotebookStart {
  params: StudyParams;
  /** The snapshot's manifest, or null when nothing has been pulled yet (or `useSnapshot` is false). */
  manifest: SnapshotManifest | null;
  source: DataSource;
}

interface HtmlSink {
  html(s: string): void;
}

export interface StartOptions {
  env?: Env;
  sink?: HtmlSink;
  print?: (s: string) => void;
}

/**
 * The parameter cell: shows the data-source banner (first output of the notebook), then
 * prints the parameters the notebook uses (VK_TOKEN only as set/not set).
 * `useSnapshot: false` for the pull notebook, whose banner describes what it is about to pull.
 */
export function startNotebook(
  names: readonly ParamName[],
  opts: StartOptions & { useSnapshot?: boolean } = {},
): NotebookStart {
  const env = opts.env ?? process.env;
  const params = studyParams(env);
  const manifest = opts.useSnapshot === false ? null : readManifestIfPresent(params.snapshotDir);
  const source = describeSource(manifest, params);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sink = opts.sink ?? (require('tslab') as { display: HtmlSink }).display;
  sink.html(sourceBannerHtml(source));
  (opts.print ?? console.log)(formatParams(params, names, env));
  return { params, manifest, source };
}

/** The parameters an analysis notebook (02–05) shows: the community and where its snapshot is. */
export const ANALYSIS_PARAMS: readonly ParamName[] = [
  'STUDY_MEMBERS',
  'STUDY_SEED',
  'STUDY_SNAPSHOT',
  'VK_GROUP',
  'STUDY_SUMMARY_DIR',
];

export interface AnalysisStart extends NotebookStart {
  manifest: SnapshotManifest;
  snapshot: Snapshot;
}

/**
 * The parameter cell of an analysis notebook: banner and parameters as `startNotebook`, then
 * the finished snapshot. Without one the notebook stops here, saying how to make it: a page
 * built from no data would be a report that hides a failure.
 */
export function startAnalysis(
  names: readonly ParamName[] = ANALYSIS_PARAMS,
  opts: StartOptions = {},
): AnalysisStart {
  const start = startNotebook(names, opts);
  const { params, manifest } = start;
  if (manifest === null) {
    const rel = path.relative(params.repoRoot, params.snapshotDir);
    throw new SnapshotError(
      `No finished snapshot in ${rel.startsWith('..') ? params.snapshotDir : rel}: run notebook 01 (the pull) first — \`npm run report\` runs the notebooks in order — or point STUDY_SNAPSHOT at a folder written by \`npm run pull\`.`,
    );
  }
  return { ...start, manifest, snapshot: readSnapshot(params.snapshotDir) };
}
