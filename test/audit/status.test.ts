import { expect } from 'chai';
import {
  classifyStatus,
  headline,
  statusRates,
  statusTable,
  summarizeStatus,
  STATUSES,
  BASIS_LAST_SEEN,
  BASIS_ONLINE_INFO,
} from '../../src/audit/status';
import { wilson } from '../../src/audit/intervals';
import { DAY, SNAP_SEC, inputs, manifest, member, plainTable } from './fixtures';
import type { MemberRow } from '../../src/snapshot/schema';

const name = (code: number): string => STATUSES[code];

describe('audit/status: classification rules', () => {
  const rows: MemberRow[] = [
    // 0: deleted with partial fields VK still sends (name DELETED, sex, even a recent visit)
    member({ deactivated: 'deleted', first_name: 'DELETED', sex: 1, last_seen_time: SNAP_SEC - 60 }),
    // 1: banned with nothing else
    member({ deactivated: 'banned' }),
    // 2: seen exactly at the threshold: still active (the edge is exclusive)
    member({ last_seen_time: SNAP_SEC - 183 * DAY }),
    // 3: one second past the threshold: inactive
    member({ last_seen_time: SNAP_SEC - 183 * DAY - 1 }),
    // 4: seen after the snapshot started (during the pull): active
    member({ last_seen_time: SNAP_SEC + 3600 }),
    // 5: hidden last_seen, no online_info: hidden, never deleted
    member({ first_name: 'Анна' }),
    // 6: hidden, online_info says not_show: hidden
    member({ online_info_visible: false, online_info_status: 'not_show' }),
    // 7–9: hidden last_seen, online_info buckets → active by status
    member({ online_info_status: 'recently' }),
    member({ online_info_status: 'last_week' }),
    member({ online_info_status: 'last_month' }),
    // 10: long_ago → inactive by status
    member({ online_info_status: 'long_ago' }),
    // 11: an unrecognised bucket → hidden, and counted
    member({ online_info_status: 'next_year' }),
    // 12: last_seen wins over online_info when both are present
    member({ last_seen_time: SNAP_SEC - 400 * DAY, online_info_status: 'recently' }),
    // 13: last_seen 0 is not a visit time → falls back to online_info / hidden
    member({ last_seen_time: 0 }),
  ];
  const expected = [
    'deleted',
    'banned',
    'active',
    'inactive',
    'active',
    'hidden',
    'hidden',
    'active',
    'active',
    'active',
    'inactive',
    'hidden',
    'inactive',
    'hidden',
  ];
  const expectedBasis = [0, 0, 1, 1, 1, 0, 0, 2, 2, 2, 2, 0, 1, 0];

  for (const [kind, input] of inputs(rows)) {
    it(`applies each rule on a ${kind} table`, () => {
      const cls = classifyStatus(input);
      expect(Array.from(cls.codes, name)).to.deep.equal(expected);
      expect(Array.from(cls.basis)).to.deep.equal(expectedBasis);
      expect(cls.onlineInfoUnrecognised).to.equal(1);
      expect(cls.firstUnrecognised).to.equal('next_year');
      expect(cls.snapshotTime).to.equal(SNAP_SEC);
    });
  }

  it('uses the manifest time, never the clock: a later snapshot makes the same visit inactive', () => {
    const r = [member({ last_seen_time: SNAP_SEC - 100 * DAY })];
    const early = classifyStatus({ table: plainTable(r), manifest: manifest() });
    const late = classifyStatus({
      table: plainTable(r),
      manifest: manifest({ snapshot_time: '2024-09-01T12:00:00Z' }),
    });
    expect(name(early.codes[0])).to.equal('active');
    expect(name(late.codes[0])).to.equal('inactive');
  });

  it('honours a custom threshold and can ignore online_info', () => {
    const r = [member({ last_seen_time: SNAP_SEC - 40 * DAY }), member({ online_info_status: 'long_ago' })];
    const cls = classifyStatus(
      { table: plainTable(r), manifest: manifest() },
      { inactiveDays: 30, useOnlineInfo: false },
    );
    expect(Array.from(cls.codes, name)).to.deep.equal(['inactive', 'hidden']);
    expect(cls.basis[1]).to.equal(0);
    expect(cls.basis[0]).to.equal(BASIS_LAST_SEEN);
    expect(BASIS_ONLINE_INFO).to.equal(2);
  });

  it('rejects an empty snapshot with a clear error', () => {
    expect(() => classifyStatus({ table: plainTable([]), manifest: manifest() })).to.throw(
      /no members \(0 rows\)/,
    );
  });

  it('rejects a table without the status columns, naming them', () => {
    const r = [member()];
    const t = plainTable(r).select('id', 'sex');
    expect(() => classifyStatus({ table: t, manifest: manifest() })).to.throw(
      /"deactivated", "last_seen_time"/,
    );
  });

  it('rejects an unknown deactivated value and a manifest without a usable snapshot time', () => {
    const bad = [member({ deactivated: 'frozen' as MemberRow['deactivated'] })];
    expect(() => classifyStatus({ table: plainTable(bad), manifest: manifest() })).to.throw(/"frozen"/);
    const ok = [member()];
    expect(() => classifyStatus({ table: plainTable(ok), manifest: {} as never })).to.throw(
      /snapshot_time is missing/,
    );
    expect(() =>
      classifyStatus({ table: plainTable(ok), manifest: manifest({ snapshot_time: '2024-06-01 12:00' }) }),
    ).to.throw(/time zone/);
    expect(() =>
      classifyStatus({ table: plainTable(ok), manifest: manifest() }, { inactiveDays: -1 }),
    ).to.throw(/positive/);
  });
});

describe('audit/status: shares, denominators and the headline', () => {
  // 100 members: 10 deleted, 4 banned, 20 inactive (18 by last_seen, 2 by long_ago), 60 active, 6 hidden
  const rows: MemberRow[] = [];
  for (let i = 0; i < 10; i++) rows.push(member({ deactivated: 'deleted' }));
  for (let i = 0; i < 4; i++) rows.push(member({ deactivated: 'banned' }));
  for (let i = 0; i < 18; i++) rows.push(member({ last_seen_time: SNAP_SEC - 300 * DAY }));
  for (let i = 0; i < 2; i++) rows.push(member({ online_info_status: 'long_ago' }));
  for (let i = 0; i < 57; i++) rows.push(member({ last_seen_time: SNAP_SEC - DAY }));
  for (let i = 0; i < 3; i++) rows.push(member({ online_info_status: 'recently' }));
  for (let i = 0; i < 6; i++) rows.push(member({ last_seen_time: null }));
  const s = summarizeStatus(classifyStatus({ table: plainTable(rows), manifest: manifest() }));

  it('counts each status and how it was decided', () => {
    expect(s.n).to.equal(100);
    expect(s.counts).to.deep.equal({ active: 60, inactive: 20, hidden: 6, deleted: 10, banned: 4 });
    expect(s.byLastSeen).to.deep.equal({ active: 57, inactive: 18 });
    expect(s.byOnlineInfo).to.deep.equal({ active: 3, inactive: 2 });
  });

  it('gives every share over all members with a Wilson interval', () => {
    const t = statusTable(s).objects() as Record<string, number | string | null>[];
    const del = t.find((r) => r.status === 'deleted')!;
    expect(del.count).to.equal(10);
    expect(del.share).to.equal(0.1);
    expect(del.denominator).to.equal('all members');
    expect(del.denominator_n).to.equal(100);
    // Wilson 95% for 10/100 is 0.0552–0.1744 (Brown, Cai & DasGupta 2001, table values)
    expect(del.lo as number).to.be.closeTo(0.0552, 5e-5);
    expect(del.hi as number).to.be.closeTo(0.1744, 5e-5);
    const sum = t.reduce((a, r) => a + (r.share as number), 0);
    expect(sum).to.be.closeTo(1, 1e-12);
  });

  it('spells out the combined rates with their denominators', () => {
    const r = Object.fromEntries(statusRates(s).map((x) => [x.key, x]));
    expect(r.deleted_or_banned.numerator).to.equal(14);
    expect(r.deleted_or_banned.denominator).to.equal(100);
    expect(r.not_seen.numerator).to.equal(34); // 10 + 4 + 20: deactivated included, as the study counts
    expect(r.not_seen.share).to.equal(0.34);
    expect(r.inactive_of_live_known.denominator).to.equal(80);
    expect(r.inactive_of_live_known.share).to.equal(0.25);
    expect(r.hidden_of_live.denominator).to.equal(86);
    expect(r.not_seen.lo).to.equal(wilson(34, 100).lo);
  });

  it('writes the headline from the computed numbers', () => {
    const h = headline(s);
    expect(h.text).to.match(
      /^Of 100 followers, 14\.0% \(95% CI 8\.5%–22\.1%\) are deleted or banned, 34\.0% /,
    );
    expect(h.text).to.contain('more than 183 days');
    expect(h.text).to.contain('60 (60.0%) are active');
    expect(h.text).to.contain(
      '5 live profiles hide their last visit and were classified by VK\'s coarser online_info status (2 "long_ago" counted as inactive)',
    );
    expect(h.text).to.contain('6 live profiles show neither');
  });
});

describe('audit/intervals: Wilson', () => {
  it('matches known values and the edges', () => {
    const a = wilson(0, 10);
    expect(a.lo).to.equal(0);
    expect(a.hi).to.be.closeTo(0.2775, 5e-5);
    const b = wilson(10, 10);
    expect(b.hi).to.equal(1);
    expect(b.lo).to.be.closeTo(0.7225, 5e-5);
    expect(Number.isNaN(wilson(0, 0).share)).to.equal(true);
    expect(() => wilson(3, 2)).to.throw(/0 <= x <= n/);
  });
});
