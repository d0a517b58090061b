/**
 * Request spacing per token.
 *
 * Per docs/vk-api.md: a user token may make 3 requests/s, and an even 1000/3 ms
 * spacing still drew error 6, so vk-io spaces requests over a 1133 ms window: one
 * request every 1133/3 ≈ 378 ms. Every call made with a token — retries included — goes
 * through that token's one limiter (`limiterForToken`), so parallel callers in one process
 * cannot together exceed the limit. Error 6 pauses the whole limiter (as vk-io pauses its
 * queue) rather than only the request that drew it.
 *
 * Callers are granted one at a time, in order, and each grant is spaced from the time the
 * previous one was actually granted, not from the slot it was planned for: with several
 * requests in flight, a timer that fires late (the event loop busy converting a 5 MB
 * answer) must not let the next request follow it closely — four sends inside VK's
 * one-second window draw error 6. The 133 ms of slack in vk-io's window then only has to
 * cover the network's jitter.
 */
import { createHash } from 'node:crypto';
import { AbortedError, realClock, type Clock } from './clock';

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
  private lastGrant = -Infinity;
  private pausedUntil = -Infinity;
  /** The previous caller's turn: callers are served in the order they asked. */
  private tail: Promise<void> = Promise.resolve();

  constructor(opts: RateLimiterOptions = {}) {
    const rate = opts.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND;
    const window = opts.windowMs ?? VK_WINDOW_MS;
    if (!(rate >= 0) || !Number.isFinite(rate)) {
      throw new RangeError(
        `rate limit must be a number of requests per second ≥ 0 (0 = unlimited), got ${rate}`,
      );
    }
    if (!(window > 0)) throw new RangeError(`rate-limit window must be > 0 ms, got ${window}`);
    this.intervalMs = rate === 0 ? 0 : window / rate;
    this.clock = opts.clock ?? realClock;
  }

  /**
   * Resolves when the caller may send its request. A caller aborted while waiting takes
   * no slot: the next one in line is spaced from the last request actually granted.
   */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.tail.then(() => this.waitTurn(signal));
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  private async waitTurn(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw new AbortedError();
      const now = this.clock.now();
      // Re-read after every sleep: pause() may have moved the time while we slept.
      const at = Math.max(this.lastGrant + this.intervalMs, this.pausedUntil);
      if (at <= now) {
        this.lastGrant = now;
        return;
      }
      await this.clock.sleep(at - now, signal);
    }
  }

  /** Hold every request for `ms` from now (error 6: the server says we are too fast). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
  }
}

const perToken = new Map<string, RateLimiter>();

/** The process-wide limiter of a token (keyed by a hash: the map never holds the token). */
export function limiterForToken(token: string, opts: RateLimiterOptions = {}): RateLimiter {
  const key =
    createHash('sha256').update(token).digest('hex') +
    '|' +
    (opts.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND) +
    '|' +
    (opts.windowMs ?? VK_WINDOW_MS);
  let limiter = perToken.get(key);
  if (!limiter || opts.clock) {
    limiter = new RateLimiter(opts);
    if (!opts.clock) perToken.set(key, limiter);
  }
  return limiter;
}
