/**
 * The VK methods the emulator implements, independent of HTTP: `groups.getById`,
 * `groups.getMembers` and `execute` (VKScript: vkscript/). Parameters arrive as strings,
 * as VK receives them. Shapes: docs/vk-api.md; users are serialize.ts's `userObject`,
 * written by the byte writer (fast/user-writer.ts) and handed to scripts as lazy values
 * (fast/script-users.ts).
 */
import { type MemberRecord, type MemberSource, emptyRecord } from './generator';
import { Membership } from './membership';
import { type FieldSet, parseFields } from './serialize';
import { VkApiError, vkErrors } from './errors';
import type { Program } from './vkscript/ast';
import { writeValueJson } from './vkscript/json';
import { parseVKScript } from './vkscript/parser';
import { VKScriptCompileError, VKScriptRuntimeError, type Value, fromPlain } from './vkscript/values';
import { runVKScriptFast } from './fast/interpreter';
import { JsonSink } from './fast/json-sink';
import { UserValue, startScript, writeScriptHost } from './fast/script-users';
import { writeUser } from './fast/user-writer';
import { formatSyntheticMarker } from '../vk/synthetic-marker';

export { SYNTHETIC_MARKER } from '../vk/synthetic-marker';

export interface GroupInfo {
  id: number;
  screenName: string;
  name: string;
}

/** Mutable switches the API consults on every call. */
export interface ApiSwitches {
  hideMembers: boolean;
  accessDenied: boolean;
  maxResponseBytes: number;
}

/** One community the emulator serves. */
export interface CommunityContext {
  /** Users by population index: the generator, or the store a worker fills ahead (fast/member-store.ts). */
  gen: MemberSource;
  /** Members by the community's own index (ranks in id order when nobody has left). */
  members: Membership;
  group: GroupInfo;
  seed: number;
  /** The generator's shares, said in the marker so the pull records them (vk/synthetic-marker.ts). */
  shares: { bot_share: number; followers_zero_share: number };
  initialMembers: number;
  /**
   * The population index of each of the community's own indices (sorted), or a first
   * index the community's indices count on from; null: the same numbers (the news
   * community). Built on first use when it is a function.
   */
  population: Int32Array | { first: number } | null | (() => Int32Array);
}

/** The emulator's communities (the first is the default one) and its switches. */
export interface ApiContext extends CommunityContext {
  others: CommunityContext[];
  switches: ApiSwitches;
}

export type Params = ReadonlyMap<string, string>;

/** What `execute` reports besides the JSON it wrote: the execute errors, if any. */
export interface MethodResult {
  executeErrors?: { method: string; error_code: number; error_msg: string }[];
}

function intParam(params: Params, name: string, dflt: number, min: number): number {
  const raw = params.get(name);
  if (raw === undefined || raw === '') return dflt;
  if (!/^-?\d+$/.test(raw.trim())) throw vkErrors.param(`${name} not integer`);
  const v = Number(raw);
  if (v < min) throw vkErrors.param(`${name} should be ${min === 0 ? 'positive' : `at least ${min}`}`);
  return v;
}

/** The community a `group_id` names (its id, `-id`, `club<id>`, `public<id>` or screen name), or null. */
export function resolveGroup(ctx: ApiContext, raw: string | undefined): CommunityContext | null {
  if (raw === undefined) return null;
  const v = raw
    .trim()
    .replace(/^-/, '')
    .replace(/^(club|public)(\d+)$/, '$2')
    .toLowerCase();
  for (const c of [ctx, ...ctx.others])
    if (v === String(c.group.id) || v === c.group.screenName.toLowerCase()) return c;
  return null;
}

/** The population index of a community's own index. */
export function populationIndex(c: CommunityContext, index: number): number {
  let p = c.population;
  if (p === null) return index;
  if (typeof p === 'function') p = c.population = p();
  if (p instanceof Int32Array) return p[index];
  return p.first + index;
}

function groupObject(ctx: CommunityContext): Record<string, unknown> {
  const g = ctx.group;
  return {
    id: g.id,
    name: g.name,
    screen_name: g.screenName,
    is_closed: 0,
    type: 'page',
    // Always sent (VK sends these only when asked in `fields`): the pull relies on the marker.
    description: formatSyntheticMarker({ seed: ctx.seed, members: ctx.initialMembers, ...ctx.shares }),
    members_count: ctx.members.count(),
    photo_50: 'https://vk.com/images/community_50.png',
    photo_100: 'https://vk.com/images/community_100.png',
    photo_200: 'https://vk.com/images/community_200.png',
  };
}

/**
 * groups.getById. Unknown ids/screen names → error 100 (VK answers "invalid group_id"
 * style errors with 100 for getById; getMembers uses 125). API ≥ 5.194 wraps the list in
 * `{groups, profiles}`; older versions get the bare array. `version` as `parseApiVersion` gives it.
 */
export function groupsGetById(ctx: ApiContext, params: Params, version: number): unknown {
  const raw = params.get('group_id') ?? params.get('group_ids');
  if (raw === undefined || raw.trim() === '') throw vkErrors.param('group_id is undefined');
  const ids = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const groups = ids.map((id) => {
    const c = resolveGroup(ctx, id);
    if (!c) throw vkErrors.param('invalid group_id');
    return groupObject(c);
  });
  return version >= 5194 ? { groups, profiles: [] } : groups;
}

interface MembersPage {
  count: number;
  /** Population indices. */
  indices: number[];
  fields: FieldSet | null;
  gen: MemberSource;
}

const FILTERS = new Set(['friends', 'unsure', 'managers', 'donut']);

function membersPage(ctx: ApiContext, params: Params): MembersPage {
  const groupRaw = params.get('group_id');
  if (groupRaw === undefined || groupRaw.trim() === '') throw vkErrors.param('group_id is undefined');
  const c = resolveGroup(ctx, groupRaw);
  if (!c) throw vkErrors.invalidGroup();
  if (ctx.switches.accessDenied) throw vkErrors.accessDenied();
  if (ctx.switches.hideMembers) throw vkErrors.hideMembers();
  const offset = intParam(params, 'offset', 0, 0);
  // VK: count defaults to 1000 and larger values are cut to 1000.
  const count = Math.min(1000, intParam(params, 'count', 1000, 0));
  const sort = params.get('sort') ?? 'id_asc';
  if (sort === 'time_asc' || sort === 'time_desc') throw vkErrors.sortByTime();
  if (sort !== 'id_asc' && sort !== 'id_desc' && sort !== '')
    throw vkErrors.param(`sort should be one of id_asc, id_desc, time_asc, time_desc`);
  const filter = params.get('filter');
  const fieldsRaw = params.get('fields');
  const fields = fieldsRaw !== undefined && fieldsRaw.trim() !== '' ? parseFields(fieldsRaw) : null;
  if (filter !== undefined && filter !== '') {
    if (!FILTERS.has(filter))
      throw vkErrors.param('filter should be one of friends, unsure, managers, donut');
    // The emulator's token owner has no friends in, and no managers of, the community.
    return { count: 0, indices: [], fields, gen: c.gen };
  }
  const indices = c.members.page(offset, count, sort === 'id_desc');
  if (c.population !== null)
    for (let i = 0; i < indices.length; i++) indices[i] = populationIndex(c, indices[i]);
  return { count: c.members.count(), indices, fields, gen: c.gen };
}

const COMMA = 0x2c;

/**
 * One record reused for every member a page serialises (`memberInto`): the page writes each
 * member before generating the next, so nothing holds on to it.
 */
const pageRecord: MemberRecord = emptyRecord();

/**
 * Members per part of a page sent while the rest is written (~66 KB with the study's
 * fields): the client reads a part while the server writes the next, where it would
 * otherwise wait for the whole page (519 KB) and the server then wait for its next request.
 * Measured (bench emulator, separate process): pages 286k → 348k members/s.
 */
const PART_MEMBERS = 128;

/**
 * groups.getMembers straight to JSON bytes (the hot path). `part`, if given, is called
 * every PART_MEMBERS members once the request is known to be valid (errors are thrown
 * before it is first called): the caller may send what `out` holds so far.
 */
export function writeGroupsGetMembers(
  ctx: ApiContext,
  params: Params,
  out: JsonSink,
  part?: () => void,
): void {
  const page = membersPage(ctx, params);
  const gen = page.gen;
  const ref = gen.referenceSec;
  out.write(`{"count":${page.count},"items":[`);
  for (let i = 0; i < page.indices.length; i++) {
    const index = page.indices[i];
    if (i) out.byte(COMMA);
    if (part !== undefined && i > 0 && i % PART_MEMBERS === 0) part();
    if (page.fields) writeUser(gen.memberInto(index, pageRecord), page.fields, ref, out);
    else out.num(gen.idOf(index));
  }
  out.write(']}');
}

/** The methods callable from VKScript (`API.<method>(params)`). */
function callFromScript(ctx: ApiContext, method: string, params: Params, version: number): Value {
  switch (method) {
    case 'groups.getMembers': {
      const page = membersPage(ctx, params);
      const fields = page.fields;
      const items: Value[] = page.indices.map((index) =>
        fields ? new UserValue(page.gen, index, fields) : page.gen.idOf(index),
      );
      return new Map<string, Value>([
        ['count', page.count],
        ['items', items],
      ]);
    }
    case 'groups.getById':
      return fromPlain(groupsGetById(ctx, params, version));
    case 'execute':
      throw vkErrors.param('execute cannot be called from execute');
    default:
      throw vkErrors.unknownMethod();
  }
}

/** Parsed programs by code text: clients send the same paging code on every request. */
const programCache = new Map<string, Program>();

/** Runs the `code` parameter and writes the `response` value's JSON into `out`. */
export function execute(ctx: ApiContext, params: Params, version: number, out: JsonSink): MethodResult {
  const code = params.get('code');
  if (code === undefined || code.trim() === '') throw vkErrors.param('code is undefined');
  let program = programCache.get(code);
  if (!program) {
    try {
      program = parseVKScript(code);
    } catch (err) {
      if (err instanceof VKScriptCompileError) throw vkErrors.compile(err.message);
      throw err;
    }
    if (programCache.size > 64) programCache.clear();
    programCache.set(code, program);
  }
  startScript();
  const executeErrors: NonNullable<MethodResult['executeErrors']> = [];
  let value: Value;
  try {
    value = runVKScriptFast(program, {
      args: (name) => params.get(name) ?? null,
      callApi: (method, callParams) => {
        try {
          return callFromScript(ctx, method, callParams, version);
        } catch (err) {
          if (err instanceof VkApiError) {
            executeErrors.push({ method, error_code: err.code, error_msg: err.message });
            return false;
          }
          throw err;
        }
      },
    });
  } catch (err) {
    if (err instanceof VKScriptRuntimeError) throw vkErrors.runtime(err.message);
    throw err;
  }
  const start = out.length;
  try {
    writeValueJson(value, (h, o) => writeScriptHost(h, o, out), out);
  } catch (err) {
    if (err instanceof VKScriptRuntimeError) throw vkErrors.runtime(err.message);
    throw err;
  }
  // The caller discards `out` on this error.
  if (out.length - start > ctx.switches.maxResponseBytes) throw vkErrors.tooBig();
  return executeErrors.length ? { executeErrors } : {};
}
