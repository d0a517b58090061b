/**
 * A labelled sheet read back against the snapshot it must come from.
 *
 * Besides the sheet's own checks (readLabelSheet: columns, ids, labels, duplicates, the
 * snapshot's identity on every row), the ids must be the very members label-sample drew:
 * the draw is repeated from the sheet's seed and size over the snapshot's live members and
 * compared position by position. A sheet with members added, swapped or picked by hand is
 * refused: the estimate is only unbiased for a simple random sample.
 */
import * as fs from 'node:fs';
import type { ColumnTable } from 'arquero';
import type { AuditManifest } from '../audit/input';
import { Rng } from '../util/rng';
import { annotate, checkAnnotator, describeAnnotator, type AnnotatorSpec } from './annotator';
import { sampleWithoutReplacement, snapshotKey, type LabelSample } from './label-sample';
import { LabelsError, readLabelSheet, type ReadLabels } from './label-sheet';
import { liveMembers, MemberIndex, sheetMemberAt, type LiveMembers } from './live-members';

export interface SampleLabels extends ReadLabels {
  /** Where the labels come from (a file name, or "simulated annotator …"). */
  source: string;
  /**
   * Rows left blank before the last labelled one. Stopping early keeps a random sample;
   * skipping members does not (docs/bots.md, "Unsure labels").
   */
  skipped: number;
}

/** The snapshot key the sheet must carry (group id and snapshot time from the manifest). */
export function manifestSnapshotKey(manifest: AuditManifest): string {
  const id = manifest.group?.id;
  if (typeof id !== 'number') {
    throw new LabelsError(
      'the snapshot manifest has no group id, so a labelled sheet cannot be matched to it; audit a snapshot written by npm run pull',
    );
  }
  return snapshotKey({ group_id: id, snapshot_time: manifest.snapshot_time });
}

/**
 * The labelling sample of a snapshot: `n` live members drawn with `seed`, in draw order —
 * the same draw drawLabelSample makes over the live members in table order (and that
 * checkDrawn repeats), reading the sheet's fields only for the n drawn rows.
 */
export function snapshotLabelSample(
  input: { table: ColumnTable; manifest: AuditManifest },
  n: number,
  seed: number,
  live: LiveMembers = liveMembers(input.table),
): LabelSample {
  if (!(Number.isInteger(seed) && seed >= 0))
    throw new LabelsError(`--seed must be a whole number >= 0, got ${seed}`);
  if (!(Number.isInteger(n) && n >= 1)) throw new LabelsError(`--n must be a whole number >= 1, got ${n}`);
  const N = live.rows.length;
  if (n > N) {
    throw new LabelsError(
      `--n ${n} is more than the ${N} live members of the snapshot (deleted and banned are never sampled); ask for at most ${N}`,
    );
  }
  const key = manifestSnapshotKey(input.manifest);
  const drawn = sampleWithoutReplacement(N, n, new Rng(seed));
  return { snapshot: key, seed, members: drawn.map((k) => sheetMemberAt(input.table, live.rows[k])) };
}

/**
 * The labels a simulated annotator gives the sample label-sample would draw (`n`, `seed`),
 * with the truth from `isBot` — for a synthetic community, whose truth is known. Read
 * exactly as a labelled sheet would be: the estimate cannot tell the difference.
 */
export function simulatedSampleLabels(
  input: { table: ColumnTable; manifest: AuditManifest },
  opts: { n: number; seed: number; isBot: (id: number) => boolean; annotator: AnnotatorSpec },
  live: LiveMembers = liveMembers(input.table),
): SampleLabels {
  checkAnnotator(opts.annotator);
  const sample = snapshotLabelSample(input, opts.n, opts.seed, live);
  return {
    snapshot: sample.snapshot,
    seed: sample.seed,
    rows: sample.members.map((m, i) => ({
      id: m.id,
      position: i + 1,
      label: annotate(opts.annotator, m.id, opts.isBot(m.id)),
    })),
    source: describeAnnotator(opts.annotator),
    skipped: 0,
  };
}

/** Blank rows before the last labelled row, in sheet order. */
export function skippedRows(rows: ReadLabels['rows']): number {
  const sorted = [...rows].sort((a, b) => a.position - b.position);
  let last = -1;
  sorted.forEach((r, i) => {
    if (r.label !== null) last = i;
  });
  return sorted.slice(0, last + 1).filter((r) => r.label === null).length;
}

/**
 * Checks that the rows are the members label-sample draws with this seed: the draw of
 * max(position) live members, at each row's position. `file` names the sheet in errors.
 */
export function checkDrawn(labels: ReadLabels, live: LiveMembers, file: string): void {
  const positions = labels.rows.map((r) => r.position);
  const n = Math.max(...positions);
  if (!positions.every((p) => Number.isInteger(p) && p >= 1) || n > live.ids.length) {
    throw new LabelsError(
      `${file}: the position column is damaged (positions must be 1..n, at most the ${live.ids.length} live members); keep the column label-sample wrote`,
    );
  }
  const drawn = sampleWithoutReplacement(live.ids.length, n, new Rng(labels.seed));
  for (const r of labels.rows) {
    const expected = live.ids[drawn[r.position - 1]];
    if (expected !== r.id) {
      throw new LabelsError(
        `${file}: the row at position ${r.position} holds id ${r.id}, but label-sample with seed ${labels.seed} drew id ${expected} there; ` +
          'the sheet was edited (members added, swapped or picked by hand) and is no longer a random sample — label the sheet label-sample wrote',
      );
    }
  }
}

/**
 * Reads a labelled sheet for the audited snapshot: every problem is a LabelsError naming
 * the file, its row and what to do (the audit exits 2: the labels do not fit the snapshot audited).
 */
export function readSnapshotLabels(
  file: string,
  input: { table: ColumnTable; manifest: AuditManifest },
  live: LiveMembers = liveMembers(input.table),
): SampleLabels {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new LabelsError(
      code === 'ENOENT'
        ? `labels file ${file} does not exist; write one with npm run label-sample -- --snapshot DIR --n N --out ${file}`
        : `cannot read labels file ${file} (${(e as Error).message})`,
    );
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // spreadsheets add a BOM
  const key = manifestSnapshotKey(input.manifest);
  const liveIndex = new MemberIndex(live.ids);
  const { table } = input;
  let all: MemberIndex | null = null;
  const isLive = (id: number): 'live' | 'deactivated' | 'unknown' => {
    if (liveIndex.find(id) >= 0) return 'live';
    // Only for ids that are not live: is it a member at all?
    all ??= new MemberIndex(Float64Array.from(table.array('id') as ArrayLike<number>));
    return all.find(id) >= 0 ? 'deactivated' : 'unknown';
  };
  const labels = readLabelSheet(text, file, key, isLive);
  checkDrawn(labels, live, file);
  return { ...labels, source: file, skipped: skippedRows(labels.rows) };
}
