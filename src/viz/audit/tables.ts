/**
 * Small HTML tables for the audit notebooks: tidy rows → a table with chosen, formatted
 * columns (the numbers the text quotes are the numbers the table shows). Values are
 * HTML-escaped: city titles come from VK users.
 */
import { escapeHtml } from '../../util/html';

export interface Column<R> {
  header: string;
  value: (row: R) => string;
  /** Right-align numbers. */
  numeric?: boolean;
}

export function htmlTable<R>(rows: readonly R[], columns: readonly Column<R>[], caption?: string): string {
  const th = columns
    .map(
      (c) =>
        `<th style="text-align:${c.numeric ? 'right' : 'left'};padding:2px 10px">${escapeHtml(c.header)}</th>`,
    )
    .join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${columns.map((c) => `<td style="text-align:${c.numeric ? 'right' : 'left'};padding:2px 10px">${escapeHtml(c.value(r))}</td>`).join('')}</tr>`,
    )
    .join('\n');
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
