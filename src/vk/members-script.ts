/**
 * The VKScript sent to `execute` to page `groups.getMembers` (per docs/vk-api.md: up
 * to 25 API calls per execute, one execute = one request; loop as in vk-io's
 * collect/execute-code.ts). Differences from vk-io, and why:
 *
 * - Consecutive inner pages overlap by `overlap` members (offset step = page − overlap),
 *   and the script returns each page's `count` and length. The puller checks that every
 *   page starts at or before the last member it already has — the proof that nobody was
 *   skipped while members joined or left (see pager.ts).
 * - "columns" shape: instead of whole user objects the script returns one array per
 *   needed field (`items@.field`, VKScript's projection). That drops key names, last
 *   names, photo URLs and education names, so 25 000 members fit under the 5 MB execute
 *   answer limit (error 13) that whole objects exceed (~500 B each). If an API returns
 *   projections misaligned (arrays of different lengths), the puller switches to the
 *   "objects" shape, which returns the items as they are.
 */

import {
  INT32_MAX,
  MemberConversionError,
  deactivated,
  flag,
  int,
  parseBdate,
  text,
  unixTime,
} from '../snapshot/member-row';
import type { MemberBatchBuilder } from '../snapshot/member-batch';
import type { MemberRow } from '../snapshot/schema';
import { isObject } from '../util/json-shape';

export type ScriptShape = 'columns' | 'objects';

/** Column name in the answer → path in the VK user object. */
export const PROJECTED: readonly (readonly [string, string, string?])[] = [
  ['id', 'id'],
  ['first_name', 'first_name'],
  ['deactivated', 'deactivated'],
  ['is_closed', 'is_closed'],
  ['can_access_closed', 'can_access_closed'],
  ['sex', 'sex'],
  ['bdate', 'bdate'],
  ['city_id', 'city', 'id'],
  ['city_title', 'city', 'title'],
  ['country_id', 'country', 'id'],
  ['country_title', 'country', 'title'],
  ['has_photo', 'has_photo'],
  ['last_seen_time', 'last_seen', 'time'],
  ['last_seen_platform', 'last_seen', 'platform'],
  ['online_info_visible', 'online_info', 'visible'],
  ['online_info_status', 'online_info', 'status'],
  ['followers_count', 'followers_count'],
  ['can_send_friend_request', 'can_send_friend_request'],
  ['can_write_private_message', 'can_write_private_message'],
  ['can_see_all_posts', 'can_see_all_posts'],
  ['relation', 'relation'],
  ['university', 'university'],
  ['graduation', 'graduation'],
  ['education_status', 'education_status'],
  ['occupation_type', 'occupation', 'type'],
  ['verified', 'verified'],
];

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
}

const ident = (i: number) => `c${i}`;

export function membersScript(p: MembersScriptParams): string {
  if (!(p.calls >= 1 && p.calls <= 25))
    throw new RangeError(`calls per execute must be 1…25, got ${p.calls}`);
  if (!(p.page >= 1 && p.page <= 1000)) throw new RangeError(`page size must be 1…1000, got ${p.page}`);
  if (!(p.overlap >= 0 && p.overlap < p.page))
    throw new RangeError(`overlap must be 0…page-1, got ${p.overlap}`);
  const params = `{"group_id":${p.groupId},"sort":"id_asc","count":${p.page},"offset":o,"fields":${JSON.stringify(p.fields.join(','))}}`;
  const lines: string[] = [];
  lines.push(`var o = ${p.start};`, 'var n = 0;', 'var counts = [];', 'var lens = [];');
  if (p.shape === 'objects') {
    lines.push('var items = [];');
  } else {
    PROJECTED.forEach((_, i) => lines.push(`var ${ident(i)} = [];`));
  }
  lines.push(`while (n < ${p.calls}) {`);
  lines.push(`  var r = API.groups.getMembers(${params});`);
  lines.push('  counts = counts + [r.count];');
  lines.push('  lens = lens + [r.items.length];');
  if (p.shape === 'objects') {
    lines.push('  items = items + r.items;');
  } else {
    PROJECTED.forEach(([, a, b], i) => {
      lines.push(`  ${ident(i)} = ${ident(i)} + r.items@.${a}${b ? `@.${b}` : ''};`);
    });
  }
  lines.push(`  n = n + 1;`);
  lines.push(`  if (r.items.length < ${p.page}) { n = ${p.calls}; }`);
  lines.push(`  o = o + ${p.page - p.overlap};`);
  lines.push('}');
  if (p.shape === 'objects') {
    lines.push('return {"counts": counts, "lens": lens, "items": items};');
  } else {
    lines.push(
      `return {"counts": counts, "lens": lens, "cols": [${PROJECTED.map((_, i) => ident(i)).join(', ')}]};`,
    );
  }
  return lines.join('\n');
}

export class ShapeMismatchError extends Error {}

/** Check the columns answer: one array per projected field, all `total` long. */
export function checkColumns(cols: unknown[], total: number): asserts cols is unknown[][] {
  if (cols.length !== PROJECTED.length)
    throw new ShapeMismatchError(`expected ${PROJECTED.length} columns, got ${cols.length}`);
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i];
    if (!Array.isArray(c) || c.length !== total) {
      throw new ShapeMismatchError(
        `column ${PROJECTED[i][0]} has ${Array.isArray(c) ? c.length : 'no'} values for ${total} members`,
      );
    }
  }
}

type Conv = (v: unknown) => unknown;
/**
 * Projected field → snapshot column and converter: the same rules as `toMemberRow`
 * (snapshot/member-row.ts), applied to one field at a time. Tests compare the two paths
 * member by member against the emulator's truth.
 */
const DIRECT: Readonly<Record<string, [keyof MemberRow, Conv]>> = {
  first_name: ['first_name', text],
  deactivated: ['deactivated', deactivated],
  is_closed: ['is_closed', flag],
  can_access_closed: ['can_access_closed', flag],
  sex: ['sex', (v) => int(v, 0, 2)],
  city_id: ['city_id', (v) => int(v, 0, INT32_MAX)],
  city_title: ['city_title', text],
  country_id: ['country_id', (v) => int(v, 0, INT32_MAX)],
  country_title: ['country_title', text],
  has_photo: ['has_photo', flag],
  last_seen_time: ['last_seen_time', unixTime],
  last_seen_platform: ['last_seen_platform', (v) => int(v, 0, 127)],
  online_info_visible: ['online_info_visible', flag],
  online_info_status: ['online_info_status', text],
  followers_count: ['followers_count', (v) => int(v, 0, INT32_MAX)],
  can_send_friend_request: ['can_send_friend_request', flag],
  can_write_private_message: ['can_write_private_message', flag],
  can_see_all_posts: ['can_see_all_posts', flag],
  relation: ['relation', (v) => int(v, 0, 127)],
  university: ['university_id', (v) => int(v, 0, INT32_MAX)],
  graduation: ['graduation_year', (v) => int(v, 0, 32767)],
  education_status: ['education_status', text],
  occupation_type: ['occupation_type', text],
  verified: ['verified', flag],
};

/** Append members `from`…`to`-1 of a checked columns answer to `out`, column by column. */
export function appendProjected(out: MemberBatchBuilder, cols: unknown[][], from: number, to: number): void {
  const target = out.columns as unknown as Record<string, unknown[]>;
  for (let c = 0; c < PROJECTED.length; c++) {
    const name = PROJECTED[c][0];
    const src = cols[c];
    if (name === 'id') {
      const dst = target.id;
      for (let i = from; i < to; i++) {
        const id = int(src[i], 1, INT32_MAX);
        if (id === null)
          throw new MemberConversionError(
            `VK member item has no valid "id" (got ${JSON.stringify(src[i])}); the API answer is malformed.`,
          );
        dst.push(id);
      }
    } else if (name === 'bdate') {
      const vis = target.bdate_visibility;
      const year = target.birth_year;
      for (let i = from; i < to; i++) {
        const b = parseBdate(src[i]);
        vis.push(b.visibility);
        year.push(b.year);
      }
    } else {
      const [key, conv] = DIRECT[name];
      const dst = target[key];
      for (let i = from; i < to; i++) dst.push(conv(src[i] ?? null));
    }
  }
  out.length += to - from;
}

/** Rebuild VK-shaped user objects from the columns answer (so one converter serves all). */
export function usersFromColumns(cols: unknown[], total: number): Record<string, unknown>[] {
  if (cols.length !== PROJECTED.length)
    throw new ShapeMismatchError(`expected ${PROJECTED.length} columns, got ${cols.length}`);
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i];
    if (!Array.isArray(c) || c.length !== total) {
      throw new ShapeMismatchError(
        `column ${PROJECTED[i][0]} has ${Array.isArray(c) ? c.length : 'no'} values for ${total} members`,
      );
    }
  }
  const users: Record<string, unknown>[] = new Array(total);
  const col = cols as unknown[][];
  for (let r = 0; r < total; r++) {
    const u: Record<string, unknown> = {};
    for (let i = 0; i < PROJECTED.length; i++) {
      const v = col[i][r];
      if (v === null || v === undefined) continue;
      const [, a, b] = PROJECTED[i];
      if (b) {
        const inner = (isObject(u[a]) ? u[a] : (u[a] = {})) as Record<string, unknown>;
        inner[b] = v;
      } else {
        u[a] = v;
      }
    }
    users[r] = u;
  }
  return users;
}
