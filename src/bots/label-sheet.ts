/**
 * The labelling sheet as CSV, and reading labels back.
 *
 * Every row carries the snapshot's identity and the sample's seed, so a sheet survives a
 * spreadsheet round trip and can never be read against another snapshot. Columns:
 * snapshot, seed, position (draw order), id, profile (link), the fields a person looks at,
 * label (bot | human | unsure | empty = not labelled yet), note (free, never read).
 */
import { DataFileError, parseCsvRecords } from '../model/data';
import type { LabelSample, SheetMember } from './label-sample';
import type { Label } from './share';

export const SHEET_COLUMNS = [
  'snapshot',
  'seed',
  'position',
  'id',
  'profile',
  'first_name',
  'sex',
  'has_photo',
  'city',
  'followers',
  'closed_profile',
  'last_seen',
  'label',
  'note',
] as const;

export const LABELS: readonly Label[] = ['bot', 'human', 'unsure'];

export function profileUrl(id: number): string {
  return `https://vk.com/id${id}`;
}

/** One CSV field, quoted when it must be (RFC 4180). Formula-leading text is prefixed so spreadsheets do not run it. */
export function csvField(v: string | number | boolean | null): string {
  if (v === null) return '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s) && typeof v === 'string') s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const sexWord = (s: number | null): string => (s === 1 ? 'female' : s === 2 ? 'male' : '');
const yesNo = (b: boolean | null): string => (b === null ? '' : b ? 'yes' : 'no');

export function sheetRow(
  sample: LabelSample,
  m: SheetMember,
  position: number,
  label = '',
  note = '',
): string[] {
  return [
    sample.snapshot,
    String(sample.seed),
    String(position),
    String(m.id),
    profileUrl(m.id),
    m.first_name ?? '',
    sexWord(m.sex),
    yesNo(m.has_photo),
    m.city_title ?? '',
    m.followers_count === null ? '' : String(m.followers_count),
    yesNo(m.is_closed),
    m.last_seen ?? '',
    label,
    note,
  ];
}

export function labelSheetCsv(sample: LabelSample): string {
  const lines = [SHEET_COLUMNS.join(',')];
  sample.members.forEach((m, i) =>
    lines.push(
      sheetRow(sample, m, i + 1)
        .map(csvField)
        .join(','),
    ),
  );
  return lines.join('\r\n') + '\r\n';
}

export class LabelsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabelsError';
  }
}

export interface ReadLabels {
  snapshot: string;
  seed: number;
  /** In sheet order; label null = not labelled yet. */
  rows: { id: number; position: number; label: Label | null }[];
}

/**
 * Reads a labelled sheet back. `expectedSnapshot` is the snapshot key of the audited
 * snapshot; `isLive(id)` says whether an id is a live member of it. Every problem names the
 * file, the row and what to do.
 */
export function readLabelSheet(
  text: string,
  file: string,
  expectedSnapshot: string,
  isLive: (id: number) => 'live' | 'deactivated' | 'unknown',
): ReadLabels {
  let records: { fields: string[] }[];
  try {
    records = parseCsvRecords(text, file);
  } catch (e) {
    throw new LabelsError(`${(e as DataFileError).message}`);
  }
  if (records.length === 0)
    throw new LabelsError(`${file}: the file is empty; give the CSV written by label-sample`);
  const header = records[0].fields.map((h) => h.trim().toLowerCase());
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) {
      throw new LabelsError(
        `${file}: no "${name}" column; keep the columns label-sample wrote (${SHEET_COLUMNS.join(', ')})`,
      );
    }
    return i;
  };
  const [cSnap, cSeed, cPos, cId, cLabel] = ['snapshot', 'seed', 'position', 'id', 'label'].map(col);
  const rows: ReadLabels['rows'] = [];
  const seen = new Map<number, number>();
  let seed = NaN;
  for (let r = 1; r < records.length; r++) {
    const f = records[r].fields;
    const at = (i: number): string => (f[i] ?? '').trim();
    const where = `${file}, row ${r + 1}`;
    const snap = at(cSnap);
    if (snap !== expectedSnapshot) {
      throw new LabelsError(
        `${where}: the sheet is from snapshot "${snap}", not the audited "${expectedSnapshot}"; draw a sample of this snapshot with label-sample (or audit the snapshot the sheet was drawn from)`,
      );
    }
    const rowSeed = Number(at(cSeed));
    if (!Number.isInteger(rowSeed)) throw new LabelsError(`${where}: seed "${at(cSeed)}" is not an integer`);
    if (Number.isNaN(seed)) seed = rowSeed;
    else if (rowSeed !== seed) {
      throw new LabelsError(
        `${where}: seed ${rowSeed} differs from ${seed} above; rows of two samples are mixed`,
      );
    }
    const idText = at(cId);
    const id = Number(idText);
    if (!/^\d+$/.test(idText) || !Number.isSafeInteger(id))
      throw new LabelsError(`${where}: id "${idText}" is not a VK user id`);
    const status = isLive(id);
    if (status === 'unknown') {
      throw new LabelsError(
        `${where}: id ${id} is not a member of snapshot "${expectedSnapshot}"; was the id edited?`,
      );
    }
    if (status === 'deactivated') {
      throw new LabelsError(
        `${where}: id ${id} is deleted or banned in this snapshot; the sample holds live members only — was the id edited?`,
      );
    }
    if (seen.has(id)) throw new LabelsError(`${where}: id ${id} appears twice (also row ${seen.get(id)})`);
    seen.set(id, r + 1);
    const raw = at(cLabel).toLowerCase();
    if (raw !== '' && !(LABELS as readonly string[]).includes(raw)) {
      throw new LabelsError(
        `${where}: label "${at(cLabel)}" for id ${id} is not one of bot, human, unsure (or empty)`,
      );
    }
    const position = Number(at(cPos));
    rows.push({
      id,
      position: Number.isInteger(position) ? position : r,
      label: raw === '' ? null : (raw as Label),
    });
  }
  if (rows.length === 0) throw new LabelsError(`${file}: the sheet has no rows`);
  return { snapshot: expectedSnapshot, seed, rows };
}
