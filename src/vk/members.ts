/**
 * Pull every member of a community into a snapshot directory.
 *
 * groups.getById → the group (and whether it is the synthetic one) → `execute` with a
 * VKScript paging loop (25 × groups.getMembers × 1000, sort id_asc, the study's fields) →
 * pager.ts accepts the pages (verified overlap, dedupe by id) → members converted by the
 * member schema's rules (decoded from the answer's bytes, or snapshot/member-row.ts) and
 * appended to the snapshot as one Arrow record batch per answer → checkpoint → … →
 * manifest.
 *
 * Adapting to the API, as docs/vk-api.md describes it:
 * - error 28 on execute (a service token): fall back to plain groups.getMembers calls;
 * - error 13 / an oversized answer: halve the calls per execute (down to 1, then halve the
 *   page), grow back by one call after a run of successes, never above a size that failed
 *   recently;
 * - an execute that cannot use projections (compile error, misaligned columns): switch
 *   from the "columns" answer shape to plain "objects".
 *
 * Nothing is created on disk until the first page arrived, so a bad token, an unknown
 * group, hidden members or a closed group leave no directory behind. Interrupted at any
 * point, the same call resumes from the last checkpoint.
 */
import { MEMBER_FIELDS, type SnapshotManifest } from '../snapshot/schema';
import { BatchPool, keepRows, type MemberBatch } from '../snapshot/member-batch';
import { appendUser, type VkUser } from '../snapshot/member-row';
import { SnapshotWriter, type NewPull, type PullIdentity } from '../snapshot/writer';
import { toolInfo } from '../snapshot/tool';
import { AbortedError } from './clock';
import {
  DEFAULT_VK_API_BASE,
  VK_API_VERSION,
  VkClient,
  summariseRetries,
  type ClientStats,
  type RetryInfo,
} from './client';
import { VkApiError, VkExecuteError, VkNetworkError, VkResponseError, VkRetryExhaustedError } from './errors';
import { resolveGroup, type GroupInfo } from './group';
import {
  ShapeMismatchError,
  appendProjected,
  checkColumns,
  membersScript,
  type ScriptShape,
} from './members-script';
import { DecodedColumns, decodeColumnsAnswer } from './columns-decoder';
import { MAX_MARGIN, Pager, type AcceptedRange, type Page, type PagerTuning } from './pager';
import { ReadAhead } from './read-ahead';
import { newMembersFrom, sampleDesign, samplePlan, type SamplePlan, type SampleRequest } from './sample';
import { isObject } from '../util/json-shape';
import { randomInt } from 'node:crypto';

export const MAX_CALLS_PER_EXECUTE = 25;
export const PAGE_SIZE = 1000;
/** Plain mode: rows gathered before a batch is written (execute mode writes every answer). */
const PLAIN_FLUSH_ROWS = 25_000;
const GROW_AFTER = 5;
const CEILING_MEMORY = 50;
/**
 * Requests in flight by default: at 3 requests/s one leaves every 378 ms, and a 25k-member
 * execute takes longer than that to be answered and converted, so several are needed for
 * the limiter's spacing to be the only limit (read-ahead.ts).
 */
export const DEFAULT_IN_FLIGHT = 3;

export type PullMode = 'execute' | 'plain';

export interface PullProgress {
  rows: number;
  /** `count` VK reported most recently. */
  reported: number;
  requests: number;
  retries: number;
  elapsedMs: number;
  /** Members written per second in this run. */
  rate: number;
  /** Seconds left at the current rate (null until known). */
  etaSec: number | null;
  mode: PullMode;
  callsPerExecute: number;
  resumed: boolean;
}

export interface PullOptions {
  token: string;
  /** `--group`: numeric id or screen name. */
  group: string | number;
  /** Snapshot directory. */
  out: string;
  base?: string;
  /** Requests per second for the token (default 3; 0 = unlimited). */
  rateLimit?: number;
  timeoutMs?: number;
  maxAttempts?: number;
  /** Retry backoff (defaults in client.ts: 300 ms doubling to 8 s, with jitter). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Force plain calls (no execute). Default: execute, falling back on error 28. */
  mode?: 'auto' | 'plain';
  callsPerExecute?: number;
  shape?: ScriptShape;
  /** Requests sent ahead of the answers (default 3; 1 = wait for each answer). */
  inFlight?: number;
  fields?: readonly string[];
  onProgress?: (p: PullProgress) => void;
  onRetry?: (r: RetryInfo) => void;
  /** Notes worth telling the user (fallbacks, shrinking). */
  onNotice?: (message: string) => void;
  signal?: AbortSignal;
  /** Read a random sample of whole pages instead of every member (vk/sample.ts). */
  sample?: SampleRequest;
}

export interface PullResult {
  manifest: SnapshotManifest;
  dir: string;
  /** The directory already held this finished snapshot: nothing was pulled. */
  alreadyComplete: boolean;
  resumed: boolean;
  timings: { totalMs: number; groupMs: number; pagingMs: number; writeMs: number };
  requests: number;
  retries: number;
  retrySummary: string;
  retriesByReason: Record<string, number>;
  mode: PullMode;
  callsPerExecute: number;
  rowsThisRun: number;
  /** Requests sent ahead at a predicted offset and dropped because the pager wanted another. */
  wastedRequests: number;
}

/** A finished pull's result: the census and the sample pull report alike. */
function pullResult(
  manifest: SnapshotManifest,
  dir: string,
  run: {
    resumed: boolean;
    timings: PullResult['timings'];
    client: VkClient;
    fetcher: { mode: PullMode; calls: number };
    rowsThisRun: number;
    wastedRequests: number;
  },
): PullResult {
  const { stats } = run.client;
  return {
    manifest,
    dir,
    alreadyComplete: false,
    resumed: run.resumed,
    timings: run.timings,
    requests: stats.requests,
    retries: stats.retries,
    retrySummary: summariseRetries(stats),
    retriesByReason: { ...stats.retriesByReason },
    mode: run.fetcher.mode,
    callsPerExecute: run.fetcher.calls,
    rowsThisRun: run.rowsThisRun,
    wastedRequests: run.wastedRequests,
  };
}

/** Puller state saved in the checkpoint next to the paging state. */
interface PullExtra extends Record<string, unknown> {
  mode: PullMode;
  shape: ScriptShape;
  calls: number;
  ceiling: number;
  page: number;
  tuning: PagerTuning;
  requests: number;
  retries: number;
  /** A sample pull: the pages drawn, and the rows kept of each page read so far. */
  sample?: { plan: SamplePlan; rows: number[] };
}

/**
 * One API answer: its pages (for the pager) and the members behind them — user objects,
 * the columns answer parsed generally (one JS array per projected path), or the columns
 * answer decoded straight into a batch (columns-decoder.ts); `starts[k]` is where page k
 * begins in each.
 */
interface Answer {
  pages: Page[];
  starts: number[];
  members:
    | { kind: 'items'; items: VkUser[] }
    | { kind: 'columns'; cols: unknown[][] }
    | { kind: 'batch'; batch: MemberBatch };
}

/** Convert the accepted members of a general answer into the batch being gathered. */
function takeAccepted(answer: Answer, ranges: readonly AcceptedRange[], out: MemberBatch): void {
  for (const r of ranges) {
    const base = answer.starts[r.page];
    const m = answer.members;
    if (m.kind === 'columns') appendProjected(out, m.cols, base + r.from, base + r.to);
    else if (m.kind === 'items')
      for (let i = base + r.from; i < base + r.to; i++) appendUser(out, m.items[i]);
  }
}

/** The accepted members of a decoded answer (the answer's batch, cut down in place). */
function decodedAccepted(answer: Answer, batch: MemberBatch, ranges: readonly AcceptedRange[]): MemberBatch {
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

class MembersFetcher {
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
    extra: Pick<PullExtra, 'mode' | 'shape' | 'calls' | 'ceiling' | 'page'>,
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

function identityFor(
  group: GroupInfo,
  base: string,
  fields: readonly string[],
  sample: SampleRequest | undefined,
): PullIdentity {
  return {
    ...(sample ? { sample: { members: sample.members, seed: sample.seed } } : {}),
    group: { id: group.id, screen_name: group.screen_name, name: group.name },
    source: {
      kind: group.synthetic ? 'synthetic' : 'vk',
      api_base: base,
      synthetic: group.synthetic,
    },
    api_version: VK_API_VERSION,
    fields: [...fields],
  };
}

/** Pull (or resume, or recognise as finished) the members snapshot in `opts.out`. */
export async function pullMembers(opts: PullOptions): Promise<PullResult> {
  const t0 = performance.now();
  const notice = opts.onNotice ?? (() => undefined);
  const fields = opts.fields ?? MEMBER_FIELDS;
  const maxCalls = opts.callsPerExecute ?? MAX_CALLS_PER_EXECUTE;
  if (!(Number.isInteger(maxCalls) && maxCalls >= 1 && maxCalls <= 25)) {
    throw new RangeError(`calls per execute must be a whole number 1…25, got ${maxCalls}`);
  }
  const client = new VkClient({
    base: opts.base ?? DEFAULT_VK_API_BASE,
    token: opts.token,
    rateLimit: opts.rateLimit,
    timeoutMs: opts.timeoutMs,
    maxAttempts: opts.maxAttempts,
    onRetry: opts.onRetry,
    backoffBaseMs: opts.backoffBaseMs,
    backoffMaxMs: opts.backoffMaxMs,
  });
  const group = await resolveGroup(client, opts.group, opts.signal);
  if (group.deactivated) {
    throw new VkResponseError(
      'groups.getById',
      `the community ${group.screen_name} is ${group.deactivated} (deactivated); there are no members to pull`,
    );
  }
  const tGroup = performance.now();
  const identity = identityFor(group, client.base, fields, opts.sample);

  const initialExtra: PullExtra = {
    mode: opts.mode === 'plain' ? 'plain' : 'execute',
    shape: opts.shape ?? 'columns',
    calls: maxCalls,
    ceiling: maxCalls,
    page: PAGE_SIZE,
    tuning: { margin: 0, shift: 0, misses: 0 },
    requests: 0,
    retries: 0,
  };
  let fetcher: MembersFetcher | undefined;
  let pending: Answer | undefined;
  // Requests leave as the limiter allows, from the first one on (read-ahead.ts); the
  // fetcher is made below, for a new pull or from the checkpoint, before the first request.
  const ahead = new ReadAhead<Answer>(
    opts.inFlight ?? DEFAULT_IN_FLIGHT,
    (start, overlap, signal) => ({
      next: fetcher!.predictNext(start, overlap),
      answer: fetcher!.fetch(start, overlap, opts.signal ? AbortSignal.any([opts.signal, signal]) : signal),
    }),
    MAX_MARGIN,
  );
  // Paging starts with the first page, fetched inside open() when the pull is new.
  const tPaging = performance.now();
  const opened = await SnapshotWriter.open<PullExtra>(
    opts.out,
    identity,
    async (): Promise<NewPull<PullExtra>> => {
      if (opts.sample) return newSample(client, group.id, identity, opts.sample, initialExtra);
      // The first page is fetched before anything is created on disk: access errors
      // (5, 15, 100, 125, 203…) end the pull with no directory left behind. The requests
      // after it are predicted from the member count groups.getById reported.
      fetcher = new MembersFetcher(client, group.id, fields, maxCalls, initialExtra, notice);
      const snapshotTime = new Date().toISOString();
      pending = await ahead.take(0, 1, group.members_count ?? 0);
      return {
        identity,
        snapshot_time: snapshotTime,
        reported_at_start: pending.pages[0].count,
        extra: initialExtra,
      };
    },
  ).catch((e: unknown) => {
    ahead.cancel();
    throw e;
  });
  if (opened.kind === 'finished') {
    if (!opened.integrity.checked) notice(opened.integrity.note);
    return {
      manifest: opened.manifest,
      dir: opts.out,
      alreadyComplete: true,
      resumed: false,
      timings: { totalMs: performance.now() - t0, groupMs: tGroup - t0, pagingMs: 0, writeMs: 0 },
      requests: client.stats.requests,
      retries: 0,
      retrySummary: 'no retries',
      retriesByReason: {},
      mode: initialExtra.mode,
      callsPerExecute: maxCalls,
      rowsThisRun: 0,
      wastedRequests: 0,
    };
  }
  const writer = opened.writer;
  const cp = writer.checkpoint;
  const extra0: PullExtra = { ...initialExtra, ...cp.extra };
  if (opts.mode === 'plain') extra0.mode = 'plain'; // --plain on a rerun is honoured
  fetcher ??= new MembersFetcher(client, group.id, fields, maxCalls, extra0, notice);
  if (extra0.sample) {
    const sample = { ...extra0.sample, rows: [...extra0.sample.rows] };
    return pullSample({ opts, client, writer, fetcher, extra0, sample, resumed: opened.resumed, t0, tGroup });
  }
  const pager = new Pager(cp.paging, extra0.tuning);
  const rowsBefore = cp.rows;
  const prior = { requests: extra0.requests, retries: extra0.retries };
  let writeMs = 0;

  const extraNow = (): PullExtra => ({
    mode: fetcher!.mode,
    shape: fetcher!.shape,
    calls: fetcher!.calls,
    ceiling: fetcher!.ceiling,
    page: fetcher!.page,
    tuning: { ...pager.tuning },
    requests: prior.requests + client.stats.requests,
    retries: prior.retries + client.stats.retries,
  });
  const progress = (): void => {
    if (!opts.onProgress) return;
    const elapsedMs = performance.now() - tPaging;
    const rows = writer.checkpoint.rows;
    const rate = elapsedMs > 0 ? ((rows - rowsBefore) / elapsedMs) * 1000 : 0;
    const left = Math.max(0, pager.state.last_count - rows);
    opts.onProgress({
      rows,
      reported: pager.state.last_count,
      requests: client.stats.requests,
      retries: client.stats.retries,
      elapsedMs,
      rate,
      etaSec: rate > 0 ? (pager.done ? 0 : left / rate) : null,
      mode: fetcher!.mode,
      callsPerExecute: fetcher!.calls,
      resumed: opened.resumed,
    });
  };

  // The batch on its way to disk (writer.queueBatch) while the next answer is converted.
  let writing: Promise<void> = Promise.resolve();
  // Members of general answers are gathered here (plain mode: several answers per batch).
  let gathered: MemberBatch | null = null;
  // False while the pager has accepted an answer whose members are not all in `gathered`
  // (or queued) yet: only a consistent `gathered` may be written when the pull stops.
  let consistent = true;
  try {
    if (!writer.onlyManifestLeft) {
      gathered = fetcher.pool.take(PAGE_SIZE);
      while (!pager.done) {
        const answer =
          pending ?? (await ahead.take(pager.nextStart(), pager.overlap(), pager.state.last_count));
        pending = undefined;
        consistent = false;
        const { ranges } = pager.accept(answer.pages);
        // The next request (and those predicted after it) leave while this answer is
        // converted and written; a request ahead at another offset is dropped here.
        if (pager.done) ahead.cancel();
        else ahead.ensure(pager.nextStart(), pager.overlap(), pager.state.last_count);
        const queue = async (batch: Parameters<typeof writer.queueBatch>[0]): Promise<void> => {
          const tw = performance.now();
          await writing;
          writing = writer.queueBatch(batch, pager.state, extraNow()).then(progress);
          // A failed write is met at the next `await writing` (or drain); until then, while
          // the loop waits for an answer, the rejection must not count as unhandled (Node
          // would end the process with it, lock and all).
          writing.catch(() => undefined);
          writeMs += performance.now() - tw;
        };
        if (answer.members.kind === 'batch') {
          // Decoded answers come from execute, which writes every answer: nothing is gathered
          // (a gathered row written with this answer's paging state would be at risk).
          if (gathered.length > 0) throw new Error('internal: members gathered across an execute answer');
          await queue(decodedAccepted(answer, answer.members.batch, ranges));
          consistent = true;
          // queueBatch encoded (copied) the rows synchronously: the batch can take the next answer.
          fetcher.pool.release(answer.members.batch);
          continue;
        }
        takeAccepted(answer, ranges, gathered);
        consistent = true;
        if (fetcher.mode === 'execute' || pager.done || gathered.length >= PLAIN_FLUSH_ROWS) {
          await queue(gathered);
          fetcher.pool.release(gathered);
          gathered = fetcher.pool.take(PAGE_SIZE);
        }
      }
      fetcher.pool.release(gathered);
      gathered = null;
    }
    const tw = performance.now();
    await writing;
    await writer.drain();
    writeMs += performance.now() - tw;
    const tf = performance.now();
    const manifest = writer.finish(writer.checkpoint.reported_at_end ?? pager.state.last_count, toolInfo());
    writeMs += performance.now() - tf;
    const tEnd = performance.now();
    return pullResult(manifest, opts.out, {
      resumed: opened.resumed,
      timings: { totalMs: tEnd - t0, groupMs: tGroup - t0, pagingMs: tEnd - tPaging, writeMs },
      client,
      fetcher,
      rowsThisRun: manifest.counts.rows_written - rowsBefore,
      wastedRequests: ahead.wasted,
    });
  } catch (e) {
    ahead.cancel();
    // Stopped (Ctrl-C, SIGTERM, an error): the members fetched but not yet written (plain
    // mode gathers up to PLAIN_FLUSH_ROWS) are written with the paging state they belong
    // to, so the resume repeats as little as possible.
    if (consistent && gathered !== null && gathered.length > 0)
      await writer.queueBatch(gathered, pager.state, extraNow()).catch(() => undefined);
    // What was already queued still reaches the disk (and its checkpoint) before the file closes.
    await writer.drain().catch(() => undefined);
    writer.close();
    if (opts.signal?.aborted && !(e instanceof AbortedError)) throw new AbortedError();
    throw e;
  }
}

/**
 * A new sample pull, before anything is on disk: VK's member count now (one plain call of
 * one member, which also meets an access error before the directory is made), the pages
 * drawn from it, and the seed of the draw recorded in the identity.
 */
async function newSample(
  client: VkClient,
  groupId: number,
  identity: PullIdentity,
  request: SampleRequest,
  extra: PullExtra,
): Promise<NewPull<PullExtra>> {
  const snapshotTime = new Date().toISOString();
  const r = await client.call<unknown>('groups.getMembers', {
    group_id: groupId,
    sort: 'id_asc',
    offset: 0,
    count: 1,
  });
  if (!isObject(r) || !Number.isInteger(r.count) || (r.count as number) < 0)
    throw new VkResponseError('groups.getMembers', 'expected {count, items}');
  const count = r.count as number;
  if (count === 0) throw new VkResponseError('groups.getMembers', 'the community has no members to sample');
  const seed = request.seed ?? randomInt(2 ** 31);
  const plan = samplePlan({ members: request.members, seed }, count, PAGE_SIZE);
  return {
    identity: { ...identity, sample: { members: request.members, seed } },
    snapshot_time: snapshotTime,
    reported_at_start: count,
    extra: { ...extra, sample: { plan, rows: [] } },
  };
}

interface SampleContext {
  opts: PullOptions;
  client: VkClient;
  writer: SnapshotWriter<PullExtra>;
  fetcher: MembersFetcher;
  extra0: PullExtra;
  sample: { plan: SamplePlan; rows: number[] };
  resumed: boolean;
  t0: number;
  tGroup: number;
}

/**
 * Read the sample's pages in offset order, as many per execute as the census pull puts
 * there (and sent ahead as it does), each answer one record batch with its checkpoint:
 * the rows kept of every page read so far are in the checkpoint, so a resume reads only
 * the pages after them. Ends with the manifest's `sample` design.
 */
async function pullSample(c: SampleContext): Promise<PullResult> {
  const { opts, client, writer, fetcher, extra0, sample } = c;
  const { plan, rows } = sample;
  const total = plan.offsets.length;
  const tPaging = performance.now();
  const rowsBefore = writer.checkpoint.rows;
  const prior = { requests: extra0.requests, retries: extra0.retries };
  let lastId = writer.checkpoint.paging.last_id;
  let lastCount = writer.checkpoint.paging.last_count;
  let writeMs = 0;
  const ahead = new ReadAhead<Answer>(opts.inFlight ?? DEFAULT_IN_FLIGHT, (at, _overlap, signal) => {
    const n = fetcher.mode === 'plain' ? 1 : fetcher.calls;
    const s = opts.signal ? AbortSignal.any([opts.signal, signal]) : signal;
    return { next: at + n, answer: fetcher.fetchPages(plan.offsets.slice(at, at + n), s) };
  });
  const extraNow = (): PullExtra => ({
    ...extra0,
    mode: fetcher.mode,
    shape: fetcher.shape,
    calls: fetcher.calls,
    ceiling: fetcher.ceiling,
    page: fetcher.page,
    requests: prior.requests + client.stats.requests,
    retries: prior.retries + client.stats.retries,
    sample: { plan, rows: [...rows] },
  });
  const progress = (): void => {
    if (!opts.onProgress) return;
    const elapsedMs = performance.now() - tPaging;
    const done = writer.checkpoint.rows;
    const rate = elapsedMs > 0 ? ((done - rowsBefore) / elapsedMs) * 1000 : 0;
    const planned = Math.min(total * plan.page_size, plan.members_total);
    opts.onProgress({
      rows: done,
      reported: planned,
      requests: client.stats.requests,
      retries: client.stats.retries,
      elapsedMs,
      rate,
      etaSec: rows.length >= total ? 0 : rate > 0 ? Math.max(0, planned - done) / rate : null,
      mode: fetcher.mode,
      callsPerExecute: fetcher.calls,
      resumed: c.resumed,
    });
  };
  let writing: Promise<void> = Promise.resolve();
  try {
    if (!writer.onlyManifestLeft) {
      while (rows.length < total) {
        const at = rows.length;
        const answer = await ahead.take(at, 1, total);
        const ranges: AcceptedRange[] = [];
        const kept: number[] = [];
        answer.pages.forEach((page, k) => {
          if (page.offset !== plan.offsets[at + k])
            throw new Error(`internal: sample page ${at + k} answered for offset ${page.offset}`);
          const from = newMembersFrom(page.ids, page.offset, lastId);
          const ids = page.ids as ArrayLike<number>;
          ranges.push({ page: k, from, to: ids.length });
          kept.push(ids.length - from);
          if (ids.length > from) lastId = ids[ids.length - 1];
          lastCount = page.count;
        });
        rows.push(...kept);
        if (rows.length < total) ahead.ensure(rows.length, 1, total);
        else ahead.cancel();
        const paging = {
          next_offset: plan.offsets[rows.length] ?? plan.offsets[total - 1] + plan.page_size,
          last_count: lastCount,
          last_id: lastId,
        };
        const tw = performance.now();
        await writing;
        let batch: MemberBatch;
        if (answer.members.kind === 'batch') batch = decodedAccepted(answer, answer.members.batch, ranges);
        else {
          batch = fetcher.pool.take(PAGE_SIZE);
          takeAccepted(answer, ranges, batch);
        }
        writing = writer.queueBatch(batch, paging, extraNow()).then(progress);
        writing.catch(() => undefined); // met at the next `await writing` or drain
        fetcher.pool.release(answer.members.kind === 'batch' ? answer.members.batch : batch);
        writeMs += performance.now() - tw;
      }
    }
    const tw = performance.now();
    await writing;
    await writer.drain();
    const manifest = writer.finish(
      writer.checkpoint.reported_at_end ?? lastCount,
      toolInfo(),
      undefined,
      sampleDesign(plan, rows),
    );
    writeMs += performance.now() - tw;
    const tEnd = performance.now();
    return pullResult(manifest, opts.out, {
      resumed: c.resumed,
      timings: { totalMs: tEnd - c.t0, groupMs: c.tGroup - c.t0, pagingMs: tEnd - tPaging, writeMs },
      client,
      fetcher,
      rowsThisRun: manifest.counts.rows_written - rowsBefore,
      wastedRequests: ahead.wasted,
    });
  } catch (e) {
    ahead.cancel();
    await writer.drain().catch(() => undefined);
    writer.close();
    if (opts.signal?.aborted && !(e instanceof AbortedError)) throw new AbortedError();
    throw e;
  }
}

export type { ClientStats };
