/**
 * Pull every member of a community into a snapshot directory.
 *
 * groups.getById → the group (and whether it is the synthetic one) → `execute` with a
 * VKScript paging loop (25 × groups.getMembers × 1000, sort id_asc, the study's fields;
 * members-fetcher.ts, which adapts to the API) → pager.ts accepts the pages (verified
 * overlap, dedupe by id) → members converted by the member schema's rules (decoded from
 * the answer's bytes, or snapshot/member-row.ts) and appended to the snapshot as one Arrow
 * record batch per answer → checkpoint → … → manifest. A sample pull (members-sample.ts)
 * shares all of it but the paging.
 *
 * Nothing is created on disk until the first page arrived, so a bad token, an unknown
 * group, hidden members or a closed group leave no directory behind. Interrupted at any
 * point, the same call resumes from the last checkpoint.
 */
import { MEMBER_FIELDS } from '../snapshot/schema';
import type { MemberBatch } from '../snapshot/member-batch';
import { SnapshotWriter, type NewPull, type PullIdentity } from '../snapshot/writer';
import { toolInfo } from '../snapshot/tool';
import { AbortedError } from './clock';
import { DEFAULT_VK_API_BASE, VK_API_VERSION, VkClient, type ClientStats } from './client';
import { VkResponseError } from './errors';
import { resolveGroup, type GroupInfo } from './group';
import {
  MAX_CALLS_PER_EXECUTE,
  MembersFetcher,
  PAGE_SIZE,
  decodedAccepted,
  takeAccepted,
  type Answer,
} from './members-fetcher';
import {
  DEFAULT_IN_FLIGHT,
  pullResult,
  type PullExtra,
  type PullOptions,
  type PullResult,
} from './members-run';
import { newSample, pullSample } from './members-sample';
import { MAX_MARGIN, Pager } from './pager';
import { ReadAhead } from './read-ahead';
import type { SampleRequest } from './sample';

export { DEFAULT_IN_FLIGHT, MAX_CALLS_PER_EXECUTE, PAGE_SIZE };
export type { ClientStats, PullOptions, PullResult };
export type { PullProgress } from './members-run';
export type { PullMode } from './members-fetcher';

/** Plain mode: rows gathered before a batch is written (execute mode writes every answer). */
const PLAIN_FLUSH_ROWS = 25_000;

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
