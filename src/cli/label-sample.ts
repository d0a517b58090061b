/**
 * `npm run label-sample -- --snapshot DIR --n N [--seed S] --out FILE.csv`
 *
 * Draws a seeded simple random sample of the snapshot's live members (deleted and banned
 * are never sampled) and writes the labelling sheet twice: FILE.csv (open it in a
 * spreadsheet) and FILE.html beside it (an offline page to label in a browser, which saves
 * the same CSV). `npm run audit -- --snapshot DIR --labels FILE.csv` reads the labels back.
 * The sheet is the one place the study shows single profiles: first name, sex, photo,
 * city, followers, closed profile, last visit and a link; never a last name, never the
 * bot score (docs/bots.md, "The labelling sample and sheet").
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { labelSheetHtml } from '../bots/label-sheet-html';
import { labelSheetCsv, LabelsError } from '../bots/label-sheet';
import { snapshotLabelSample } from '../bots/labels';
import type { LabelSample } from '../bots/label-sample';
import { readSnapshot, SnapshotError } from '../snapshot/read';
import { writeFileAtomic } from '../util/atomic-write';
import { EXIT, defineCommand, outputFile, runMain, UsageError, wholeNumber, type Values } from './command';

export const DEFAULT_SEED = 1;

export const labelSampleCommand = defineCommand({
  name: 'label-sample',
  synopsis: '--snapshot DIR --n N [--seed S] --out FILE.csv',
  about:
    'Draws a simple random sample of N live members (seeded: the same snapshot, N and seed draw the\n' +
    'same members) and writes the labelling sheet as FILE.csv and, beside it, FILE.html (label in a\n' +
    'browser, offline; "Save CSV" writes the labelled CSV). Label each member bot, human or unsure,\n' +
    'from the top (stopping early keeps a random sample; skipping members does not), then run\n' +
    'npm run audit -- --snapshot DIR --labels FILE.csv.',
  options: {
    snapshot: {
      type: 'string',
      value: 'DIR',
      required: true,
      help: 'a snapshot written by `npm run pull` (manifest.json + members.arrow)',
    },
    n: {
      type: 'string',
      value: 'N',
      required: true,
      read: wholeNumber({ min: 1 }),
      help: 'members to sample (at most the live members of the snapshot)',
    },
    seed: {
      type: 'string',
      value: 'S',
      read: wholeNumber({ min: 0 }),
      help: `seed of the draw (default ${DEFAULT_SEED}); recorded on every row of the sheet`,
    },
    out: {
      type: 'string',
      value: 'FILE.csv',
      required: true,
      read: csvOutput,
      help: 'the sheet to write (the .html page goes beside it, same name)',
    },
  },
  exits: [
    [EXIT.OK, 'the sheet was written (FILE.csv and FILE.html)'],
    [EXIT.FAILED, 'an unexpected error'],
    [EXIT.USAGE, 'usage: bad arguments, or N above the live members'],
    [EXIT.DATA, 'the snapshot is missing, unfinished or damaged'],
  ],
  errors: [
    [SnapshotError, EXIT.DATA],
    [LabelsError, EXIT.USAGE],
  ],
});

function csvOutput(raw: string, flag: string): string {
  const file = outputFile()(raw, flag);
  if (!/\.csv$/i.test(file))
    throw new UsageError(`${flag} needs a file name ending in .csv, got ${JSON.stringify(raw)}`);
  return file;
}

/** The HTML page written beside the CSV: FILE.csv → FILE.html. */
export function sheetHtmlPath(csvPath: string): string {
  return csvPath.replace(/\.csv$/i, '.html');
}

export interface LabelSampleResult {
  sample: LabelSample;
  csv: string;
  html: string;
}

export function labelSample(
  v: Values<typeof labelSampleCommand.spec.options>,
  out: (s: string) => void = console.log,
): LabelSampleResult {
  const snap = readSnapshot(v.snapshot);
  const seed = v.seed ?? DEFAULT_SEED;
  const input = { table: snap.table, manifest: snap.manifest };
  const sample = snapshotLabelSample(input, v.n, seed);
  const csv = path.resolve(v.out);
  const html = sheetHtmlPath(csv);
  fs.mkdirSync(path.dirname(csv), { recursive: true });
  // The page first: a CSV on disk means the sheet is complete.
  writeFileAtomic(html, labelSheetHtml(sample, path.basename(csv)));
  writeFileAtomic(csv, labelSheetCsv(sample));
  out(
    `Sampled ${sample.members.length.toLocaleString('en-US')} live members of ${snap.manifest.group.name} ` +
      `(snapshot ${sample.snapshot}, seed ${seed}).`,
  );
  out(`Wrote ${csv}`);
  out(`Wrote ${html} (open it in a browser to label; "Save CSV" writes the labelled sheet)`);
  out(`Then: npm run audit -- --snapshot ${v.snapshot} --labels ${v.out}`);
  return { sample, csv, html };
}

if (require.main === module) runMain(labelSampleCommand, (v) => void labelSample(v));
