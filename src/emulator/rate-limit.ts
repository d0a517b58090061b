/**
 * Per-token rate limit as VK applies it (docs/vk-api.md: a user token gets at most 3
 * requests per second; more → error 6). A sliding one-second window per token; rejected
 * requests are not counted, so a client that backs off is served again after the window.
 */
export class RateLimiter {
  private readonly windows = new Map<string, number[]>();

  constructor(
    private perSecond: number,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.setLimit(perSecond);
  }

  setLimit(perSecond: number): void {
    if (!(Number.isFinite(perSecond) && perSecond >= 0)) {
      throw new Error(`rateLimitPerSecond must be a number >= 0 (0 = unlimited), got ${perSecond}`);
    }
    this.perSecond = perSecond;
  }

  /** True if a request with this token may proceed now (and records it). */
  tryAcquire(token: string): boolean {
    if (this.perSecond === 0) return true;
    const now = this.clock();
    let w = this.windows.get(token);
    if (!w) {
      w = [];
      this.windows.set(token, w);
    }
    while (w.length && now - w[0] >= 1000) w.shift();
    if (w.length >= this.perSecond) return false;
    w.push(now);
    return true;
  }
}
