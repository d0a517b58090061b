import { expect } from 'chai';
import { compareAll } from '../../src/compare/compare';
import type { CompareResult } from '../../src/compare/types';
import { compareText } from '../../src/compare/text';
import { unusualFindings } from '../../src/compare/unusual';
import { overlapHeatmapFigure } from '../../src/viz/compare/overlap';
import { transitionsSankeyFigure } from '../../src/viz/compare/sankey';
import { differencesFigure, sharesSideBySideFigure } from '../../src/viz/compare/shares';
import { upsetFigure } from '../../src/viz/compare/upset';
import { STATUS_COLORS } from '../../src/viz/palette';
import { memoryCommunity, rowFor, rowsFor } from './snapshots';

const T1 = '2024-06-01T12:00:00Z';
const T2 = '2024-08-01T12:00:00Z';
const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);

describe('compare: figures and findings in words', () => {
  let r: CompareResult;
  before(() => {
    // "bots": a third banned, far above the others; "fans" mostly inside "news".
    const news = memoryCommunity(rowsFor(range(1, 3001), T1), {
      id: 1,
      screen_name: 'news',
      snapshotTime: T1,
    });
    const fans = memoryCommunity(rowsFor(range(2001, 2801), T1), {
      id: 2,
      screen_name: 'fans',
      snapshotTime: T1,
    });
    const bots = memoryCommunity(
      range(5001, 6001).map((id) => rowFor(id, id % 3 === 0 ? 4 : 0, T1)),
      { id: 3, screen_name: 'bots', snapshotTime: T1 },
    );
    const later = memoryCommunity(
      range(1, 3301)
        .filter((id) => id % 10 !== 0)
        .map((id) => rowFor(id, id % 5 === 1 ? 4 : 0, T2)),
      { id: 1, screen_name: 'news', snapshotTime: T2 },
    );
    r = compareAll([news, fans, bots, later]);
  });

  it('shares side by side: one bar series per community with error bars from the intervals', () => {
    const f = sharesSideBySideFigure(r.communities);
    expect(f.data).to.have.length(3);
    const t = f.data[0] as any;
    const s = r.communities[0].shares;
    expect(t.x[0]).to.be.closeTo(100 * s[0].share, 1e-9);
    expect(t.error_x.array[0]).to.be.closeTo(100 * (s[0].hi - s[0].share), 1e-9);
    expect(t.y[0]).to.equal(s[0].label);
    expect(() => sharesSideBySideFigure(r.communities, ['nope'])).to.throw(/no share "nope"/);
    const d = differencesFigure(r.differences, 'deleted_or_banned');
    expect((d.data[0] as any).y).to.have.length(3);
  });

  it('overlap heatmap: row = share of the row community in the column, both directions', () => {
    const keys = r.communities.map((c) => c.key);
    const f = overlapHeatmapFigure(keys, r.overlap);
    const z = (f.data[0] as any).z as (number | null)[][];
    const nf = r.overlap.find((o) => o.a === 'news' && o.b === 'fans')!;
    expect(z[0][1]).to.be.closeTo(100 * nf.share_of_a_in_b, 1e-9);
    expect(z[1][0]).to.be.closeTo(90, 1e-9); // 720 of the 800 fans are in news as pulled later
    expect(z[0][0]).to.equal(null);
    expect(z[0][2]).to.equal(0);
  });

  it('UpSet chart: bars are the exclusive counts, dots say which communities', () => {
    const f = upsetFigure(r.upset!);
    const bars = f.data[0] as any;
    expect(bars.y).to.deep.equal(r.upset!.intersections.map((x) => x.count));
    expect(bars.y.reduce((a: number, b: number) => a + b, 0)).to.equal(r.upset!.union);
    const filled = f.data[f.data.length - 1] as any;
    expect(filled.x.length).to.equal(r.upset!.intersections.reduce((n, x) => n + x.sets.length, 0));
  });

  it('Sankey: status colours, bands sum to everyone in either snapshot', () => {
    const o = r.over_time[0];
    const f = transitionsSankeyFigure(o);
    const t = f.data[0] as any;
    expect(t.node.color[0]).to.equal(STATUS_COLORS.active);
    const total = t.link.value.reduce((a: number, b: number) => a + b, 0);
    expect(total).to.equal(o.stayed! + o.left! + o.joined!);
    expect(() => transitionsSankeyFigure({ ...o, sankey: null, notes: ['a sample'] })).to.throw(/a sample/);
  });

  it('what is unusual: the outlier share, the largest overlap, bans between snapshots — all from the numbers', () => {
    const text = unusualFindings(r);
    const bots = r.communities.find((c) => c.key === 'bots')!.shares[0];
    expect(
      text.some((s) =>
        s.startsWith(
          `bots: deleted or banned ${(100 * bots.share).toFixed(1)}%, above each of the other 2 communities`,
        ),
      ),
    ).to.equal(true);
    expect(text).to.include.members([
      // news as pulled later (the newest snapshot goes side by side): 2,970 members, 720 of the 800 fans.
      `The largest audience overlap: 90.0% of fans's members also follow news (720 members in common; Jaccard index ${(720 / 3050).toFixed(3)}).`,
    ]);
    const o = r.over_time[0];
    expect(
      text.some((s) =>
        s.startsWith(
          `VK banned ${o.banned_between!.total.toLocaleString('en-US')} members of news between 2024-06-01 and 2024-08-01 (61 days)`,
        ),
      ),
    ).to.equal(true);
    expect(text.some((s) => /news: deleted or banned went from/.test(s))).to.equal(true);
    // Differences under two points are not news.
    expect(unusualFindings(r, { minDifference: 1 }).some((s) => s.includes(' above '))).to.equal(false);
  });
});

describe('compare: text for a terminal', () => {
  it('tables the communities, the overlaps and the over-time section from the result', () => {
    const T = '2024-06-01T12:00:00Z';
    const a = memoryCommunity(rowsFor(range(1, 1001), T), { id: 1, screen_name: 'alpha', snapshotTime: T });
    const b = memoryCommunity(rowsFor(range(501, 1201), T), { id: 2, screen_name: 'beta', snapshotTime: T });
    const r = compareAll([a, b]);
    const text = compareText(r);
    const s = r.communities[0].shares[0];
    const cell = `${(100 * s.share).toFixed(1)}% (${(100 * s.lo).toFixed(1)}%–${(100 * s.hi).toFixed(1)}%)`;
    const row = text.split('\n').find((l) => l.startsWith('alpha '))!;
    expect(row.split(/\s{2,}/).slice(0, 5)).to.deep.equal(['alpha', 'census', '1,000', '2024-06-01', cell]);
    expect(text).to.match(/alpha\s+beta\s+500\s+50\.0%\s+71\.4%\s+0\.417\s+exact/);
    expect(text).to.contain('What is unusual');
  });
});
