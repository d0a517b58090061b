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

export const SYNTHETIC_MARKER = '[vk-audience-study synthetic community]';

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

export interface ApiContext {
  /** Members by index: the generator, or the store a worker fills ahead (fast/member-store.ts). */
  gen: MemberSource;
  members: Membership;
  group: GroupInfo;
  switches: ApiSwitches;
  seed: number;
  initialMembers: number;
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

function resolveGroup(ctx: ApiContext, raw: string | undefined): boolean {
  if (raw === undefined) return false;
  const v = raw
    .trim()
    .replace(/^-/, '')
    .replace(/^(club|public)(\d+)$/, '$2');
  return v === String(ctx.group.id) || v.toLowerCase() === ctx.group.screenName.toLowerCase();
}

function groupObject(ctx: ApiContext): Record<string, unknown> {
  const g = ctx.group;
  return {
    id: g.id,
    name: g.name,
    screen_name: g.screenName,
    is_closed: 0,
    type: 'page',
    // Always sent (VK sends these only when asked in `fields`): the pull relies on the marker.
    description: `${SYNTHETIC_MARKER} seed=${ctx.seed} members=${ctx.initialMembers}`,
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
    if (!resolveGroup(ctx, id)) throw vkErrors.param('invalid group_id');
    return groupObject(ctx);
  });
  return version >= 5194 ? { groups, profiles: [] } : groups;
}

interface MembersPage {
  count: number;
  indices: number[];
  fields: FieldSet | null;
}

const FILTERS = new Set(['friends', 'unsure', 'managers', 'donut']);

function membersPage(ctx: ApiContext, params: Params): MembersPage {
  const groupRaw = params.get('group_id');
  if (groupRaw === undefined || groupRaw.trim() === '') throw vkErrors.param('group_id is undefined');
  if (!resolveGroup(ctx, groupRaw)) throw vkErrors.invalidGroup();
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
    return { count: 0, indices: [], fields };
  }
  return { count: ctx.members.count(), indices: ctx.members.page(offset, count, sort === 'id_desc'), fields };
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
  const ref = ctx.gen.referenceSec;
  out.write(`{"count":${page.count},"items":[`);
  for (let i = 0; i < page.indices.length; i++) {
    const index = page.indices[i];
    if (i) out.byte(COMMA);
    if (part !== undefined && i > 0 && i % PART_MEMBERS === 0) part();
    if (page.fields) writeUser(ctx.gen.memberInto(index, pageRecord), page.fields, ref, out);
    else out.num(ctx.gen.idOf(index));
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
        fields ? new UserValue(ctx.gen, index, fields) : ctx.gen.idOf(index),
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
