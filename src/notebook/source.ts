/**
 * Reading a snapshot's manifest for reports: the data source (synthetic or a real
 * community) shown on every page's first screen comes from `source.kind` here
 * (src/snapshot/schema.ts), never from a guess.
 */
import * as fs from 'fs';
import * as path from 'path';
import { MANIFEST_FILE, SNAPSHOT_FORMAT, type SnapshotManifest } from '../snapshot/schema';
import type { StudyParams } from './params';
import { escapeHtml } from '../util/html';
import { sharesText } from '../vk/synthetic-marker';

/** The manifest of a finished snapshot, or null when the folder holds none (not pulled yet). */
export function readManifestIfPresent(snapshotDir: string): SnapshotManifest | null {
  const file = path.join(snapshotDir, MANIFEST_FILE);
  if (!fs.existsSync(file)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(
      `snapshot manifest ${file} is not valid JSON (${(err as Error).message}): delete the snapshot folder and pull again.`,
      { cause: err },
    );
  }
  const m = parsed as Partial<SnapshotManifest>;
  if (m.format !== SNAPSHOT_FORMAT || typeof m.source?.kind !== 'string') {
    throw new Error(
      `${file} is not a vk-audience-study snapshot manifest (format "${String(m.format)}"): point STUDY_SNAPSHOT at a folder written by \`npm run pull\`.`,
    );
  }
  return m as SnapshotManifest;
}

export interface DataSource {
  kind: 'synthetic' | 'vk';
  /** Human-readable, one line. */
  label: string;
  /** Where the label came from: the snapshot manifest or, before any pull, the parameters. */
  from: 'manifest' | 'parameters';
}

export function describeSource(manifest: SnapshotManifest | null, params: StudyParams): DataSource {
  if (manifest !== null) {
    const g = manifest.group;
    if (manifest.source.kind === 'synthetic') {
      const s = manifest.source.synthetic;
      return {
        kind: 'synthetic',
        label: `SYNTHETIC community (generated, not real VK users)${s ? `: ${s.members.toLocaleString('en-US')} members, seed ${s.seed}${sharesText(s) ? `, ${sharesText(s)}` : ''}` : ''}; snapshot ${manifest.snapshot_time}`,
        from: 'manifest',
      };
    }
    return {
      kind: 'vk',
      label: `real VK community "${g.name}" (${g.screen_name}, id ${g.id}): ${manifest.counts.rows_written.toLocaleString('en-US')} members; snapshot ${manifest.snapshot_time}`,
      from: 'manifest',
    };
  }
  return params.mode === 'synthetic'
    ? {
        kind: 'synthetic',
        label: `SYNTHETIC community (generated, not real VK users): ${params.members.toLocaleString('en-US')} members, seed ${params.seed}; no snapshot yet`,
        from: 'parameters',
      }
    : { kind: 'vk', label: `real VK community ${params.vkGroup}; no snapshot yet`, from: 'parameters' };
}

/** The first-screen banner: loud for synthetic data, plain for a real community. */
export function sourceBannerHtml(source: DataSource): string {
  const style =
    source.kind === 'synthetic'
      ? 'background:#fff3cd;border:2px solid #E69F00;color:#3d2c00'
      : 'background:#e8f1fa;border:1px solid #0072B2;color:#0b2540';
  const title = source.kind === 'synthetic' ? 'Synthetic data' : 'Data source';
  return (
    `<div class="study-source-banner" data-source-kind="${source.kind}" style="${style};padding:10px 14px;border-radius:6px;font:15px/1.4 system-ui,sans-serif;margin:4px 0">` +
    `<strong>${title}:</strong> ${escapeHtml(source.label)}</div>`
  );
}
