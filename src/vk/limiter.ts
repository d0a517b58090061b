/**
 * Request spacing per token.
 *
 * Per reference/vk-api.md: a user token may make 3 requests/s, and an even 1000/3 ms
 * spacing still drew error 6, so vk-io spaces requests over a 1133 ms window: one
 * request every 1133/3 ≈ 378 ms. Every call made with a token — retries included — goes
 * through that token's one limiter (`limiterForToken`), so parallel callers in one process
 * cannot together exceed the limit. Error 6 pauses the whole limiter (as vk-io pauses its
 * queue) rather than only the request that drew it.
 */
import { createHash } from 'node:crypto';
import { realClock, type Clock } from './clock';

/** vk-io's `MINIMUM_TIME_INTERVAL_API`. */
export const VK_WINDOW_MS = 1133;
export const DEFAULT_REQUESTS_PER_SECOND = 3;

export interface RateLimiterOptions {
  /** Requests per window; 0 = unlimited. Default 3. */
  requestsPerSecond?: number;
  /** The window the requests are spread over (default 1133 ms, see above). */
  windowMs?: number;
  clock?: Clock;
}

export class RateLimiter {
  readonly intervalMs: number;
  private readonly clock: Clock;
  private nextSlot = -Infinity;
  private pausedUntil = -Infinity;

  constructor(opts: RateLimiterOptions = {}) {
    const rate = opts.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND;
    const window = opts.windowMs ?? VK_WINDOW_MS;
    if (!(rate >= 0) || !Number.isFinite(rate)) {
      throw new RangeError(`rate limit must be a number of requests per second ≥ 0 (0 = unlimited), got ${rate}`);
    }
    if (!(window > 0)) throw new RangeError(`rate-limit window must be > 0 ms, got ${window}`);
    this.intervalMs = rate === 0 ? 0 : window / rate;
    this.clock = opts.clock ?? realClock;
  }

  /** Resolves when the caller may send its request; reserves that slot. */
  async acquire(signal?: AbortSignal): Promise<void> {
    const now = this.clock.now();
    const slot = Math.max(now, this.nextSlot, this.pausedUntil);
    this.nextSlot = slot + this.intervalMs;
    if (slot > now) await this.clock.sleep(slot - now, signal);
  }

  /** Hold every request for `ms` from now (error 6: the server says we are too fast). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
  }
}

const perToken = new Map<string, RateLimiter>();

/** The process-wide limiter of a token (keyed by a hash: the map never holds the token). */
export function limiterForToken(token: string, opts: RateLimiterOptions = {}): RateLimiter {
  const key = createHash('sha256').update(token).digest('hex') + '|' + (opts.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND) + '|' + (opts.windowMs ?? VK_WINDOW_MS);
  let limiter = perToken.get(key);
  if (!limiter || opts.clock) {
    limiter = new RateLimiter(opts);
    if (!opts.clock) perToken.set(key, limiter);
  }
  return limiter;
}
