/**
 * Notebook-side helpers: the parameter cell and the first-screen data-source banner, so
 * every notebook starts the same way and a synthetic run is labelled before anything else.
 */
import type { SnapshotManifest } from '../snapshot/schema';
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

/**
 * The parameter cell: shows the data-source banner (first output of the notebook), then
 * prints the parameters the notebook uses (VK_TOKEN only as set/not set).
 * `useSnapshot: false` for the pull notebook, whose banner describes what it is about to pull.
 */
export function startNotebook(
  names: readonly ParamName[],
  opts: { useSnapshot?: boolean; env?: Env; sink?: HtmlSink; print?: (s: string) => void } = {},
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
