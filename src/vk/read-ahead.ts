/**
 * Requests sent ahead of the answers (the request in flight must leave when the
 * rate limiter allows, not after the previous answer is written).
 *
 * The offset of the next page is only known once the previous answer was checked (the
 * pager moves it back when members left, and adapts the overlap to the drift it sees).
 * Without drift it is predictable — every page full, the overlap unchanged — so up to
 * `depth` requests are sent at predicted offsets, each leaving as soon as the limiter
 * allows. An answer is used only if it starts where the pager then wants or at most
 * `slack` members before (the pager's overlap shrank as the drift it saw faded): it then
 * reaches back at least as far as the pager's own request would, and the pager checks
 * every page of it as always (pager.ts: a page must reach back to the last id written),
 * so its proof holds as it is. A request that starts later (the pager stepped back, or
 * wants more overlap) is cancelled with every one behind it, and paging goes on from the
 * pager's offset. A wrong guess costs requests, never members. vk-io's collect iterator
 * similarly keeps `parallelRequests` in flight (docs/vk-api.md).
 */

export interface Issued<A> {
  answer: Promise<A>;
  /** Where the request after this one starts if the answer is as predicted. */
  next: number;
}

/** Send one request at `start`; `signal` cancels it. */
export type Issue<A> = (start: number, overlap: number, signal: AbortSignal) => Issued<A>;

interface Ahead<A> extends Issued<A> {
  start: number;
  controller: AbortController;
}

export class ReadAhead<A> {
  private queue: Ahead<A>[] = [];
  /** Requests cancelled because the prediction was wrong. */
  wasted = 0;

  constructor(
    private readonly depth: number,
    private readonly issue: Issue<A>,
    private readonly slack = 0,
  ) {
    if (!(Number.isInteger(depth) && depth >= 1))
      throw new RangeError(`requests in flight must be a whole number ≥ 1, got ${depth}`);
  }

  /**
   * Make sure the request for (`start`, `overlap`) is on its way, followed by predicted
   * ones while they start below `limit` (the member count VK last reported).
   */
  ensure(start: number, overlap: number, limit: number): void {
    const head = this.queue[0];
    if (head && !(head.start <= start && start - head.start <= this.slack)) this.cancel();
    while (this.queue.length < this.depth) {
      const last = this.queue[this.queue.length - 1];
      const s = last ? last.next : start;
      if (last && s >= limit) break;
      const controller = new AbortController();
      const issued = this.issue(s, overlap, controller.signal);
      // A cancelled request's failure is nobody's business; a used one is awaited.
      issued.answer.catch(() => undefined);
      this.queue.push({ ...issued, start: s, controller });
    }
  }

  /** The answer for `start` (or one starting up to `slack` before it), sending requests ahead as `ensure` does. */
  take(start: number, overlap: number, limit: number): Promise<A> {
    this.ensure(start, overlap, limit);
    return this.queue.shift()!.answer;
  }

  /** Cancel every request ahead (a wrong prediction, the end, or an error). */
  cancel(): void {
    for (const a of this.queue) a.controller.abort();
    this.wasted += this.queue.length;
    this.queue = [];
  }

  get inFlight(): number {
    return this.queue.length;
  }
}
