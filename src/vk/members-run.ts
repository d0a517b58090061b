/**
 * What a pull is, for the census and the sample alike: its options, its progress, the
 * state saved in the checkpoint beside the paging state, and its result.
 */
import type { SnapshotManifest } from '../snapshot/schema';
import { summariseRetries, type RetryInfo, type VkClient } from './client';
import type { FetcherSettings, PullMode } from './members-fetcher';
import type { ScriptShape } from './members-script';
import type { PagerTuning } from './pager';
import type { SamplePlan, SampleRequest } from './sample';

/**
 * Requests in flight by default: at 3 requests/s one leaves every 378 ms, and a 25k-member
 * execute takes longer than that to be answered and converted, so several are needed for
 * the limiter's spacing to be the only limit (read-ahead.ts).
 */
export const DEFAULT_IN_FLIGHT = 3;

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
export function pullResult(
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
export interface PullExtra extends FetcherSettings, Record<string, unknown> {
  tuning: PagerTuning;
  requests: number;
  retries: number;
  /** A sample pull: the pages drawn, and the rows kept of each page read so far. */
  sample?: { plan: SamplePlan; rows: number[] };
}
