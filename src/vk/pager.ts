/**
 * Paging a member list that changes while it is read — pure logic, no I/O.
 *
 * Members are requested sorted by id (`sort=id_asc`), so the list is a sorted sequence
 * and a page is a contiguous run of it at the moment it was read. Members who leave
 * before our position shift the rest left (a plain `offset += 1000` then skips people);
 * members who join before it shift them right (duplicates). python vk_api's
 * `get_all_iter` (docs/vk-api.md, vk_api PR #121) moves the offset by the change of
 * `count`; that fails when joins and leaves cancel out. Here:
 *
 * - Dedupe: only ids above the highest id written so far are kept (`last_id`), so nobody
 *   is written twice, whatever the offsets did.
 * - No skips, proven per page: a page is accepted only if it starts at or before
 *   `last_id` (it contains an id ≤ last_id) or starts at offset 0. A contiguous run that
 *   reaches back to `last_id` contains every current member between `last_id` and its
 *   end — in particular everyone present throughout. Consecutive pages therefore overlap
 *   (by `1 + margin` members); the margin adapts to the shift actually observed, and the
 *   change of `count` (vk_api's rule) sizes the step back when a page fails the check.
 * - End: a verified page shorter than requested that reaches `count` — the list ended
 *   at that moment and everything up to it was covered.
 */

export interface Page {
  offset: number;
  /** Members asked for. */
  requested: number;
  /** `count` as VK reported with this page. */
  count: number;
  /** Member ids of the page, in the order received. */
  ids: ArrayLike<unknown>;
}

/** Saved in every checkpoint (see snapshot/writer.ts `PagingState`). */
export interface PagerState {
  /** Offset the next request starts at. */
  next_offset: number;
  last_count: number;
  /** Highest id accepted (0 = none yet). */
  last_id: number;
}

export interface PagerTuning {
  /** Extra overlap on top of 1 (adapts). */
  margin: number;
  /** Decaying maximum of the observed left shift. */
  shift: number;
  /** Consecutive pages that failed the overlap check. */
  misses: number;
}

/** Members `from`…`to`-1 of page number `page` (of the answer) are new: write them. */
export interface AcceptedRange {
  page: number;
  from: number;
  to: number;
}

export interface AcceptResult {
  ranges: AcceptedRange[];
  /** Members in `ranges`. */
  accepted: number;
  done: boolean;
  /** Pages of this answer that were used (the rest are read again). */
  pagesUsed: number;
  /** A page failed the overlap check: the next request steps back. */
  steppedBack: boolean;
}

export class PagingError extends Error {}

export const MAX_MARGIN = 400;
export const MAX_MISSES = 40;

export class Pager {
  state: PagerState;
  tuning: PagerTuning;
  done = false;
  /** End offset of the last accepted page (unknown after a resume). */
  private lastEnd: number | null = null;

  constructor(state: PagerState, tuning?: Partial<PagerTuning>) {
    this.state = { ...state };
    this.tuning = { margin: tuning?.margin ?? 0, shift: tuning?.shift ?? 0, misses: tuning?.misses ?? 0 };
  }

  /** Members shared by consecutive pages (inner pages of an execute included). */
  overlap(): number {
    return 1 + this.tuning.margin;
  }

  /** Offset of the next request. */
  nextStart(): number {
    return this.state.next_offset;
  }

  private checkIds(page: Page): void {
    const ids = page.ids;
    let prev = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (typeof id !== 'number' || !Number.isInteger(id) || id <= 0) {
        throw new PagingError(
          `member at offset ${page.offset + i} has no valid id (${JSON.stringify(id)}); the API answer is malformed`,
        );
      }
      if (id <= prev) {
        throw new PagingError(
          `members at offset ${page.offset} are not sorted by id (id ${id} after ${prev}); the API ignored sort=id_asc, so the pull cannot dedupe — check VK_API_BASE`,
        );
      }
      prev = id;
    }
  }

  /** Take the pages of one answer, in order. */
  accept(pages: readonly Page[]): AcceptResult {
    const ranges: AcceptedRange[] = [];
    let accepted = 0;
    let pagesUsed = 0;
    for (let p = 0; p < pages.length; p++) {
      const page = pages[p];
      this.checkIds(page);
      const ids = page.ids as ArrayLike<number>;
      const lastId = this.state.last_id;
      // Members of this page already written (ids are sorted, so they are a prefix).
      let known = 0;
      while (known < ids.length && ids[known] <= lastId) known++;
      const verified = page.offset === 0 || lastId === 0 || known > 0;
      if (!verified) {
        this.stepBack(page);
        return { ranges, accepted, done: false, pagesUsed, steppedBack: true };
      }
      pagesUsed++;
      if (lastId !== 0 && page.offset > 0 && this.lastEnd !== null)
        this.observeShift(this.lastEnd - page.offset, page, known);
      this.tuning.misses = 0;
      if (ids.length > known) {
        ranges.push({ page: p, from: known, to: ids.length });
        accepted += ids.length - known;
        this.state.last_id = ids[ids.length - 1];
      }
      this.state.last_count = page.count;
      const end = page.offset + ids.length;
      this.lastEnd = end;
      if (ids.length < page.requested && end >= page.count) {
        this.done = true;
        this.state.next_offset = end;
        return { ranges, accepted, done: true, pagesUsed, steppedBack: false };
      }
      this.state.next_offset = Math.max(0, end - this.overlap());
    }
    return { ranges, accepted, done: false, pagesUsed, steppedBack: false };
  }

  /**
   * `known` members of the page were already written; without drift exactly `expected`
   * (the planned overlap with the previous page) would be. More known = joins (harmless),
   * fewer = leaves shifted the list left.
   */
  private observeShift(expectedOverlap: number, page: Page, known: number): void {
    const expected = Math.max(0, Math.min(expectedOverlap, page.ids.length));
    const shift = Math.max(0, expected - known);
    this.tuning.shift = Math.max(shift, this.tuning.shift * 0.8);
    this.tuning.margin = Math.min(MAX_MARGIN, Math.ceil(2 * this.tuning.shift));
  }

  private stepBack(page: Page): void {
    this.tuning.misses++;
    if (this.tuning.misses > MAX_MISSES) {
      throw new PagingError(
        `the member list keeps shifting faster than it can be paged (${MAX_MISSES} pages in a row missed the last member read at offset ${page.offset}); try again later`,
      );
    }
    const drop = Math.max(0, this.state.last_count - page.count);
    const grow = Math.max(2 * (1 + this.tuning.margin), 16) * 2 ** (this.tuning.misses - 1);
    this.tuning.margin = Math.min(MAX_MARGIN, Math.max(this.tuning.margin * 2, 8));
    this.state.next_offset = Math.max(0, page.offset - Math.max(drop + this.overlap(), grow));
  }
}
