/**
 * The community being pulled: `groups.getById` (API 5.199 answers `{groups: [...],
 * profiles: [...]}`; older versions a bare array — both accepted, per docs/vk-api.md).
 *
 * The project's emulator marks its community in `description` (synthetic-marker.ts): such a
 * snapshot is recorded as `source.kind = "synthetic"` so every later report can say so.
 */
import type { VkClient } from './client';
import { VkResponseError } from './errors';
import { isObject } from '../util/json-shape';
import { parseSyntheticMarker, type SyntheticSettings } from './synthetic-marker';

export interface GroupInfo {
  id: number;
  screen_name: string;
  name: string;
  /** `members_count` when VK returned it. */
  members_count: number | null;
  deactivated: string | null;
  synthetic: SyntheticSettings | null;
}

/** `--group` as given: a numeric id, a screen name, or a vk.com link / club123 / public123. */
export function normaliseGroupArg(raw: string | number): string {
  let s = String(raw).trim();
  s = s.replace(/^https?:\/\/(m\.)?vk\.(com|ru)\//i, '').replace(/\/+$/, '');
  s = s.replace(/^-(\d+)$/, '$1').replace(/^(club|public|event)(\d+)$/i, '$2');
  if (s === '' || !/^[A-Za-z0-9_.]+$/.test(s)) {
    throw new Error(
      `--group ${JSON.stringify(String(raw))} is not a community id or screen name (expected e.g. 1, club1 or apiclub)`,
    );
  }
  return s;
}

export async function resolveGroup(
  client: VkClient,
  groupArg: string | number,
  signal?: AbortSignal,
): Promise<GroupInfo> {
  const group = normaliseGroupArg(groupArg);
  const res = await client.call<unknown>(
    'groups.getById',
    { group_id: group, fields: 'members_count,description' },
    signal,
  );
  const list = Array.isArray(res) ? res : isObject(res) && Array.isArray(res.groups) ? res.groups : null;
  if (!list || list.length === 0 || !isObject(list[0])) {
    throw new VkResponseError('groups.getById', 'no group object in the answer');
  }
  const g = list[0];
  if (typeof g.id !== 'number' || !Number.isInteger(g.id) || g.id <= 0) {
    throw new VkResponseError('groups.getById', 'the group has no numeric id');
  }
  return {
    id: g.id,
    screen_name: typeof g.screen_name === 'string' ? g.screen_name : `club${g.id}`,
    name: typeof g.name === 'string' ? g.name : '',
    members_count: typeof g.members_count === 'number' ? g.members_count : null,
    deactivated: typeof g.deactivated === 'string' ? g.deactivated : null,
    synthetic: parseSyntheticMarker(g.description),
  };
}
