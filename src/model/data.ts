/**
 * Reads a data file for the fit command: CSV (as R's read.csv types it) or Arrow IPC
 * (the snapshot format), into plain columns prepareModel accepts.
 *
 * CSV typing follows R's `type.convert`, so a file means the same here as in brms:
 * a column whose values all parse as numbers is numeric (quoted or not), TRUE/FALSE
 * (any case) is logical, anything else is a string column (a factor in the model).
 * "", NA and NaN are missing (null), so prepareModel can name the column and row.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as aq from 'arquero';

export type DataValue = number | string | boolean | bigint | null;
export type DataColumns = Record<string, ArrayLike<DataValue>>;

export interface LoadedData {
  columns: DataColumns;
  rows: number;
  file: string;
  format: 'csv' | 'arrow';
}

export class DataFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataFileError';
  }
}

const MISSING = new Set(['', 'NA', 'NaN', 'null', 'NULL']);
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?Inf$/;

/** Splits CSV text into records of fields (RFC 4180: quotes, doubled quotes, CRLF). */
export function parseCsvRecords(text: string, what = 'CSV'): { fields: string[]; quoted: boolean[] }[] {
  const records: { fields: string[]; quoted: boolean[] }[] = [];
  let fields: string[] = [];
  let quoted: boolean[] = [];
  let field = '';
  let wasQuoted = false;
  let inQuotes = false;
  let line = 1;
  let quoteLine = 0;
  const endField = (): void => {
    fields.push(field);
    quoted.push(wasQuoted);
    field = '';
    wasQuoted = false;
  };
  const endRecord = (): void => {
    endField();
    if (!(fields.length === 1 && fields[0] === '' && !quoted[0])) records.push({ fields, quoted });
    fields = [];
    quoted = [];
  };
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0; // byte-order mark
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field === '') {
      inQuotes = true;
      wasQuoted = true;
      quoteLine = line;
    } else if (ch === ',') endField();
    else if (ch === '\n') {
      endRecord();
      line++;
    } else if (ch === '\r') {
      if (text[i + 1] !== '\n') {
        endRecord();
        line++;
      }
    } else field += ch;
  }
  if (inQuotes)
    throw new DataFileError(
      `${what}: unterminated quoted field starting on line ${quoteLine}; check the file's quoting`,
    );
  if (field !== '' || fields.length > 0 || wasQuoted) endRecord();
  return records;
}

function typeColumn(values: string[], quoted: boolean[]): ArrayLike<DataValue> {
  let numeric = true;
  let logical = true;
  let present = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i].trim();
    if (!quoted[i] && MISSING.has(v)) continue;
    if (quoted[i] && v === '') continue;
    present++;
    if (numeric && !NUMBER.test(v)) numeric = false;
    if (logical && !/^(true|false|T|F)$/i.test(v)) logical = false;
    if (!numeric && !logical) break;
  }
  const missing = (i: number): boolean => {
    const v = values[i].trim();
    return (!quoted[i] && MISSING.has(v)) || (quoted[i] && v === '');
  };
  if (present > 0 && numeric) {
    return values.map((v, i) => {
      if (missing(i)) return null;
      const t = v.trim().replace(/^\+/, '');
      return t === 'Inf' ? Infinity : t === '-Inf' ? -Infinity : Number(t);
    });
  }
  if (present > 0 && logical) return values.map((v, i) => (missing(i) ? null : /^(true|t)$/i.test(v.trim())));
  return values.map((v, i) => (missing(i) ? null : v));
}

/** Parses CSV text with a header row into typed columns. */
export function parseCsv(text: string, what = 'CSV'): { columns: DataColumns; rows: number } {
  const records = parseCsvRecords(text, what);
  if (records.length === 0)
    throw new DataFileError(`${what} is empty: expected a header row with column names`);
  const header = records[0].fields.map((h) => h.trim());
  const seen = new Set<string>();
  header.forEach((h, j) => {
    if (h === '') throw new DataFileError(`${what}: column ${j + 1} of the header has no name`);
    if (seen.has(h)) throw new DataFileError(`${what}: column name "${h}" appears twice in the header`);
    seen.add(h);
  });
  const body = records.slice(1);
  body.forEach((r, i) => {
    if (r.fields.length !== header.length) {
      throw new DataFileError(
        `${what}: data row ${i + 1} has ${r.fields.length} fields but the header has ${header.length}; check separators and quoting`,
      );
    }
  });
  const columns: DataColumns = {};
  header.forEach((h, j) => {
    columns[h] = typeColumn(
      body.map((r) => r.fields[j]),
      body.map((r) => r.quoted[j]),
    );
  });
  return { columns, rows: body.length };
}

function fromArrow(bytes: Uint8Array, what: string): { columns: DataColumns; rows: number } {
  let table: aq.ColumnTable;
  try {
    table = aq.fromArrow(bytes);
  } catch (e) {
    throw new DataFileError(
      `${what} is not a readable Arrow IPC file (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  const columns: DataColumns = {};
  for (const name of table.columnNames()) {
    const arr = table.array(name) as ArrayLike<unknown>;
    columns[name] = Array.from(arr, (v) => (v === undefined ? null : (v as DataValue)));
  }
  return { columns, rows: table.numRows() };
}

/** Reads `file` (.csv, or .arrow / .feather / .ipc) into columns, with clear errors. */
export function readDataFile(file: string): LoadedData {
  const full = path.resolve(file);
  if (!fs.existsSync(full)) throw new DataFileError(`data file ${file} does not exist (resolved to ${full})`);
  if (fs.statSync(full).isDirectory()) {
    throw new DataFileError(
      `data file ${file} is a directory; pass the .arrow file inside a snapshot, or a .csv file`,
    );
  }
  const ext = path.extname(full).toLowerCase();
  if (ext === '.csv') {
    const text = fs.readFileSync(full, 'utf8');
    return { ...parseCsv(text, `CSV file ${file}`), file, format: 'csv' };
  }
  if (ext === '.arrow' || ext === '.feather' || ext === '.ipc') {
    return {
      ...fromArrow(new Uint8Array(fs.readFileSync(full)), `Arrow file ${file}`),
      file,
      format: 'arrow',
    };
  }
  throw new DataFileError(
    `data file ${file}: unknown extension "${ext}"; use a .csv or .arrow (Arrow IPC) file`,
  );
}
