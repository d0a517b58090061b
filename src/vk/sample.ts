/**
 * A sample pull (`npm run pull -- --sample N`): whole pages of the member list instead of
 * all of them. A page is what one `groups.getMembers` call returns, up to 1000 consecutive
 * members by id from an offset that is a multiple of 1000; the m = ⌈N / 1000⌉ pages are
 * drawn at random without replacement from the M = ⌈count / 1000⌉ pages the community
 * has, and read in offset order so the snapshot's rows stay sorted by id. The estimator
 * that treats those pages as the clusters they are is src/compare/sample.ts; the manifest
 * records the design (snapshot/schema.ts `SampleDesign`).
 *
 * Pure logic, no I/O: the draw, the plan, and the check of each page that was read.
 */
import { Rng } from '../util/rng';
import { PagingError } from './pager';
import type { SampleDesign } from '../snapshot/schema';

/** What the user asked for: about `members` members, drawn with `seed` (null: a fresh seed). */
export interface SampleRequest {
  members: number;
  seed: number | null;
}

/** The pages to read, fixed before the first one is read (and kept in the checkpoint). */
export interface SamplePlan {
  page_size: number;
  members_total: number;
  pages_total: number;
  seed: number;
  /** Offsets of the drawn pages, ascending. */
  offsets: number[];
}

/** Pages a request of `members` members reads in a community of `pagesTotal` pages. */
export function pagesFor(members: number, pageSize: number, pagesTotal: number): number {
  return Math.min(pagesTotal, Math.ceil(members / pageSize));
}

/**
 * `m` distinct page numbers of `0 … M−1`, uniformly at random (Floyd's algorithm: every
 * subset equally likely, m draws, no array of M), ascending.
 */
export function drawPages(pagesTotal: number, m: number, seed: number): number[] {
  if (!(Number.isInteger(m) && m >= 0 && m <= pagesTotal))
    throw new RangeError(`drawPages: cannot draw ${m} of ${pagesTotal} pages`);
  const rng = new Rng(seed);
  const chosen = new Set<number>();
  for (let j = pagesTotal - m; j < pagesTotal; j++) {
    const t = rng.int(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen].sort((a, b) => a - b);
}

/** The plan of a sample of `request.members` members of a community VK counts `membersTotal` of. */
export function samplePlan(
  request: SampleRequest & { seed: number },
  membersTotal: number,
  pageSize: number,
): SamplePlan {
  const pagesTotal = Math.ceil(membersTotal / pageSize);
  const m = pagesFor(request.members, pageSize, pagesTotal);
  return {
    page_size: pageSize,
    members_total: membersTotal,
    pages_total: pagesTotal,
    seed: request.seed,
    offsets: drawPages(pagesTotal, m, request.seed).map((p) => p * pageSize),
  };
}

/** The manifest's design once the pages are read: the plan and the rows each page kept. */
export function sampleDesign(plan: SamplePlan, rows: readonly number[]): SampleDesign {
  if (rows.length !== plan.offsets.length)
    throw new Error(`sampleDesign: ${rows.length} pages read of ${plan.offsets.length} planned`);
  return {
    method: 'pages',
    page_size: plan.page_size,
    members_total: plan.members_total,
    pages_total: plan.pages_total,
    seed: plan.seed,
    pages: plan.offsets.map((offset, k) => ({ offset, rows: rows[k] })),
  };
}

/**
 * The members of one sampled page to keep: its ids must be valid and ascending (else the
 * answer is malformed), and those up to `lastId` — the end of the page read before it, when
 * members who joined meanwhile pushed them over the boundary — were written already.
 * Returns where the new members start.
 */
export function newMembersFrom(ids: ArrayLike<unknown>, offset: number, lastId: number): number {
  let prev = 0;
  let known = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (typeof id !== 'number' || !Number.isInteger(id) || id <= 0)
      throw new PagingError(
        `member at offset ${offset + i} has no valid id (${JSON.stringify(id)}); the API answer is malformed`,
      );
    if (id <= prev)
      throw new PagingError(
        `members at offset ${offset} are not sorted by id (id ${id} after ${prev}); the API ignored sort=id_asc — check VK_API_BASE`,
      );
    if (id <= lastId) known = i + 1;
    prev = id;
  }
  return known;
}

/** "a sample of 100 pages (seed 7)", for messages. */
export function describeRequest(pages: number, seed: number | null): string {
  return `a sample of ${pages} page${pages === 1 ? '' : 's'}${seed === null ? '' : ` (seed ${seed})`}`;
}
