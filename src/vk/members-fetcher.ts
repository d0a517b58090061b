/**
 * One API answer of members, and how it is fetched: an `execute` with the VKScript paging
 * loop (members-script.ts) or plain groups.getMembers calls, adapting to the API as
 * docs/vk-api.md describes it:
 * - error 28 on execute (a service token): fall back to plain groups.getMembers calls;
 * - error 13 / an oversized answer: halve the calls per execute (down to 1, then halve the
 *   page), grow back by one call after a run of successes, never above a size that failed
 *   recently;
 * - an execute that cannot use projections (compile error, misaligned columns): switch
 *   from the "columns" answer shape to plain "objects".
 */
import { BatchPool, keepRows, type MemberBatch } from '../snapshot/member-batch';
import { appendUser, type VkUser } from '../snapshot/member-row';
import type { VkClient } from './client';
import { VkApiError, VkExecuteError, VkNetworkError, VkResponseError, VkRetryExhaustedError } from './errors';
import {
  ShapeMismatchError,
  appendProjected,
  checkColumns,
  membersScript,
  type ScriptShape,
} from './members-script';
import { DecodedColumns, decodeColumnsAnswer } from './columns-decoder';
import type { AcceptedRange, Page } from './pager';
import { isObject } from '../util/json-shape';

export const MAX_CALLS_PER_EXECUTE = 25;
export const PAGE_SIZE = 1000;
const GROW_AFTER = 5;
const CEILING_MEMORY = 50;

export type PullMode = 'execute' | 'plain';

/** How the fetcher asks, as the last answers taught it; saved in the checkpoint for a resume. */
export interface FetcherSettings {
  mode: PullMode;
  shape: ScriptShape;
  calls: number;
  ceiling: number;
  page: number;
}

/**
 * One API answer: its pages (for the pager) and the members behind them — user objects,
 * the columns answer parsed generally (one JS array per projected path), or the columns
 * answer decoded straight into a batch (columns-decoder.ts); `starts[k]` is where page k
 * begins in each.
 */
export interface Answer {
  pages: Page[];
  starts: number[];
  members:
    | { kind: 'items'; items: VkUser[] }
    | { kind: 'columns'; cols: unknown[][] }
    | { kind: 'batch'; batch: MemberBatch };
}

/** Convert the accepted members of a general answer into the batch being gathered. */
export function takeAccepted(answer: Answer, ranges: readonly AcceptedRange[], out: MemberBatch): void {
  for (const r of ranges) {
    const base = answer.starts[r.page];
    const m = answer.members;
    if (m.kind === 'columns') appendProjected(out, m.cols, base + r.from, base + r.to);
    else if (m.kind === 'items')
      for (let i = base + r.from; i < base + r.to; i++) appendUser(out, m.items[i]);
  }
}

/** The accepted members of a decoded answer (the answer's batch, cut down in place). */
export function decodedAccepted(
  answer: Answer,
  batch: MemberBatch,
  ranges: readonly AcceptedRange[],
): MemberBatch {
  return keepRows(
    batch,
    ranges.map((r) => [answer.starts[r.page] + r.from, answer.starts[r.page] + r.to] as const),
  );
}

function idsOf(items: readonly unknown[]): unknown[] {
  return items.map((u) => (typeof u === 'object' && u !== null ? (u as { id?: unknown }).id : undefined));
}

/** Is this failure the execute answer being too big (error 13, or HTML 404/500 for it)? */
function isOversize(e: unknown): boolean {
  if (e instanceof VkApiError) return e.code === 13;
  if (e instanceof VkRetryExhaustedError) return isOversize(e.last);
  // Oversized execute answers have also come back as HTTP 404/500 HTML (Dementiy/vkR #23).
  return e instanceof VkNetworkError && e.failure === 'http' && (e.status === 404 || e.status === 500);
}

export class MembersFetcher {
  calls: number;
  ceiling: number;
  page: number;
  mode: PullMode;
  shape: ScriptShape;
  private successes = 0;
  private sinceShrink = 0;

  constructor(
    private readonly client: VkClient,
    private readonly groupId: number,
    private readonly fields: readonly string[],
    private readonly maxCalls: number,
    extra: FetcherSettings,
    private readonly notice: (m: string) => void,
    /** Where decoded answers' batches come from (given back once written). */
    readonly pool = new BatchPool(),
  ) {
    this.mode = extra.mode;
    this.shape = extra.shape;
    this.calls = Math.min(extra.calls, maxCalls);
    this.ceiling = Math.min(extra.ceiling, maxCalls);
    this.page = extra.page;
  }

  /**
   * Where the request after one sent now at `start` begins, if every page comes back full
   * and the overlap stays `overlap` (the pager's rule: last page's end − overlap).
   */
  predictNext(start: number, overlap: number): number {
    if (this.mode === 'plain') return start + PAGE_SIZE - overlap;
    const ov = Math.min(overlap, this.page - 1);
    return start + (this.calls - 1) * (this.page - ov) + this.page - overlap;
  }

  /**
   * Several fetches may be in flight (read-ahead.ts): a failure changes the settings only
   * if they are still the ones the failed request used, so two answers failing for the
   * same reason shrink (or switch) once.
   */
  async fetch(start: number, overlap: number, signal?: AbortSignal): Promise<Answer> {
    for (;;) {
      if (this.mode === 'plain') return this.plain(start, signal);
      const used = { shape: this.shape, calls: this.calls, page: this.page };
      try {
        const answer = await this.execute(start, overlap, used, signal);
        this.grow();
        return answer;
      } catch (e) {
        if (this.adapt(e, used)) continue;
        throw e;
      }
    }
  }

  /** After a failed execute made with `used`: true when the settings changed and it is worth another try. */
  private adapt(e: unknown, used: { shape: ScriptShape; calls: number; page: number }): boolean {
    if (e instanceof VkApiError && e.code === 28 && !(e instanceof VkExecuteError)) {
      // Another request in flight may have switched already (the check above was before the await).
      if ((this.mode as PullMode) !== 'plain') {
        this.mode = 'plain';
        this.notice(
          'execute is not allowed for this token (error 28, e.g. a service token): falling back to plain groups.getMembers calls (25× more requests)',
        );
      }
      return true;
    }
    if (
      used.shape === 'columns' &&
      (e instanceof ShapeMismatchError || (e instanceof VkApiError && e.code === 12))
    ) {
      if (this.shape === 'columns') {
        this.shape = 'objects';
        this.notice(
          `the API did not accept field projections in execute (${e.message}); asking for whole user objects instead`,
        );
      }
      return true;
    }
    if (isOversize(e)) {
      if (used.shape === this.shape && used.calls === this.calls && used.page === this.page) this.shrink();
      return true;
    }
    return false;
  }

  private shrink(): void {
    if (this.calls === 1 && this.shape === 'columns') {
      // One call's projections (~150 kB) cannot be too big: the API fails the projection
      // script itself (error 13 is also VKScript's runtime error). Ask for whole objects.
      this.shape = 'objects';
      this.calls = this.maxCalls;
      this.ceiling = this.maxCalls;
      this.notice(
        'execute failed (error 13) even for one call with field projections: asking for whole user objects instead',
      );
    } else if (this.calls > 1) {
      this.ceiling = this.calls - 1;
      this.calls = Math.max(1, Math.floor(this.calls / 2));
      this.notice(`execute answer too big (error 13): ${this.calls} calls per execute now`);
    } else if (this.page > 100) {
      this.page = Math.max(100, Math.floor(this.page / 2));
      this.notice(`execute answer too big even for one call: ${this.page} members per call now`);
    } else {
      throw new VkResponseError('execute', 'error 13 (answer too big) even for 100 members per request');
    }
    this.successes = 0;
    this.sinceShrink = 0;
  }

  private grow(): void {
    this.successes++;
    this.sinceShrink++;
    if (this.sinceShrink >= CEILING_MEMORY) this.ceiling = this.maxCalls;
    if (this.successes < GROW_AFTER) return;
    this.successes = 0;
    if (this.page < PAGE_SIZE) this.page = Math.min(PAGE_SIZE, this.page * 2);
    else if (this.calls < this.ceiling) this.calls++;
  }

  private async plain(start: number, signal?: AbortSignal): Promise<Answer> {
    const r = await this.client.call<unknown>(
      'groups.getMembers',
      {
        group_id: this.groupId,
        sort: 'id_asc',
        offset: start,
        count: PAGE_SIZE,
        fields: this.fields.join(','),
      },
      signal,
    );
    if (!isObject(r) || typeof r.count !== 'number' || !Array.isArray(r.items)) {
      throw new VkResponseError('groups.getMembers', 'expected {count, items}');
    }
    const items = r.items as VkUser[];
    return {
      pages: [{ offset: start, requested: PAGE_SIZE, count: r.count, ids: idsOf(items) }],
      starts: [0],
      members: { kind: 'items', items },
    };
  }

  private async execute(
    start: number,
    overlap: number,
    used: { shape: ScriptShape; calls: number; page: number },
    signal?: AbortSignal,
  ): Promise<Answer> {
    const page = used.page;
    const ov = Math.min(overlap, page - 1);
    const code = membersScript({
      groupId: this.groupId,
      start,
      page,
      overlap: ov,
      calls: used.calls,
      fields: this.fields,
      shape: used.shape,
    });
    return this.answerOf(code, used.shape, page, (k) => start + k * (page - ov), signal);
  }

  /**
   * A sample's pages (vk/sample.ts): whole pages at `offsets`, as many per execute as the
   * settings allow (fewer after an oversized answer: the answer says which were read).
   */
  async fetchPages(offsets: readonly number[], signal?: AbortSignal): Promise<Answer> {
    for (;;) {
      if (this.mode === 'plain') return this.plain(offsets[0], signal);
      const used = { shape: this.shape, calls: this.calls, page: this.page };
      const these = offsets.slice(0, used.calls);
      const code = membersScript({
        groupId: this.groupId,
        start: 0,
        page: PAGE_SIZE,
        overlap: 0,
        calls: these.length,
        fields: this.fields,
        shape: used.shape,
        offsets: these,
      });
      try {
        const answer = await this.answerOf(code, used.shape, PAGE_SIZE, (k) => these[k], signal);
        this.grow();
        return answer;
      } catch (e) {
        if (this.adapt(e, used)) continue;
        throw e;
      }
    }
  }

  /** Run an execute script and take its answer apart into pages (`offsetOf(k)`: where page k starts). */
  private async answerOf(
    code: string,
    shape: ScriptShape,
    page: number,
    offsetOf: (k: number) => number,
    signal?: AbortSignal,
  ): Promise<Answer> {
    const used = { shape };
    const decode =
      used.shape === 'columns' ? (body: Buffer) => decodeColumnsAnswer(body, this.pool) : undefined;
    const raw = await this.client.call<unknown>('execute', { code }, signal, decode);
    const decoded = raw instanceof DecodedColumns ? raw : null;
    const r = decoded ? { counts: decoded.counts, lens: decoded.lens } : raw;
    if (
      !isObject(r) ||
      !Array.isArray(r.counts) ||
      !Array.isArray(r.lens) ||
      r.counts.length !== r.lens.length ||
      r.lens.length === 0
    ) {
      throw new VkResponseError('execute', 'the paging script answer lacks per-page counts');
    }
    const lens = r.lens as unknown[];
    const counts = r.counts as unknown[];
    if (!lens.every((n) => Number.isInteger(n)) || !counts.every((n) => Number.isInteger(n))) {
      throw new VkResponseError('execute', 'per-page counts are not integers');
    }
    const total = (lens as number[]).reduce((a, b) => a + b, 0);
    let members: Answer['members'];
    let ids: ArrayLike<unknown>;
    if (decoded) {
      // Decoded only if every column holds `total` values and every id is valid.
      members = { kind: 'batch', batch: decoded.batch };
      ids = decoded.batch.columns.id.ints.subarray(0, total);
    } else if (used.shape === 'columns') {
      if (!Array.isArray(r.cols)) throw new ShapeMismatchError('no "cols" in the answer');
      const cols = r.cols as unknown[];
      checkColumns(cols, total);
      members = { kind: 'columns', cols };
      ids = cols[0];
    } else {
      if (!Array.isArray(r.items) || r.items.length !== total) {
        throw new VkResponseError(
          'execute',
          `items (${Array.isArray(r.items) ? r.items.length : 'none'}) do not add up to the page lengths (${total})`,
        );
      }
      members = { kind: 'items', items: r.items as VkUser[] };
      ids = idsOf(r.items);
    }
    const pages: Page[] = [];
    const starts: number[] = [];
    let at = 0;
    for (let k = 0; k < lens.length; k++) {
      const n = lens[k] as number;
      const pageIds = ArrayBuffer.isView(ids)
        ? (ids as Int32Array).subarray(at, at + n)
        : (ids as unknown[]).slice(at, at + n);
      pages.push({
        offset: offsetOf(k),
        requested: page,
        count: counts[k] as number,
        ids: pageIds,
      });
      starts.push(at);
      at += n;
    }
    return { pages, starts, members };
  }
}
