/**
 * VK API client: form-encoded POST to `${base}/<method>` with `v=5.199` (per
 * docs/vk-api.md: JSON bodies are not accepted, `v` is mandatory), the token in the
 * body (`access_token`) or an `Authorization: Bearer` header — never in the URL, which ends
 * up in logs and error messages.
 *
 * Every attempt waits for the token's limiter. Transient failures (errors 6, 9, 10, HTTP
 * 5xx/429, timeouts, resets, non-JSON answers) are retried with exponential backoff and
 * jitter, a bounded number of times, and counted; everything else fails at once with a
 * typed error (errors.ts). axios errors are translated here and dropped, so the token they
 * carry in `config` never reaches a message, a log or a stack.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import { AbortedError, realClock, type Clock } from './clock';
import {
  VK_ERROR,
  VkApiError,
  VkCaptchaError,
  VkError,
  VkExecuteError,
  VkNetworkError,
  VkResponseError,
  VkRetryExhaustedError,
  redact,
} from './errors';
import { VK_WINDOW_MS, limiterForToken, type RateLimiter } from './limiter';
import { isObject } from '../util/json-shape';
import { secretMatcher } from '../util/secret';

export const VK_API_VERSION = '5.199';
export const DEFAULT_VK_API_BASE = 'https://api.vk.com/method';

export type VkParams = Record<string, string | number | boolean | undefined>;

/**
 * A fast decoder for one kind of successful answer, given the body's bytes: its value, or
 * null when the body is not what it expects (then the body is parsed and classified the
 * general way: errors, execute_errors, malformed JSON…).
 */
export type FastDecode = (body: Buffer) => unknown;

export interface RetryInfo {
  method: string;
  attempt: number;
  /** e.g. "error 6", "HTTP 502", "timeout", "reset", "non_json". */
  reason: string;
  delayMs: number;
}

export interface VkClientOptions {
  base?: string;
  token: string;
  /** Requests per second for this token (default 3; 0 = unlimited). */
  rateLimit?: number;
  windowMs?: number;
  /** Per-request timeout (default 20 s: a 5 MB execute answer must fit in it). */
  timeoutMs?: number;
  /** Attempts per call including the first (default 8). */
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Where the token goes (default: the form body, as vk-io does). */
  auth?: 'body' | 'header';
  clock?: Clock;
  random?: () => number;
  limiter?: RateLimiter;
  onRetry?: (info: RetryInfo) => void;
}

export interface ClientStats {
  requests: number;
  retries: number;
  retriesByReason: Record<string, number>;
  bytesReceived: number;
}

const keepAliveHttp = new http.Agent({ keepAlive: true, maxSockets: 8 });
const keepAliveHttps = new https.Agent({ keepAlive: true, maxSockets: 8 });

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string'
    ? (e as { code: string }).code
    : undefined;
}

/** Map a transport failure (axios or socket) to a `VkNetworkError` without keeping it. */
export function classifyTransportError(e: unknown, method: string, token: string): VkNetworkError {
  const code = errorCode(e) ?? '';
  const message = e instanceof Error ? e.message : String(e);
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(message)) {
    return new VkNetworkError('timeout', method, code || message, { token });
  }
  if (
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    code === 'ERR_BAD_RESPONSE' ||
    /socket hang up|aborted/i.test(message)
  ) {
    return new VkNetworkError('reset', method, code || message, { token });
  }
  if (code === 'ECONNREFUSED') return new VkNetworkError('refused', method, code, { token, retryable: true });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new VkNetworkError('dns', method, code, { token, retryable: code === 'EAI_AGAIN' });
  return new VkNetworkError('other', method, code || message, { token });
}

/**
 * Turn a raw HTTP answer into the `response` value or a typed error. A body is quoted only
 * through `snippet`, which redacts before it cuts: a server may echo the request, token and all.
 */
export function interpretAnswer(method: string, status: number, body: string, token: string): unknown {
  if (status >= 400) {
    return new VkNetworkError('http', method, secretMatcher(token).snippet(body, 60), {
      status,
      token,
      retryable: status >= 500 || status === 429,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return new VkNetworkError(
      'non_json',
      method,
      `${body.length} bytes starting ${JSON.stringify(secretMatcher(token).snippet(body, 40))}`,
      { token },
    );
  }
  if (!isObject(json)) return new VkResponseError(method, 'the answer is not a JSON object');
  if (isObject(json.error)) {
    const err = json.error;
    const code = typeof err.error_code === 'number' ? err.error_code : VK_ERROR.UNKNOWN;
    const msg = typeof err.error_msg === 'string' ? err.error_msg : 'no message';
    if (code === VK_ERROR.CAPTCHA) return new VkCaptchaError(method, msg, token);
    return new VkApiError(code, method, msg, {
      token,
      subcode: typeof err.error_subcode === 'number' ? err.error_subcode : undefined,
    });
  }
  if (!('response' in json))
    return new VkResponseError(method, 'neither "response" nor "error" in the answer');
  // execute: a failed inner call makes the whole answer unusable for paging; surface the
  // first inner error so the usual classification (retry 6/9/10, fail on 15/125…) applies.
  if (Array.isArray(json.execute_errors) && json.execute_errors.length > 0) {
    const first = json.execute_errors[0];
    if (isObject(first)) {
      const code = typeof first.error_code === 'number' ? first.error_code : VK_ERROR.UNKNOWN;
      const inner = typeof first.method === 'string' ? first.method : 'inner call';
      const msg = typeof first.error_msg === 'string' ? first.error_msg : 'no message';
      return new VkExecuteError(code, method, inner, msg, token);
    }
  }
  return json.response;
}

/** Why an answer of data is refused when it quotes the token: the server reflects requests. */
export const TOKEN_ECHOED =
  'the answer holds a piece of the access token, so the server reflects requests; nothing of it was kept';

function reasonOf(e: VkError): string {
  if (e instanceof VkApiError) return `error ${e.code}`;
  if (e instanceof VkNetworkError) return e.failure === 'http' ? `HTTP ${e.status}` : e.failure;
  return e.name;
}

export class VkClient {
  readonly base: string;
  readonly stats: ClientStats = { requests: 0, retries: 0, retriesByReason: {}, bytesReceived: 0 };
  private readonly token: string;
  private readonly http: AxiosInstance;
  private readonly limiter: RateLimiter;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly opts: Required<
    Pick<
      VkClientOptions,
      'timeoutMs' | 'maxAttempts' | 'backoffBaseMs' | 'backoffMaxMs' | 'auth' | 'windowMs'
    >
  >;
  private readonly onRetry?: (info: RetryInfo) => void;

  constructor(options: VkClientOptions) {
    if (typeof options.token !== 'string' || options.token.trim() === '') {
      throw new Error('VK token is missing: set VK_TOKEN to a VK access token (a user token for execute).');
    }
    const base = (options.base ?? DEFAULT_VK_API_BASE).replace(/\/+$/, '');
    let url: URL;
    try {
      url = new URL(base);
    } catch {
      throw new Error(
        `VK_API_BASE is not a URL: ${JSON.stringify(redact(base, options.token))}; expected e.g. ${DEFAULT_VK_API_BASE}`,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`VK_API_BASE must be an http(s) URL, got ${url.protocol}`);
    }
    if (secretMatcher(options.token).contains(base) || url.search !== '') {
      throw new Error(
        'VK_API_BASE must not carry a query string or the token: the token is sent in the request body only.',
      );
    }
    this.base = base;
    this.token = options.token;
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
    this.onRetry = options.onRetry;
    this.opts = {
      timeoutMs: options.timeoutMs ?? 20_000,
      maxAttempts: options.maxAttempts ?? 8,
      backoffBaseMs: options.backoffBaseMs ?? 300,
      backoffMaxMs: options.backoffMaxMs ?? 8_000,
      auth: options.auth ?? 'body',
      windowMs: options.windowMs ?? VK_WINDOW_MS,
    };
    this.limiter =
      options.limiter ??
      limiterForToken(options.token, {
        requestsPerSecond: options.rateLimit,
        windowMs: options.windowMs,
        clock: options.clock,
      });
    this.http = axios.create({
      httpAgent: keepAliveHttp,
      httpsAgent: keepAliveHttps,
      // Bytes, not text: the fast decoders read the body without making it a JS string.
      responseType: 'arraybuffer',
      transformResponse: [(d: unknown) => d],
      validateStatus: () => true,
      maxContentLength: Infinity,
      maxBodyLength: Infinity,
      maxRedirects: 0,
    });
  }

  /** One HTTP exchange; returns the `response` value or a typed error (never throws axios'). */
  private async attempt(
    method: string,
    params: VkParams,
    signal?: AbortSignal,
    fast?: FastDecode,
  ): Promise<unknown> {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      if (v !== undefined) form.append(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
    }
    form.set('v', VK_API_VERSION);
    const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
    if (this.opts.auth === 'header') headers.Authorization = `Bearer ${this.token}`;
    else form.set('access_token', this.token);
    this.stats.requests++;
    let status: number;
    let bytes: Buffer;
    try {
      const res = await this.http.post(`${this.base}/${method}`, form.toString(), {
        headers,
        timeout: this.opts.timeoutMs,
        signal,
      });
      status = res.status;
      bytes = Buffer.isBuffer(res.data)
        ? res.data
        : Buffer.from(res.data instanceof ArrayBuffer ? new Uint8Array(res.data) : String(res.data ?? ''));
    } catch (e) {
      if (signal?.aborted) return new AbortedError();
      return classifyTransportError(e, method, this.token);
    }
    this.stats.bytesReceived += bytes.length;
    if (status < 400 && secretMatcher(this.token).containsBytes(bytes)) {
      // An error answer keeps its meaning (its message is redacted); an answer of data that
      // holds the token would carry it into the snapshot.
      const out = interpretAnswer(method, status, bytes.toString('utf8'), this.token);
      return out instanceof VkError ? out : new VkResponseError(method, TOKEN_ECHOED);
    }
    if (fast && status < 400) {
      const v = fast(bytes);
      if (v !== null && v !== undefined) return v;
    }
    return interpretAnswer(method, status, bytes.toString('utf8'), this.token);
  }

  private backoff(attempt: number, e: VkError): number {
    const exp = Math.min(this.opts.backoffMaxMs, this.opts.backoffBaseMs * 2 ** (attempt - 1));
    const jittered = exp * (0.5 + 0.5 * this.random());
    // Error 6: the server says we are too fast; wait at least a whole window (vk-io).
    return e instanceof VkApiError && e.code === VK_ERROR.TOO_MANY_REQUESTS
      ? Math.max(jittered, this.opts.windowMs)
      : jittered;
  }

  /**
   * Call a method with limiting and bounded retries. Throws `VkError` subclasses or
   * `AbortedError`. `fast` may decode a successful answer without the general JSON parse.
   */
  async call<T = unknown>(
    method: string,
    params: VkParams = {},
    signal?: AbortSignal,
    fast?: FastDecode,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw new AbortedError();
      await this.limiter.acquire(signal);
      const out = await this.attempt(method, params, signal, fast);
      if (out instanceof AbortedError) throw out;
      if (!(out instanceof VkError)) return out as T;
      if (!out.retryable) throw out;
      if (attempt >= this.opts.maxAttempts) throw new VkRetryExhaustedError(method, attempt, out);
      const delayMs = this.backoff(attempt, out);
      if (out instanceof VkApiError && out.code === VK_ERROR.TOO_MANY_REQUESTS) this.limiter.pause(delayMs);
      const reason = reasonOf(out);
      this.stats.retries++;
      this.stats.retriesByReason[reason] = (this.stats.retriesByReason[reason] ?? 0) + 1;
      this.onRetry?.({ method, attempt, reason, delayMs });
      await this.clock.sleep(delayMs, signal);
    }
  }
}

/** "3 retries (error 6 ×2, HTTP 502 ×1)". */
export function summariseRetries(stats: ClientStats): string {
  if (stats.retries === 0) return 'no retries';
  const parts = Object.entries(stats.retriesByReason)
    .sort((a, b) => b[1] - a[1])
    .map(([r, n]) => `${r} ×${n}`);
  return `${stats.retries} ${stats.retries === 1 ? 'retry' : 'retries'} (${parts.join(', ')})`;
}
