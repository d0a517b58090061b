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
import { ApiContext, Params, execute, groupsGetById, writeGroupsGetMembers } from './api';
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
  const screenName = opts.screenName ?? 'synthetic_community';
  if (!/^[A-Za-z0-9_.]{2,64}$/.test(screenName) || /^(club|public)\d+$/.test(screenName)) {
    throw new Error(`emulator: screenName must be 2–64 letters, digits, _ or . (got "${screenName}")`);
  }
  const port = opts.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`emulator: port must be 0..65535, got ${port}`);

  const nowMs = (opts.now ?? Date.now)();
  if (!Number.isFinite(nowMs) || nowMs < 1e12)
    throw new Error(`emulator: now() must return milliseconds since 1970 (like Date.now()), got ${nowMs}`);
  const gen = new CommunityGenerator({ seed, referenceSec: nowMs / 1000, botShare: opts.botShare });
  const members = new Membership(opts.members, MAX_INDEX);
  const pregenerate = opts.pregenerate ?? opts.members >= PREGENERATE_MIN_MEMBERS;
  if (typeof pregenerate !== 'boolean')
    throw new Error(`emulator: pregenerate must be true or false, got ${String(pregenerate)}`);
  const ctx: ApiContext = {
    gen,
    members,
    group: { id: groupId, screenName, name: 'Синтетическое сообщество (vk-audience-study)' },
    switches: {
      hideMembers: opts.hideMembers ?? false,
      accessDenied: opts.accessDenied ?? false,
      maxResponseBytes: checkMaxBytes(opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES),
    },
    seed,
    initialMembers: opts.members,
  };
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
  if (store) ctx.gen = store;

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

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, body: string): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
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

  return {
    base: `http://127.0.0.1:${address.port}/method`,
    groupId,
    screenName,
    token,
    serviceToken,
    truth: {
      memberIds: () => toIds(members.memberIndices()),
      memberCount: () => members.count(),
      botIds: () => {
        const rec = emptyRecord();
        const out: number[] = [];
        for (const index of members.memberIndices()) {
          // Only live members can be bots: the bot pick alone settles most of them.
          if (gen.botPick(index) && ctx.gen.memberInto(index, rec).bot) out.push(rec.id);
        }
        return Int32Array.from(out);
      },
      botShare: () => gen.botShare,
      presentThroughout: (from, to) => toIds(members.presentThroughout(from, to)),
      requestCounter: () => counter,
      user: (id, fields) => {
        const index = gen.indexOf(id);
        if (index < 0 || index >= members.allocated()) return undefined;
        return userObject(gen.member(index), parseFields(fields), gen.referenceSec);
      },
      referenceTime: () => gen.referenceSec,
      modelTruth: () => trueDraws(),
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
}
