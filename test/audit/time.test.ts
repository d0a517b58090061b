import { expect } from 'chai';
import { classifyStatus } from '../../src/audit/status';
import {
  activityCounts,
  BINS,
  binLabel,
  dayOfWeek,
  dayOfWeekTable,
  halfHourBin,
  MSK_OFFSET_SECONDS,
  peakOf,
  peaks,
  timeOfDayByPlatform,
  timeOfDayBySex,
} from '../../src/audit/time';
import { DAY, SNAP_SEC, inputs, member } from './fixtures';
import type { MemberRow } from '../../src/snapshot/schema';

const utc = (iso: string): number => Date.parse(iso) / 1000;

describe('audit/time: bins, zones and days', () => {
  it('puts half-hour boundaries in the right bin, in UTC and Moscow time', () => {
    expect(halfHourBin(utc('2024-05-30T11:29:59Z'), 0)).to.equal(22);
    expect(halfHourBin(utc('2024-05-30T11:30:00Z'), 0)).to.equal(23);
    expect(halfHourBin(utc('2024-05-30T00:00:00Z'), 0)).to.equal(0);
    expect(halfHourBin(utc('2024-05-30T23:59:59Z'), 0)).to.equal(47);
    // 20:59:59 UTC is 23:59:59 in Moscow; 21:00 UTC is midnight there
    expect(halfHourBin(utc('2024-05-30T20:59:59Z'), MSK_OFFSET_SECONDS)).to.equal(47);
    expect(halfHourBin(utc('2024-05-30T21:00:00Z'), MSK_OFFSET_SECONDS)).to.equal(0);
    expect(binLabel(23)).to.equal('11:30');
    expect(binLabel(0)).to.equal('00:00');
  });

  it('knows the day of the week, and that Moscow passes midnight three hours earlier', () => {
    expect(dayOfWeek(0, 0)).to.equal(3); // 1970-01-01 was a Thursday
    expect(dayOfWeek(utc('2024-01-01T12:00:00Z'), 0)).to.equal(0); // a Monday
    expect(dayOfWeek(utc('2024-01-07T22:00:00Z'), 0)).to.equal(6); // Sunday in UTC …
    expect(dayOfWeek(utc('2024-01-07T22:00:00Z'), MSK_OFFSET_SECONDS)).to.equal(0); // … Monday in Moscow
  });
});

describe('audit/time: who is counted and how', () => {
  const t0 = utc('2024-05-31T00:00:00Z'); // a Friday
  const rows: MemberRow[] = [
    member({ sex: 1, last_seen_time: t0 + 11 * 3600 + 40 * 60, last_seen_platform: 2 }), // F 11:40 iPhone
    member({ sex: 1, last_seen_time: t0 + 11 * 3600 + 35 * 60, last_seen_platform: 4 }), // F 11:35 Android
    member({ sex: 2, last_seen_time: t0 + 21 * 3600 + 10 * 60, last_seen_platform: 7 }), // M 21:10 UTC = Sat 00:10 MSK
    member({ sex: 0, last_seen_time: t0 + 3600, last_seen_platform: null }), // sex 0 → unknown, platform unknown
    member({ sex: null, last_seen_time: t0 - 300 * DAY + 600, last_seen_platform: 1 }), // inactive, sex null
    member({ deactivated: 'deleted', sex: 1, last_seen_time: t0 + 3600 }), // deactivated: not counted
    member({ sex: 1, online_info_status: 'recently' }), // active by status: no time to count
    member({ sex: 2 }), // hidden: not counted
  ];

  for (const [kind, input] of inputs(rows)) {
    it(`counts live profiles with a visible last_seen by sex, platform and day (${kind})`, () => {
      const a = activityCounts(input, classifyStatus(input));
      expect(a.n).to.equal(5);
      expect(a.bySex[1 * BINS + 23]).to.equal(2); // both women in 11:30–12:00 UTC
      expect(a.bySex[2 * BINS + 42]).to.equal(1); // man at 21:00–21:30
      expect(a.bySex[0 * BINS + 2]).to.equal(1); // sex 0 at 01:00
      expect(a.bySex.reduce((x, y) => x + y, 0)).to.equal(5);
      expect(a.byPlatform[2 * BINS + 23]).to.equal(1);
      expect(a.byPlatform[0 * BINS + 2]).to.equal(1);
      expect(a.dowUtc[2 * 7 + 4]).to.equal(1); // man: Friday in UTC
      expect(a.dowMsk[2 * 7 + 5]).to.equal(1); // … Saturday in Moscow
      expect(a.snapshotClock).to.equal(12 * 3600);
      const active = activityCounts(input, classifyStatus(input), { population: 'active' });
      expect(active.n).to.equal(4);
    });
  }

  it('leaves out members online during the pull (seen within 15 minutes of the snapshot, or after it)', () => {
    const edge: MemberRow[] = [
      member({ sex: 1, last_seen_time: SNAP_SEC - 15 * 60 - 1 }), // 15 min + 1 s before: kept
      member({ sex: 1, last_seen_time: SNAP_SEC - 15 * 60 }), // exactly 15 min before: left out
      member({ sex: 1, last_seen_time: SNAP_SEC + 600 }), // during the pull: left out
    ];
    for (const [, input] of inputs(edge)) {
      const a = activityCounts(input, classifyStatus(input));
      expect([a.n, a.excludedRecent, a.recentMinutes]).to.deep.equal([1, 2, 15]);
      const all = activityCounts(input, classifyStatus(input), { recentMinutes: 0 });
      expect([all.n, all.excludedRecent]).to.deep.equal([3, 0]);
    }
    expect(() =>
      activityCounts(inputs(edge)[0][1], classifyStatus(inputs(edge)[0][1]), { recentMinutes: -1 }),
    ).to.throw(/recentMinutes/);
  });

  it('builds tidy tables whose groups each sum to one, MSK shifted by three hours', () => {
    const input = inputs(rows)[0][1];
    const a = activityCounts(input, classifyStatus(input));
    const t = timeOfDayBySex(a);
    expect(t.numRows()).to.equal(2 * 4 * BINS);
    const f = t.objects().filter((r: any) => r.group === 'female') as any[];
    const fu = f.find((r) => r.zone === 'UTC' && r.start === '11:30');
    const fm = f.find((r) => r.zone === 'MSK' && r.start === '14:30');
    expect(fu.count).to.equal(2);
    expect(fm.count).to.equal(2);
    expect(fu.share).to.equal(1);
    const p = timeOfDayByPlatform(a).objects() as any[];
    expect(new Set(p.map((r) => r.group))).to.deep.equal(
      new Set(['iPhone', 'Android', 'full web', 'mobile web', 'unknown']),
    );
    const d = dayOfWeekTable(a).objects() as any[];
    const all = d.filter((r) => r.zone === 'UTC' && r.group === 'all');
    expect(all.reduce((s, r) => s + r.count, 0)).to.equal(5);
  });
});

describe('audit/time: the peak and its bootstrap interval', () => {
  it('finds a clear peak with a tight interval', () => {
    const bins = new Float64Array(BINS).fill(1000);
    bins[23] = 5000;
    const p = peakOf(bins, 'UTC', 'all', { replicates: 500 });
    expect(p.bin).to.equal(23);
    expect(p.start).to.equal('11:30');
    expect(p.stability).to.equal(1);
    expect(p.interval).to.equal('11:30–12:00');
    expect(p.share).to.be.closeTo(5000 / (47 * 1000 + 5000), 1e-12);
  });

  it('widens the interval when two neighbouring bins are nearly tied', () => {
    const bins = new Float64Array(BINS).fill(100);
    bins[22] = 1000;
    bins[23] = 1001;
    const p = peakOf(bins, 'UTC', 'all', { replicates: 1000 });
    expect(p.stability).to.be.within(0.4, 0.65);
    expect(p.loBin).to.equal(22);
    expect(p.hiBin).to.equal(23);
    expect(p.interval).to.equal('11:00–12:00');
  });

  it('wraps around midnight', () => {
    const bins = new Float64Array(BINS).fill(100);
    bins[47] = 1000;
    bins[0] = 1000;
    const p = peakOf(bins, 'UTC', 'all', { replicates: 1000 });
    expect([0, 47]).to.include(p.bin);
    expect(p.loBin).to.equal(47);
    expect(p.hiBin).to.equal(0);
    expect(p.interval).to.equal('23:30–00:30');
  });

  it('reports the Moscow peak six bins after the UTC peak, and refuses an empty group', () => {
    const input = inputs([
      member({ sex: 1, last_seen_time: SNAP_SEC - 1800 }),
      member({ sex: 1, last_seen_time: SNAP_SEC - 1700 }),
    ])[0][1];
    const ps = peaks(activityCounts(input, classifyStatus(input)), { replicates: 200 });
    const u = ps.find((p) => p.zone === 'UTC' && p.group === 'female')!;
    const m = ps.find((p) => p.zone === 'MSK' && p.group === 'female')!;
    expect((u.bin + 6) % BINS).to.equal(m.bin);
    expect(ps.some((p) => p.group === 'male')).to.equal(false);
    expect(() => peakOf(new Float64Array(BINS), 'UTC', 'male')).to.throw(
      /no members with a visible last_seen in group "male"/,
    );
  });
});
