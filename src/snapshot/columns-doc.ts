/**
 * The column table of docs/snapshot.md, generated from the member schema (schema.ts) so the
 * page cannot drift from what the pull writes: a test fails when the committed page differs.
 * After changing the schema, regenerate it with
 *
 *   npm run build && node dist/src/snapshot/columns-doc.js
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write';
import { INT32_MAX, MEMBERS, type ColumnSpec, type MemberSchema, type Rule } from './schema';

export const BEGIN_MARK =
  '<!-- BEGIN member columns: generated from src/snapshot/schema.ts by src/snapshot/columns-doc.ts; do not edit by hand -->';
export const END_MARK = '<!-- END member columns -->';

const bound = (n: number): string => (n === INT32_MAX ? '2³¹−1' : String(n));
const quoted = (xs: readonly string[]): string =>
  xs.map((x) => `"${x}"`).join(xs.length === 2 ? ' or ' : ', ');

/** What a rule stores, in words, for the table. */
export function describeRule(rule: Rule): string {
  switch (rule.kind) {
    case 'int':
      return `integer ${bound(rule.min)}…${bound(rule.max)} (numeric strings accepted)`;
    case 'time':
      return 'positive number of seconds';
    case 'flag':
      return '1/true → true, 0/false → false ("1"/"0" too)';
    case 'text':
      return 'the string as sent';
    case 'one_of':
      return `${quoted(rule.values)}, as sent`;
    case 'bdate_visibility':
      return '"full" for D.M.YYYY, "no_year" for D.M';
    case 'bdate_year':
      return `YYYY of D.M.YYYY when ${rule.min}…${rule.max}`;
    case 'count':
      return 'number of items of the array';
    case 'length':
      return 'number of characters (Unicode code points) of the string';
    case 'non_empty':
      return 'true when the string, array or object has content, false when empty';
  }
}

function source(c: ColumnSpec): string {
  const p = `\`${c.path.join('.')}\``;
  return c.field === null ? `${p} (always sent)` : c.field === c.path[0] ? p : `${p} (field \`${c.field}\`)`;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|');

/** The markdown table: one row per column, in file order. */
export function columnsTable(schema: MemberSchema = MEMBERS): string {
  const rows = schema.columns.map((c) => {
    const otherwise = c.nullable
      ? '; anything else, or absent: null'
      : '; a member without one is a malformed answer (the pull stops)';
    return `| \`${c.name}\` | ${c.type} | ${source(c)} | ${cell(describeRule(c.rule) + otherwise)} | ${cell(c.doc)} |`;
  });
  return [
    '| column | Arrow type | VK user object | stored value | meaning |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** `page` with the generated table between its markers. */
export function withColumnsTable(page: string, schema: MemberSchema = MEMBERS): string {
  const a = page.indexOf(BEGIN_MARK);
  const b = page.indexOf(END_MARK);
  if (a < 0 || b < a)
    throw new Error(`docs/snapshot.md: the markers ${BEGIN_MARK} … ${END_MARK} are missing or out of order`);
  return `${page.slice(0, a + BEGIN_MARK.length)}\n${columnsTable(schema)}\n${page.slice(b)}`;
}

/** docs/snapshot.md of this checkout (from src/snapshot or dist/src/snapshot). */
export function snapshotDocPath(): string {
  for (let dir = __dirname, i = 0; i < 5; i++, dir = path.dirname(dir)) {
    const p = path.join(dir, 'docs', 'snapshot.md');
    if (fs.existsSync(p)) return p;
  }
  throw new Error('docs/snapshot.md not found above ' + __dirname);
}

if (require.main === module) {
  const file = snapshotDocPath();
  const page = fs.readFileSync(file, 'utf8');
  const next = withColumnsTable(page);
  if (next === page) console.log(`${file}: up to date`);
  else {
    writeFileAtomic(file, next);
    console.log(`${file}: column table rewritten from the member schema`);
  }
}
