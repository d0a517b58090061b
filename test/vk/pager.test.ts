import { expect } from 'chai';
import { Rng } from '../../src/util/rng';
import { Pager, PagingError, type Page } from '../../src/vk/pager';

/** A sorted member list that changes between reads, with the truth kept aside. */
class DriftingList {
  ids: number[];
  readonly initial: Set<number>;
  readonly left = new Set<number>();
  private readonly joined = new Set<number>();
  private nextNew: number;
  constructor(
    n: number,
    private readonly rng: Rng,
    private readonly leave: number,
    private readonly join: number,
  ) {
    this.ids = [];
    let id = 0;
    for (let i = 0; i < n; i++) {
      id += 1 + rng.int(3);
      this.ids.push(id);
    }
    this.initial = new Set(this.ids);
    this.nextNew = id + 1;
  }
  drift(): void {
    for (let k = 0; k < this.leave && this.ids.length > 0; k++) {
      const [gone] = this.ids.splice(this.rng.int(this.ids.length), 1);
      this.left.add(gone);
    }
    for (let k = 0; k < this.join; k++) {
      // New members anywhere in id order (old accounts join too), never an id seen before.
      let id: number;
      do {
        id = 1 + this.rng.int(this.nextNew + 1000);
      } while (this.initial.has(id) || this.left.has(id) || this.joined.has(id));
      this.joined.add(id);
      const at = this.ids.findIndex((x) => x > id);
      this.ids.splice(at < 0 ? this.ids.length : at, 0, id);
    }
  }
  read(offset: number, n: number): Page {
    return { offset, requested: n, count: this.ids.length, ids: this.ids.slice(offset, offset + n) };
  }
  presentThroughout(): number[] {
    return [...this.initial].filter((id) => !this.left.has(id)).sort((a, b) => a - b);
  }
}

/** The ids a pager accepts from `pages`, via the ranges it returns. */
function taken(pager: Pager, pages: Page[]): number[] {
  const out: number[] = [];
  for (const r of pager.accept(pages).ranges)
    out.push(...(Array.from(pages[r.page].ids).slice(r.from, r.to) as number[]));
  return out;
}

/** Drive the pager like the puller does: `calls` inner pages per request, drift between pages. */
function pull(
  list: DriftingList,
  pageSize: number,
  calls: number,
  driftEvery: 'page' | 'request',
): { written: number[]; requests: number } {
  const pager = new Pager({ next_offset: 0, last_count: list.ids.length, last_id: 0 });
  const written: number[] = [];
  let requests = 0;
  while (!pager.done) {
    if (++requests > 10_000) throw new Error('no progress');
    const step = pageSize - pager.overlap();
    const pages: Page[] = [];
    let o = pager.nextStart();
    if (driftEvery === 'request') list.drift();
    for (let c = 0; c < calls; c++) {
      if (driftEvery === 'page') list.drift();
      const p = list.read(o, pageSize);
      pages.push(p);
      if (p.ids.length < pageSize) break;
      o += step;
    }
    written.push(...taken(pager, pages));
  }
  return { written, requests };
}

describe('vk/pager: paging a drifting member list', () => {
  it('without drift: every member exactly once, in order, with one member of overlap per page', () => {
    const list = new DriftingList(25_300, new Rng(1), 0, 0);
    const { written, requests } = pull(list, 1000, 25, 'request');
    expect(written).to.deep.equal(list.ids);
    expect(requests).to.equal(2);
  });

  it('empty list and a list of exactly one page end cleanly', () => {
    expect(pull(new DriftingList(0, new Rng(2), 0, 0), 1000, 25, 'request').written).to.deep.equal([]);
    const one = new DriftingList(1000, new Rng(3), 0, 0);
    expect(pull(one, 1000, 1, 'request').written).to.deep.equal(one.ids);
  });

  for (const [leave, join, where] of [
    [3, 0, 'page'],
    [0, 3, 'page'],
    [5, 5, 'page'],
    [40, 40, 'request'],
    [200, 0, 'request'],
    [0, 200, 'request'],
  ] as const) {
    it(`drift leave=${leave} join=${join} per ${where}: everyone present throughout exactly once, nobody twice`, () => {
      for (let seed = 1; seed <= 3; seed++) {
        const list = new DriftingList(6_000, new Rng(100 + seed), leave, join);
        const { written } = pull(list, 500, 5, where);
        expect(new Set(written).size, 'duplicates').to.equal(written.length);
        const got = new Set(written);
        const missing = list.presentThroughout().filter((id) => !got.has(id));
        expect(missing, `seed ${seed}: members present throughout but not written`).to.deep.equal([]);
        for (let i = 1; i < written.length; i++) expect(written[i]).to.be.greaterThan(written[i - 1]);
      }
    });
  }

  it("joins and leaves that cancel out in `count` (where vk_api's rule skips people) lose nobody", () => {
    // Leaves happen before the reading position, joins after it: count stays the same.
    const rng = new Rng(9);
    const list = new DriftingList(5000, rng, 0, 0);
    const pager = new Pager({ next_offset: 0, last_count: 5000, last_id: 0 });
    const written: number[] = [];
    while (!pager.done) {
      const start = pager.nextStart();
      for (let k = 0; k < 20 && start > 50; k++) {
        const [gone] = list.ids.splice(rng.int(start - 20), 1);
        list.left.add(gone);
        list.ids.push(list.ids[list.ids.length - 1] + 1 + k);
      }
      written.push(...taken(pager, [list.read(start, 300)]));
    }
    const got = new Set(written);
    expect(list.presentThroughout().filter((id) => !got.has(id))).to.deep.equal([]);
    expect(got.size).to.equal(written.length);
  });

  it('resumes from a saved state as if never stopped', () => {
    const list = new DriftingList(7000, new Rng(4), 0, 0);
    const a = new Pager({ next_offset: 0, last_count: 7000, last_id: 0 });
    const first = taken(a, [list.read(0, 1000), list.read(999, 1000)]);
    const b = new Pager({ ...a.state }, { ...a.tuning });
    const rest: number[] = [];
    while (!b.done) rest.push(...taken(b, [list.read(b.nextStart(), 1000)]));
    expect([...first, ...rest]).to.deep.equal(list.ids);
  });

  it('rejects unsorted or id-less pages with a clear error', () => {
    const p = new Pager({ next_offset: 0, last_count: 3, last_id: 0 });
    expect(() => p.accept([{ offset: 0, requested: 10, count: 3, ids: [5, 3, 9] }])).to.throw(
      PagingError,
      /not sorted by id/,
    );
    expect(() => p.accept([{ offset: 0, requested: 10, count: 1, ids: ['x'] }])).to.throw(
      PagingError,
      /no valid id/,
    );
  });

  it('gives up with a clear error when the list never lets a page reach back', () => {
    const p = new Pager({ next_offset: 5000, last_count: 9000, last_id: 10 ** 9 - 1 });
    // A server that always answers ids above anything read: no page can be verified.
    expect(() => {
      for (let i = 0; i < 100; i++)
        p.accept([{ offset: p.nextStart() || 1, requested: 100, count: 9000, ids: [10 ** 9 + i] }]);
    }).to.throw(PagingError, /keeps shifting/);
  });
});
