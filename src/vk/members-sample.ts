/**
 * A sample pull (vk/sample.ts): whole pages at random offsets instead of every member, read
 * by the census pull's fetcher, written and checkpointed as the census is.
 */
import type { PullIdentity, NewPull, SnapshotWriter } from '../snapshot/writer';
import type { MemberBatch } from '../snapshot/member-batch';
import { toolInfo } from '../snapshot/tool';
import { AbortedError } from './clock';
import type { VkClient } from './client';
import { VkResponseError } from './errors';
import {
  PAGE_SIZE,
  decodedAccepted,
  takeAccepted,
  type Answer,
  type MembersFetcher,
} from './members-fetcher';
import {
  DEFAULT_IN_FLIGHT,
  pullResult,
  type PullExtra,
  type PullOptions,
  type PullResult,
} from './members-run';
import type { AcceptedRange } from './pager';
import { ReadAhead } from './read-ahead';
import { newMembersFrom, sampleDesign, samplePlan, type SamplePlan, type SampleRequest } from './sample';
import { isObject } from '../util/json-shape';
import { randomInt } from 'node:crypto';

/**
 * A new sample pull, before anything is on disk: VK's member count now (one plain call of
 * one member, which also meets an access error before the directory is made), the pages
 * drawn from it, and the seed of the draw recorded in the identity.
 */
export async function newSample(
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

export interface SampleContext {
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
export async function pullSample(c: SampleContext): Promise<PullResult> {
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
