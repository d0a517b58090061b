/**
 * The emulator's HTTP side: Node `http` on 127.0.0.1, `/method/<name>`, form-encoded POST
 * or GET, VK's envelopes (`{response}`, `{error:{error_code,error_msg,request_params}}`),
 * per-token rate limit, switchable faults and membership drift.
 * The token is never echoed: `request_params` leaves out `access_token`.
 */
import * as http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Rng, hash32 } from '../util/rng';
import type { EmulatorDrift, EmulatorFaults, EmulatorHandle, EmulatorOptions } from './index';
import {
  ApiContext,
  CommunityContext,
  Params,
  execute,
  groupsGetById,
  populationIndex,
  resolveGroup,
  writeGroupsGetMembers,
} from './api';
import {
  LARGE_COMMUNITY,
  POPULATION_FACTOR,
  SMALL_COMMUNITIES,
  commonCount,
  drawSmallCommunities,
  kindOf,
  statusOf,
} from './communities';
import { type AdvanceRates, TimeOverlay, checkAdvance } from './time';
import type { CommunityTruth, OverlapTruth, StepTruth } from './index';
import { JsonSink } from './fast/json-sink';
import { VkApiError, vkErrors } from './errors';
import { CommunityGenerator, MAX_INDEX, emptyRecord } from './generator';
import { MemberStore } from './fast/member-store';
import { Membership } from './membership';
import { RateLimiter } from './rate-limit';
import { parseFields, userObject } from './serialize';
import { trueDraws } from './truth';

export const DEFAULT_MAX_RESPONSE_BYTES = 5 * 1024 * 1024;
const MAX_BODY_BYTES = 1024 * 1024;
const MIN_MEMBERS = 1;
const MAX_MEMBERS = 10_000_000;
/**
 * From this size on, a worker thread generates the community ahead of the requests
 * (fast/member-store.ts). Below it a whole pull costs the server a few tens of milliseconds of
 * generation: not worth a thread's start-up (~50 ms) in every test.
 */
export const PREGENERATE_MIN_MEMBERS = 20_000;

function checkRate(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isFinite(v) && v >= 0 && v <= 1)) {
    throw new Error(`emulator: faults.${name} must be a share between 0 and 1, got ${v}`);
  }
}

function checkFaults(f: EmulatorFaults): Required<EmulatorFaults> {
  checkRate('error10Rate', f.error10Rate);
  checkRate('http5xxRate', f.http5xxRate);
  checkRate('slowRate', f.slowRate);
  checkRate('nonJsonRate', f.nonJsonRate);
  checkRate('resetRate', f.resetRate);
  if (f.slowMs !== undefined && !(Number.isFinite(f.slowMs) && f.slowMs >= 0)) {
    throw new Error(`emulator: faults.slowMs must be >= 0 milliseconds, got ${f.slowMs}`);
  }
  return {
    error10Rate: f.error10Rate ?? 0,
    http5xxRate: f.http5xxRate ?? 0,
    slowRate: f.slowRate ?? 0,
    slowMs: f.slowMs ?? 2000,
    nonJsonRate: f.nonJsonRate ?? 0,
    resetRate: f.resetRate ?? 0,
  };
}

function checkDrift(d: EmulatorDrift): Required<EmulatorDrift> {
  for (const k of ['leavePerRequest', 'joinPerRequest'] as const) {
    const v = d[k];
    if (v !== undefined && !(Number.isInteger(v) && v >= 0)) {
      throw new Error(`emulator: drift.${k} must be a whole number >= 0, got ${v}`);
    }
  }
  return { leavePerRequest: d.leavePerRequest ?? 0, joinPerRequest: d.joinPerRequest ?? 0 };
}

function checkMaxBytes(v: number): number {
  if (!(Number.isFinite(v) && v > 0)) throw new Error(`emulator: maxResponseBytes must be > 0, got ${v}`);
  return v;
}

const HTML_5XX = (code: number): string =>
  `<html>\r\n<head><title>${code} ${code === 502 ? 'Bad Gateway' : 'Internal Server Error'}</title></head>\r\n<body>\r\n<center><h1>${code} ${code === 502 ? 'Bad Gateway' : 'Internal Server Error'}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
const HTML_NON_JSON =
  '<!DOCTYPE html><html><head><meta charset="utf-8"><title>VK</title></head><body>Service temporarily unavailable. Please try again later.</body></html>';

/** "5.199" → 5199: VK versions compare by major then minor (5.81 < 5.199). NaN-safe: junk → 0. */
export function parseApiVersion(v: string): number {
  const m = /^\s*(\d+)(?:\.(\d+))?\s*$/.exec(v);
  return m ? Number(m[1]) * 1000 + Number(m[2] ?? 0) : 0;
}

/** The news community's screen name when none is given. */
export const DEFAULT_SCREEN_NAME = 'synthetic_community';

export async function startEmulator(opts: EmulatorOptions): Promise<EmulatorHandle> {
  if (!opts || !Number.isInteger(opts.members) || opts.members < MIN_MEMBERS || opts.members > MAX_MEMBERS) {
    throw new Error(
      `emulator: members must be a whole number between ${MIN_MEMBERS} and ${MAX_MEMBERS}, got ${opts?.members}`,
    );
  }
  const seed = opts.seed ?? 1;
  if (!Number.isInteger(seed)) throw new Error(`emulator: seed must be an integer, got ${seed}`);
  const groupId = opts.groupId ?? 1;
  if (!Number.isInteger(groupId) || groupId <= 0)
    throw new Error(`emulator: groupId must be a positive integer, got ${groupId}`);
  const screenName = opts.screenName ?? DEFAULT_SCREEN_NAME;
  if (!/^[A-Za-z0-9_.]{2,64}$/.test(screenName) || /^(club|public)\d+$/.test(screenName)) {
    throw new Error(`emulator: screenName must be 2–64 letters, digits, _ or . (got "${screenName}")`);
  }
  const port = opts.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`emulator: port must be 0..65535, got ${port}`);

  const nowMs = (opts.now ?? Date.now)();
  if (!Number.isFinite(nowMs) || nowMs < 1e12)
    throw new Error(`emulator: now() must return milliseconds since 1970 (like Date.now()), got ${nowMs}`);
  const gen = new CommunityGenerator({
    seed,
    referenceSec: nowMs / 1000,
    botShare: opts.botShare,
    followersZeroShare: opts.followersZeroShare,
  });
  const members = new Membership(opts.members, MAX_INDEX);
  const pregenerate = opts.pregenerate ?? opts.members >= PREGENERATE_MIN_MEMBERS;
  if (typeof pregenerate !== 'boolean')
    throw new Error(`emulator: pregenerate must be true or false, got ${String(pregenerate)}`);
  const switches = {
    hideMembers: opts.hideMembers ?? false,
    accessDenied: opts.accessDenied ?? false,
    maxResponseBytes: checkMaxBytes(opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES),
  };
  const withCommunities = opts.communities ?? true;
  if (typeof withCommunities !== 'boolean')
    throw new Error(`emulator: communities must be true or false, got ${String(withCommunities)}`);
  let faults = checkFaults(opts.faults ?? {});
  let drift = checkDrift(opts.drift ?? {});
  const limiter = new RateLimiter(opts.rateLimitPerSecond ?? 3);
  // Faults and drift are seeded too, so a failing test replays the same sequence.
  const faultRng = new Rng(hash32(seed, 0xfa0175));
  const driftRng = new Rng(hash32(seed, 0xd21f7));
  // Started once every option has been checked: a rejected start leaves no thread behind.
  // The store only saves time: if its memory (53 bytes a member) or thread cannot be had,
  // the emulator serves without it (`handle.store` is then undefined).
  let store: MemberStore | undefined;
  try {
    store = pregenerate ? new MemberStore(gen, opts.members) : undefined;
  } catch {
    store = undefined;
  }
  // Every community reads the one population, as time has moved it.
  const overlay = new TimeOverlay(store ?? gen);
  const shares = { bot_share: gen.botShare, followers_zero_share: gen.followersZeroShare };
  const ctx: ApiContext = {
    gen: overlay,
    members,
    group: { id: groupId, screenName, name: 'Синтетическое сообщество (vk-audience-study)' },
    seed,
    shares,
    initialMembers: opts.members,
    population: null,
    switches,
    others: [],
  };
  // The smaller communities are drawn on first use (one pass over the population as it was
  // at start, whenever that is), so a single-community run pays nothing for them.
  let smallLists: Int32Array[] | undefined;
  const smallList = (k: number): Int32Array =>
    (smallLists ??= drawSmallCommunities(store ?? gen, seed, opts.members))[k];
  const small: CommunityContext[] = SMALL_COMMUNITIES.map((spec, k) => {
    let m: Membership | undefined;
    return {
      gen: overlay,
      get members(): Membership {
        return (m ??= new Membership(smallList(k).length, MAX_INDEX));
      },
      get initialMembers(): number {
        return smallList(k).length;
      },
      group: { id: groupId + spec.idOffset, screenName: spec.screenName, name: spec.name },
      seed,
      shares,
      population: () => smallList(k),
    };
  });
  const large: CommunityContext = {
    gen: overlay,
    members: new Membership(LARGE_COMMUNITY.members, MAX_INDEX),
    group: {
      id: groupId + LARGE_COMMUNITY.idOffset,
      screenName: LARGE_COMMUNITY.screenName,
      name: LARGE_COMMUNITY.name,
    },
    seed,
    shares,
    initialMembers: LARGE_COMMUNITY.members,
    population: { first: LARGE_COMMUNITY.firstIndex },
  };
  if (withCommunities) ctx.others.push(...small, large);

  // Local fake tokens: random per start, never valid anywhere but this process.
  const token = `emu-user-${randomBytes(16).toString('hex')}`;
  const serviceToken = `emu-service-${randomBytes(16).toString('hex')}`;

  let counter = 0;
  const byMethod: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const countError = (key: string): void => {
    errors[key] = (errors[key] ?? 0) + 1;
  };

  const send = (res: http.ServerResponse, status: number, type: string, body: string): void => {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };
  const sendJson = (res: http.ServerResponse, body: string): void =>
    send(res, 200, 'application/json; charset=utf-8', body);
  const sendSink = (res: http.ServerResponse, sink: JsonSink): void => {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': sink.length });
    res.cork();
    for (const b of sink.buffers()) res.write(b);
    res.end();
    res.uncork();
    // 'finish': every byte has been handed to the kernel, so the chunks can be reused.
    res.once('finish', () => sink.release());
  };

  const errorBody = (err: VkApiError, method: string, params: Params): string => {
    const echoed = [
      { key: 'method', value: method },
      { key: 'oauth', value: '1' },
    ];
    for (const [key, value] of params) if (key !== 'access_token') echoed.push({ key, value });
    return JSON.stringify({
      error: { error_code: err.code, error_msg: err.message, request_params: echoed },
    });
  };

  // ---- truth over the communities, and time
  /** The communities with a census in the truth (the 15M one has none: 15M users to generate). */
  const censused = (): CommunityContext[] => [ctx, ...(withCommunities ? small : [])];
  /** A community's current members as sorted population indices. */
  const populationOf = (c: CommunityContext): Int32Array => {
    const own = c.members.memberIndices();
    if (c.population !== null) for (let i = 0; i < own.length; i++) own[i] = populationIndex(c, own[i]);
    return own;
  };
  const STATUS_NAMES = ['active', 'inactive', 'hidden', 'deleted', 'banned'] as const;
  const statusCodes = (indices: Int32Array): Uint8Array => {
    const rec = emptyRecord();
    const out = new Uint8Array(indices.length);
    for (let i = 0; i < indices.length; i++)
      out[i] = STATUS_NAMES.indexOf(statusOf(overlay.memberInto(indices[i], rec), overlay.referenceSec));
    return out;
  };
  const census = (c: CommunityContext): CommunityTruth => {
    const indices = populationOf(c);
    const rec = emptyRecord();
    const statuses = { active: 0, inactive: 0, hidden: 0, deleted: 0, banned: 0 };
    let bots = 0;
    for (let i = 0; i < indices.length; i++) {
      overlay.memberInto(indices[i], rec);
      statuses[statusOf(rec, overlay.referenceSec)]++;
      if (kindOf(rec, overlay.referenceSec) === 'bot') bots++;
    }
    const live = statuses.active + statuses.inactive + statuses.hidden;
    return {
      group_id: c.group.id,
      screen_name: c.group.screenName,
      name: c.group.name,
      members: indices.length,
      statuses,
      live,
      bots,
    };
  };
  const overlaps = (): OverlapTruth[] => {
    const list = censused().map((c) => ({ c, indices: populationOf(c) }));
    const out: OverlapTruth[] = [];
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++)
        out.push({
          a: list[i].c.group.id,
          b: list[j].c.group.id,
          common: commonCount(list[i].indices, list[j].indices),
        });
    if (withCommunities) {
      const lo = LARGE_COMMUNITY.firstIndex;
      const hi = lo + LARGE_COMMUNITY.members;
      for (const { c, indices } of list) {
        let n = 0;
        for (let k = 0; k < indices.length; k++) if (indices[k] >= lo && indices[k] < hi) n++;
        out.push({ a: c.group.id, b: large.group.id, common: n });
      }
    }
    return out;
  };
  const steps: StepTruth[] = [];
  const churnRng = new Rng(hash32(seed, 0xc4e2));
  const advance = (patch: AdvanceRates = {}): StepTruth => {
    const rates = checkAdvance(patch);
    const communities = censused();
    const before = communities.map((c) => {
      const indices = populationOf(c);
      return { indices, codes: statusCodes(indices) };
    });
    const population = Math.max(members.allocated(), Math.ceil(opts.members * POPULATION_FACTOR));
    overlay.advance(seed, Math.min(population, MAX_INDEX + 1), rates);
    // Membership churn in the news community: leavers at random, joiners with the next ids.
    const size = members.count();
    members.applyDrift(counter, Math.round(rates.leave * size), Math.round(rates.join * size), churnRng);
    const byStatus = (a: number[]): Record<string, number> =>
      Object.fromEntries(STATUS_NAMES.map((s, q) => [s, a[q]]));
    const sum = (a: number[]): number => a.reduce((s, v) => s + v, 0);
    const step: StepTruth = {
      step: overlay.stepCount(),
      days: rates.days,
      rates,
      communities: communities.map((c, k) => {
        const after = populationOf(c);
        const codes = statusCodes(after);
        const x = before[k];
        const transitions = STATUS_NAMES.map(() => STATUS_NAMES.map(() => 0));
        const joinedBy = STATUS_NAMES.map(() => 0);
        const leftBy = STATUS_NAMES.map(() => 0);
        let i = 0;
        let j = 0;
        while (i < x.indices.length || j < after.length) {
          if (j >= after.length || (i < x.indices.length && x.indices[i] < after[j])) leftBy[x.codes[i++]]++;
          else if (i >= x.indices.length || after[j] < x.indices[i]) joinedBy[codes[j++]]++;
          else transitions[x.codes[i++]][codes[j++]]++;
        }
        return {
          group_id: c.group.id,
          joined: sum(joinedBy),
          left: sum(leftBy),
          stayed: sum(transitions.map(sum)),
          transitions: Object.fromEntries(STATUS_NAMES.map((f, a) => [f, byStatus(transitions[a])])),
          joined_by_status: byStatus(joinedBy),
          left_by_status: byStatus(leftBy),
        };
      }),
    };
    steps.push(step);
    opts.onAdvance?.(emuHandle);
    return step;
  };
  const truthJson = (): Record<string, unknown> => ({
    format: 'vk-audience-study/emulator-truth',
    seed,
    reference_time: overlay.referenceSec,
    bot_share_of_live: gen.botShare,
    followers_zero_share_of_live: gen.followersZeroShare,
    inactive_days: 183,
    communities: [
      ...censused().map(census),
      ...(withCommunities
        ? [
            {
              group_id: large.group.id,
              screen_name: large.group.screenName,
              name: large.group.name,
              members: LARGE_COMMUNITY.members,
            },
          ]
        : []),
    ],
    overlaps: overlaps(),
    steps,
    model: trueDraws(gen.followersZeroShare),
  });

  /** POST /control/advance (the user token; form fields as AdvanceRates): one step of time, answered with its truth. */
  const controlAdvance = (res: http.ServerResponse, url: URL, body: string): void => {
    const params = new Map<string, string>(url.searchParams);
    for (const [k, v] of new URLSearchParams(body)) params.set(k, v);
    if (params.get('access_token') !== token) {
      send(
        res,
        403,
        'application/json; charset=utf-8',
        JSON.stringify({ error: 'control needs the user token' }),
      );
      return;
    }
    const rates: AdvanceRates = {};
    for (const k of ['days', 'leave', 'join', 'visit', 'delete', 'ban', 'botBan'] as const) {
      const v = params.get(k);
      if (v !== undefined) rates[k] = Number(v);
    }
    try {
      sendJson(res, JSON.stringify({ response: advance(rates) }));
    } catch (err) {
      send(res, 400, 'application/json; charset=utf-8', JSON.stringify({ error: (err as Error).message }));
    }
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, body: string): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/control/advance') {
      controlAdvance(res, url, body);
      return;
    }
    const m = /^\/method\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
    if (!m) {
      send(
        res,
        404,
        'text/plain; charset=utf-8',
        `not found: use POST /method/<name> (e.g. /method/groups.getMembers)\n`,
      );
      return;
    }
    const method = m[1];
    const params = new Map<string, string>(url.searchParams);
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    // VK reads form bodies only (JSON bodies are not accepted: docs/vk-api.md).
    if (body && (type === '' || type.startsWith('application/x-www-form-urlencoded'))) {
      for (const [k, v] of new URLSearchParams(body)) params.set(k, v);
    }

    counter++;
    byMethod[method] = (byMethod[method] ?? 0) + 1;
    members.applyDrift(counter, drift.leavePerRequest, drift.joinPerRequest, driftRng);

    // Infrastructure faults come before any VK logic, as a proxy in front of the API would.
    if (faults.resetRate > 0 && faultRng.uniform() < faults.resetRate) {
      countError('reset');
      req.socket.destroy();
      return;
    }
    if (faults.http5xxRate > 0 && faultRng.uniform() < faults.http5xxRate) {
      const status = faultRng.uniform() < 0.5 ? 500 : 502;
      countError(`http_${status}`);
      send(res, status, 'text/html', HTML_5XX(status));
      return;
    }
    if (faults.nonJsonRate > 0 && faultRng.uniform() < faults.nonJsonRate) {
      countError('non_json');
      send(res, 200, 'text/html; charset=utf-8', HTML_NON_JSON);
      return;
    }
    if (faults.slowRate > 0 && faultRng.uniform() < faults.slowRate) {
      await new Promise((r) => setTimeout(r, faults.slowMs));
      if (res.destroyed) return;
    }
    const error10 = faults.error10Rate > 0 && faultRng.uniform() < faults.error10Rate;

    try {
      const v = params.get('v');
      if (v === undefined || v.trim() === '') throw vkErrors.noVersion();
      const version = parseApiVersion(v);
      if (version < 5081) throw vkErrors.badVersion(v);

      const auth = req.headers.authorization;
      const bearer = auth && /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
      const tok = params.get('access_token') ?? bearer ?? '';
      if (tok === '') throw vkErrors.noToken();
      if (tok !== token && tok !== serviceToken) throw vkErrors.badToken();
      if (!limiter.tryAcquire(tok)) throw vkErrors.tooMany();
      if (error10) throw vkErrors.internal();

      switch (method) {
        case 'groups.getMembers': {
          const sink = new JsonSink();
          sink.write('{"response":');
          // A page is sent in parts as it is written (chunked transfer encoding): the
          // client reads one part while the next is written.
          let sending = false;
          writeGroupsGetMembers(ctx, params, sink, () => {
            if (!sending) res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
            sending = true;
            if (!res.destroyed) for (const b of sink.drain()) res.write(b);
          });
          sink.write('}');
          if (!sending) {
            sendSink(res, sink);
            return;
          }
          if (res.destroyed) return;
          for (const b of sink.drain()) res.write(b);
          res.end();
          res.once('finish', () => sink.release());
          return;
        }
        case 'groups.getById':
          sendJson(res, JSON.stringify({ response: groupsGetById(ctx, params, version) }));
          return;
        case 'execute': {
          if (tok === serviceToken) throw vkErrors.serviceExecute();
          const sink = new JsonSink();
          sink.write('{"response":');
          const r = execute(ctx, params, version, sink);
          sink.write(r.executeErrors ? `,"execute_errors":${JSON.stringify(r.executeErrors)}}` : '}');
          sendSink(res, sink);
          return;
        }
        default:
          throw vkErrors.unknownMethod();
      }
    } catch (err) {
      // Part of an answer is out already: cut the connection, so it never looks complete.
      if (res.headersSent) {
        countError('internal');
        res.destroy();
        return;
      }
      if (err instanceof VkApiError) {
        countError(String(err.code));
        sendJson(res, errorBody(err, method, params));
        return;
      }
      countError('internal');
      const msg = err instanceof Error ? err.message : String(err);
      sendJson(res, errorBody(vkErrors.internal(msg), method, params));
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        send(res, 413, 'text/plain; charset=utf-8', `request body above ${MAX_BODY_BYTES} bytes\n`);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return;
      handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((err) => {
        send(
          res,
          500,
          'text/plain; charset=utf-8',
          `emulator failure: ${err instanceof Error ? err.message : String(err)}\n`,
        );
      });
    });
  });
  server.keepAliveTimeout = 10_000;

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          new Error(
            `emulator: cannot listen on 127.0.0.1:${port} (${err.code ?? err.message}); choose another port, or 0 for a free one`,
          ),
        ),
      );
      server.listen(port, '127.0.0.1', () => {
        server.removeAllListeners('error');
        resolve();
      });
    });
  } catch (err) {
    await store?.close();
    throw err;
  }
  const address = server.address() as AddressInfo;

  const toIds = (indices: Int32Array): Int32Array => {
    const out = new Int32Array(indices.length);
    for (let i = 0; i < indices.length; i++) out[i] = gen.idOf(indices[i]);
    return out;
  };

  const emuHandle: EmulatorHandle = {
    base: `http://127.0.0.1:${address.port}/method`,
    groupId,
    screenName,
    token,
    serviceToken,
    advance,
    truth: {
      memberIds: (group) => {
        if (group === undefined) return toIds(members.memberIndices());
        const c = resolveGroup(ctx, String(group));
        if (!c) throw new Error(`emulator truth: no community ${group}`);
        return toIds(populationOf(c));
      },
      communities: () => censused().map(census),
      overlaps,
      steps: () => steps.slice(),
      json: truthJson,
      memberCount: () => members.count(),
      botIds: () => {
        const rec = emptyRecord();
        const out: number[] = [];
        for (const index of members.memberIndices()) {
          // Only live members can be bots: the bot pick alone settles most of them.
          if (gen.botPick(index) && overlay.memberInto(index, rec).bot && rec.deactivated === 0)
            out.push(rec.id);
        }
        return Int32Array.from(out);
      },
      botShare: () => gen.botShare,
      followersZeroShare: () => gen.followersZeroShare,
      presentThroughout: (from, to) => toIds(members.presentThroughout(from, to)),
      requestCounter: () => counter,
      user: (id, fields) => {
        const index = gen.indexOf(id);
        if (index < 0 || index >= members.allocated()) return undefined;
        return userObject(overlay.member(index), parseFields(fields), gen.referenceSec);
      },
      referenceTime: () => gen.referenceSec,
      modelTruth: () => trueDraws(gen.followersZeroShare),
    },
    configure(patch) {
      if (patch.rateLimitPerSecond !== undefined) limiter.setLimit(patch.rateLimitPerSecond);
      if (patch.maxResponseBytes !== undefined)
        ctx.switches.maxResponseBytes = checkMaxBytes(patch.maxResponseBytes);
      if (patch.hideMembers !== undefined) ctx.switches.hideMembers = patch.hideMembers;
      if (patch.accessDenied !== undefined) ctx.switches.accessDenied = patch.accessDenied;
      // A faults / drift patch replaces the whole setting: `configure({ faults: {} })` clears it.
      if (patch.faults !== undefined) faults = checkFaults(patch.faults);
      if (patch.drift !== undefined) drift = checkDrift(patch.drift);
    },
    stats: () => ({ requests: counter, byMethod: { ...byMethod }, errors: { ...errors } }),
    store,
    close: async () => {
      await store?.close();
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
  return emuHandle;
}
