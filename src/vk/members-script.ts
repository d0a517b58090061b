/**
 * The VKScript sent to `execute` to page `groups.getMembers` (per docs/vk-api.md: up
 * to 25 API calls per execute, one execute = one request; loop as in vk-io's
 * collect/execute-code.ts). Differences from vk-io, and why:
 *
 * - Consecutive inner pages overlap by `overlap` members (offset step = page − overlap),
 *   and the script returns each page's `count` and length. The puller checks that every
 *   page starts at or before the last member it already has — the proof that nobody was
 *   skipped while members joined or left (see pager.ts).
 * - "columns" shape: instead of whole user objects the script returns one array per VK
 *   path of the member schema (`items@.city@.id`, VKScript's projection), in the schema's
 *   order. That drops key names, last names, photo URLs and education names, so 25 000
 *   members fit under the 5 MB execute answer limit (error 13) that whole objects exceed
 *   (~500 B each). A projection returns the values as they are — a whole array for a
 *   `count` column — and the converters (or the decoder) apply the column's rule. If an
 *   API returns projections misaligned (arrays of different lengths), the puller switches
 *   to the "objects" shape, which returns the items as they are.
 */

import { convert, missingValue } from '../snapshot/member-row';
import type { MemberBatch } from '../snapshot/member-batch';
import { MEMBERS, type MemberSchema } from '../snapshot/schema';

export type ScriptShape = 'columns' | 'objects';

export interface MembersScriptParams {
  groupId: number;
  /** Offset of the first inner call. */
  start: number;
  /** Members per inner call (≤ 1000). */
  page: number;
  /** Members shared by consecutive inner pages (≥ 1 once anything was read). */
  overlap: number;
  /** Inner calls (1…25). */
  calls: number;
  fields: readonly string[];
  shape: ScriptShape;
  /**
   * A sample's pages (vk/sample.ts): one inner call at each of these offsets, in order,
   * instead of `calls` consecutive pages from `start` (`start`, `overlap` and `calls` are
   * then unused); a short page does not end the loop.
   */
  offsets?: readonly number[];
}

const ident = (i: number) => `c${i}`;

/** The execute script; in the "columns" shape it projects the schema's paths, in order. */
export function membersScript(p: MembersScriptParams, schema: MemberSchema = MEMBERS): string {
  const offsets = p.offsets;
  const calls = offsets ? offsets.length : p.calls;
  if (!(calls >= 1 && calls <= 25)) throw new RangeError(`calls per execute must be 1…25, got ${calls}`);
  if (!(p.page >= 1 && p.page <= 1000)) throw new RangeError(`page size must be 1…1000, got ${p.page}`);
  if (!offsets && !(p.overlap >= 0 && p.overlap < p.page))
    throw new RangeError(`overlap must be 0…page-1, got ${p.overlap}`);
  if (offsets && !offsets.every((o) => Number.isSafeInteger(o) && o >= 0))
    throw new RangeError(`offsets must be whole numbers ≥ 0, got ${offsets.join(',')}`);
  const params = `{"group_id":${p.groupId},"sort":"id_asc","count":${p.page},"offset":o,"fields":${JSON.stringify(p.fields.join(','))}}`;
  const lines: string[] = [];
  if (offsets) lines.push(`var offs = [${offsets.join(',')}];`, 'var o = 0;');
  else lines.push(`var o = ${p.start};`);
  lines.push('var n = 0;', 'var counts = [];', 'var lens = [];');
  if (p.shape === 'objects') {
    lines.push('var items = [];');
  } else {
    schema.projections.forEach((_, i) => lines.push(`var ${ident(i)} = [];`));
  }
  lines.push(`while (n < ${calls}) {`);
  if (offsets) lines.push('  o = offs[n];');
  lines.push(`  var r = API.groups.getMembers(${params});`);
  lines.push('  counts = counts + [r.count];');
  lines.push('  lens = lens + [r.items.length];');
  if (p.shape === 'objects') {
    lines.push('  items = items + r.items;');
  } else {
    schema.projections.forEach(({ path }, i) => {
      lines.push(`  ${ident(i)} = ${ident(i)} + r.items@.${path.join('@.')};`);
    });
  }
  lines.push(`  n = n + 1;`);
  if (!offsets) {
    lines.push(`  if (r.items.length < ${p.page}) { n = ${p.calls}; }`);
    lines.push(`  o = o + ${p.page - p.overlap};`);
  }
  lines.push('}');
  if (p.shape === 'objects') {
    lines.push('return {"counts": counts, "lens": lens, "items": items};');
  } else {
    lines.push(
      `return {"counts": counts, "lens": lens, "cols": [${schema.projections.map((_, i) => ident(i)).join(', ')}]};`,
    );
  }
  return lines.join('\n');
}

export class ShapeMismatchError extends Error {}

/** Check the columns answer: one array per projected path, all `total` long. */
export function checkColumns(
  cols: unknown[],
  total: number,
  schema: MemberSchema = MEMBERS,
): asserts cols is unknown[][] {
  const n = schema.projections.length;
  if (cols.length !== n) throw new ShapeMismatchError(`expected ${n} columns, got ${cols.length}`);
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i];
    if (!Array.isArray(c) || c.length !== total) {
      throw new ShapeMismatchError(
        `column ${schema.projections[i].path.join('.')} has ${Array.isArray(c) ? c.length : 'no'} values for ${total} members`,
      );
    }
  }
}

/**
 * Append members `from`…`to`-1 of a checked columns answer to `out`, column by column, by
 * the schema's rules (member-row.ts): the general path, for answers the byte-level
 * decoder (columns-decoder.ts) leaves to it. A missing non-nullable value (`id`) throws
 * before anything is appended.
 */
export function appendProjected(
  out: MemberBatch,
  cols: unknown[][],
  from: number,
  to: number,
  schema: MemberSchema = MEMBERS,
): void {
  schema.projections.forEach((p, k) => {
    for (const c of p.columns.map((ci) => schema.columns[ci]).filter((c) => !c.nullable))
      for (let i = from; i < to; i++)
        if (convert(c.rule, cols[k][i]) === null) throw missingValue(c, cols[k][i]);
  });
  schema.projections.forEach((p, k) => {
    const src = cols[k];
    for (const ci of p.columns) {
      const c = schema.columns[ci];
      const dst = out.columns[c.name];
      for (let i = from; i < to; i++) dst.push(convert(c.rule, src[i]));
    }
  });
  out.length += to - from;
}
