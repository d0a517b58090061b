/**
 * Small HTML tables for the notebooks: tidy rows → a table with chosen, formatted
 * columns (the numbers the text quotes are the numbers the table shows). Values are
 * HTML-escaped: city titles come from VK users.
 *
 * A column with `raw` also carries its unrounded value in a `data-csv` attribute, which the
 * report's "Download CSV" link takes instead of the text: "1,944" and "12.3%" are for
 * reading, 1944 and 0.12345 for analysis. An interval's two ends become two CSV columns.
 */
import { escapeHtml } from '../util/html';

/** A value for the CSV: a number, or an interval's two ends (null: not available). */
export type RawValue = number | null | readonly [number | null, number | null];

export interface Column<R> {
  header: string;
  value: (row: R) => string;
  /** Right-align numbers. */
  numeric?: boolean;
  /** The unrounded value behind the text, for the CSV download (shares as fractions, 0–1). */
  raw?: (row: R) => RawValue;
}

/** The attribute that hands the CSV its fields (JSON; attribute-escaped). */
const csvAttr = (fields: readonly (string | number | null)[]): string =>
  ` data-csv="${escapeHtml(JSON.stringify(fields))}"`;

const isPair = (v: RawValue): v is readonly [number | null, number | null] => Array.isArray(v);

const finite = (x: number | null): number | null => (x !== null && Number.isFinite(x) ? x : null);

export function htmlTable<R>(rows: readonly R[], columns: readonly Column<R>[], caption?: string): string {
  // A column's CSV form is fixed by its first row: two fields for an interval, else one.
  const pairs = columns.map((c) => rows.length > 0 && c.raw !== undefined && isPair(c.raw(rows[0])));
  const th = columns
    .map(
      (c, j) =>
        `<th style="text-align:${c.numeric ? 'right' : 'left'};padding:2px 10px"` +
        (pairs[j] ? csvAttr([`${c.header}: low`, `${c.header}: high`]) : '') +
        `>${escapeHtml(c.header)}</th>`,
    )
    .join('');
  const td = (c: Column<R>, r: R, pair: boolean): string => {
    let attr = '';
    if (c.raw !== undefined) {
      const v = c.raw(r);
      const fields = isPair(v) ? v.map(finite) : [finite(v)];
      if (fields.length !== (pair ? 2 : 1))
        throw new Error(
          `htmlTable: column "${c.header}" gives an interval for some rows and a number for others`,
        );
      attr = csvAttr(fields);
    }
    return `<td style="text-align:${c.numeric ? 'right' : 'left'};padding:2px 10px"${attr}>${escapeHtml(c.value(r))}</td>`;
  };
  const body = rows.map((r) => `<tr>${columns.map((c, j) => td(c, r, pairs[j])).join('')}</tr>`).join('\n');
  const cap = caption
    ? `<caption style="caption-side:top;text-align:left;font-weight:600;padding:4px 0">${escapeHtml(caption)}</caption>`
    : '';
  return `<table class="study-table" style="border-collapse:collapse;margin:6px 0">${cap}<thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** 0.1234 → "12.3%"; NaN/null → "n/a". */
export function pct(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : `${(100 * x).toFixed(digits)}%`;
}

/** "12.3%–14.0%" from interval ends. */
export function pctRange(lo: number | null | undefined, hi: number | null | undefined, digits = 1): string {
  return `${pct(lo, digits)}–${pct(hi, digits)}`;
}

/** 1234567 → "1,234,567". */
export function int(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}
