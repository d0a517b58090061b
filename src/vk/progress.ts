/** The pull's progress line shown by the CLI (stderr) and notebook 01, and its time at best. */
import { DEFAULT_REQUESTS_PER_SECOND } from './limiter';
import { MAX_CALLS_PER_EXECUTE, PAGE_SIZE, type PullProgress } from './members';

/** Members one `execute` request brings: 25 calls of 1000 (docs/vk-api.md). */
export const MEMBERS_PER_REQUEST = MAX_CALLS_PER_EXECUTE * PAGE_SIZE;

/**
 * The least time the member requests of a pull take at VK's limit (3 requests/s per token),
 * `groups.getById` aside: ⌈members / 25,000⌉ / 3 seconds.
 */
export function minPullSeconds(members: number, requestsPerSecond = DEFAULT_REQUESTS_PER_SECOND): number {
  return Math.ceil(members / MEMBERS_PER_REQUEST) / requestsPerSecond;
}

export function formatDuration(sec: number): string {
  if (!Number.isFinite(sec)) return '?';
  if (sec < 60) return `${sec.toFixed(0)}s`;
  const m = Math.floor(sec / 60);
  return m < 60
    ? `${m}m${String(Math.round(sec % 60)).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** "pull: 50,000 / 2,500,000 members (2.0%) · 66,000/s · ETA 37s · 3 requests". */
export function progressLine(p: PullProgress): string {
  const pct = p.reported > 0 ? ` (${Math.min(100, (100 * p.rows) / p.reported).toFixed(1)}%)` : '';
  const eta = p.etaSec === null ? '' : ` · ETA ${formatDuration(p.etaSec)}`;
  const retries = p.retries ? ` · ${p.retries} retries` : '';
  const resumed = p.resumed ? ' · resumed' : '';
  return `pull: ${p.rows.toLocaleString('en-US')} / ${p.reported.toLocaleString('en-US')} members${pct} · ${Math.round(p.rate).toLocaleString('en-US')}/s${eta} · ${p.requests} requests${retries}${resumed}`;
}
