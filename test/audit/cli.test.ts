import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs, run } from '../../src/cli/audit';
import { DAY, SNAP, SNAP_SEC, member } from './fixtures';
import { writeSnapshotDir } from './snapshot-dir';
import type { MemberRow } from '../../src/snapshot/schema';

describe('cli/audit', () => {
  let dir = '';
  before(async () => {
    const rows: MemberRow[] = [];
    const noon = SNAP_SEC - 12 * 3600 + 11.5 * 3600; // 11:30 UTC on the day of the snapshot
    for (let i = 0; i < 60; i++)
      rows.push(
        member({
          sex: 1 + (i % 2),
          city_id: 1,
          city_title: 'Москва',
          last_seen_time: noon + (i % 20) * 60,
          last_seen_platform: 4,
        }),
      );
    for (let i = 0; i < 30; i++)
      rows.push(
        member({
          sex: 1,
          city_id: 2,
          city_title: 'Санкт-Петербург',
          last_seen_time: SNAP_SEC - 300 * DAY - i * 977,
        }),
      );
    for (let i = 0; i < 10; i++)
      rows.push(member({ deactivated: i < 8 ? 'deleted' : 'banned', first_name: 'DELETED' }));
    rows.push(member({ sex: 2, city_id: 3, city_title: 'Тихий', online_info_status: 'last_week' }));
    dir = await writeSnapshotDir(rows, SNAP);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints status, peak and cities, and writes the JSON', () => {
    const out: string[] = [];
    const json = path.join(dir, 'out', 'audit.json');
    run(['--snapshot', dir, '--json', json, '--min-city-count', '5'], (s) => out.push(s));
    const text = out.join('\n');
    expect(text).to.contain('SYNTHETIC');
    expect(text).to.match(/deleted\s+8\s+7\.9%/);
    expect(text).to.contain('Of 101 followers');
    expect(text).to.match(/UTC\s+all\s+11:30/);
    expect(text).to.match(/MSK\s+all\s+14:30/);
    expect(text).to.match(/1\s+Москва\s+60\s+30\s+30\s+50\.0%/);
    const j = JSON.parse(fs.readFileSync(json, 'utf8'));
    expect(j.status.n).to.equal(101);
    expect(j.status.rows.find((r: any) => r.status === 'inactive').count).to.equal(30);
    expect(j.status.rows.find((r: any) => r.status === 'active').by_online_info).to.equal(1);
    expect(j.time.bins).to.have.length(2 * 4 * 48);
    // 15 of the 60 visits at 11:30–11:49 fall within 15 min of the 12:00 snapshot: left out
    expect(j.time.excluded_recent).to.deep.equal({ members: 15, minutes: 15 });
    expect(
      j.time.bins_by_platform
        .filter((b: any) => b.zone === 'UTC' && b.group === 'Android')
        .reduce((a: number, b: any) => a + b.count, 0),
    ).to.equal(45);
    const allDays = j.time.day_of_week.filter((d: any) => d.zone === 'UTC' && d.group === 'all');
    expect(allDays.reduce((a: number, d: any) => a + d.count, 0)).to.equal(75);
    expect(allDays.find((d: any) => d.day === 'Sat').count).to.be.at.least(45); // 2024-06-01 was a Saturday
    expect(j.time.peaks[0]).to.include({ zone: 'UTC', group: 'all', start: '11:30' });
    expect(j.geography.cities.map((c: any) => c.city_id)).to.deep.equal([1, 2, null]);
    expect(j.geography.cities[0].lat).to.be.a('number');
    expect(j.snapshot_time).to.equal('2024-06-01T12:00:00.000Z');
    expect(JSON.stringify(j)).not.to.match(/NaN/);
  });

  it('refuses an empty snapshot with a clear error', async () => {
    const empty = await writeSnapshotDir([], SNAP);
    try {
      expect(() => run(['--snapshot', empty], () => undefined)).to.throw(
        /the snapshot has no members \(0 rows\)/,
      );
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('rejects bad arguments and a missing snapshot with clear messages', () => {
    expect(() => parseArgs([])).to.throw(/^missing --snapshot$/);
    expect(() => parseArgs(['--snapshot', 'x', '--inactive-days', 'soon'])).to.throw(
      /--inactive-days needs a whole number >= 1, got "soon"/,
    );
    expect(() => parseArgs(['--snapshot', 'x', '--population', 'all'])).to.throw(
      /--population must be one of live, active, got "all"/,
    );
    expect(() => parseArgs(['--snapshot', 'x', '--frobnicate'])).to.throw(/unknown option "--frobnicate"/);
    expect(parseArgs(['--snapshot', 'x', '--inactive-days', '30', '--no-online-info']).options).to.deep.equal(
      { inactiveDays: 30, useOnlineInfo: false },
    );
    expect(() => run(['--snapshot', path.join(dir, 'nope')], () => undefined)).to.throw(/does not exist/);
  });
});
