import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
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

describe('cli/label-sample and cli/audit --labels', function () {
  this.timeout(120000);
  const ROOT = path.resolve(__dirname, '../../..');
  const cli = (name: string, args: string[]): { status: number | null; stdout: string; stderr: string } =>
    spawnSync(process.execPath, [path.join(ROOT, 'dist/src/cli', `${name}.js`), ...args], {
      encoding: 'utf8',
    });
  let dir = '';
  let other = '';
  before(async () => {
    const rows: MemberRow[] = [];
    for (let i = 0; i < 200; i++)
      rows.push(
        i % 10 === 9
          ? member({ deactivated: 'deleted', first_name: 'DELETED' })
          : member({
              first_name: 'Ivan',
              sex: 2,
              has_photo: i % 3 !== 0,
              last_seen_time: SNAP_SEC - i * 3600,
            }),
      );
    dir = await writeSnapshotDir(rows, SNAP);
    other = await writeSnapshotDir(rows, '2024-07-01T12:00:00Z');
  });
  after(() => {
    for (const d of [dir, other]) fs.rmSync(d, { recursive: true, force: true });
  });

  /** Labels the sheet's first `k` rows with `label(i)`; returns the new CSV text. */
  const label = (csv: string, k: number, lab: (i: number) => string): string => {
    const lines = fs.readFileSync(csv, 'utf8').trim().split('\r\n');
    const at = lines[0].split(',').indexOf('label');
    return (
      lines
        .map((l, i) => {
          if (i === 0 || i > k) return l;
          const f = l.split(',');
          f[at] = lab(i);
          return f.join(',');
        })
        .join('\r\n') + '\r\n'
    );
  };

  it('writes a seeded sample of live members as CSV and an offline HTML sheet, without last names', () => {
    const csv = path.join(dir, 'labels', 'sheet.csv');
    const r = cli('label-sample', ['--snapshot', dir, '--n', '50', '--seed', '4', '--out', csv]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('Sampled 50 live members').and.contain('--labels');
    const text = fs.readFileSync(csv, 'utf8');
    const lines = text.trim().split('\r\n');
    expect(lines).to.have.length(51);
    expect(lines[0]).to.match(/^snapshot,seed,position,id,profile,.*,label,note$/);
    expect(lines[0]).to.not.match(/last_name/);
    expect(lines[1]).to.match(/^vk-group-1@2024-06-01T12:00:00Z,4,1,\d+,https:\/\/vk\.com\/id\d+,Ivan,male,/);
    expect(text).to.not.contain('DELETED');
    const html = fs.readFileSync(path.join(dir, 'labels', 'sheet.html'), 'utf8');
    expect(html)
      .to.contain('Save CSV')
      .and.not.match(/<script[^>]+src=|<link[^>]+href="http/);
    // Same snapshot, n and seed: the same sheet.
    const again = path.join(dir, 'again.csv');
    expect(
      cli('label-sample', ['--snapshot', dir, '--n', '50', '--seed', '4', '--out', again]).status,
    ).to.equal(0);
    expect(fs.readFileSync(again, 'utf8')).to.equal(text);
  });

  it('label-sample: bad arguments exit 2 with one line naming the option', () => {
    const out = path.join(dir, 'x.csv');
    const tooMany = cli('label-sample', ['--snapshot', dir, '--n', '500', '--out', out]);
    expect(tooMany.status).to.equal(2);
    expect(tooMany.stderr).to.match(/--n 500 is more than the 180 live members/);
    expect(fs.existsSync(out)).to.equal(false);
    const notCsv = cli('label-sample', ['--snapshot', dir, '--n', '5', '--out', path.join(dir, 'x.txt')]);
    expect(notCsv.status).to.equal(2);
    expect(notCsv.stderr).to.match(/--out needs a file name ending in \.csv/);
    expect(
      cli('label-sample', ['--snapshot', path.join(dir, 'nope'), '--n', '5', '--out', out]).status,
    ).to.equal(5);
  });

  it('audit --labels: measures the share (labels only: this snapshot has no score values) and writes it', () => {
    const csv = path.join(dir, 'measure.csv');
    expect(cli('label-sample', ['--snapshot', dir, '--n', '60', '--out', csv]).status).to.equal(0);
    fs.writeFileSync(
      csv,
      label(csv, 40, (i) => (i % 8 === 0 ? 'bot' : i % 13 === 0 ? 'unsure' : 'human')),
    );
    const json = path.join(dir, 'audit-labels.json');
    const out: string[] = [];
    run(['--snapshot', dir, '--labels', csv, '--json', json], (s) => out.push(s));
    const text = out.join('\n');
    expect(text).to.contain('Bots (denominator: the 180 live members');
    expect(text).to.match(/share of bots: 13\.5% \(95% interval/);
    const j = JSON.parse(fs.readFileSync(json, 'utf8'));
    expect(j.bots).to.include({
      available: true,
      method: 'labels only',
      denominator: 'live members',
      live_members: 180,
    });
    expect(j.bots.labelled).to.deep.equal({
      sampled: 60,
      bot: 5,
      human: 32,
      unsure: 3,
      not_labelled: 20,
      used: 37,
    });
    expect(j.bots.estimate).to.be.closeTo(5 / 37, 1e-12);
  });

  it('audit --labels: unknown ids, bad labels and another snapshot exit 2 naming the file, the row and the fix', () => {
    const csv = path.join(dir, 'bad.csv');
    expect(cli('label-sample', ['--snapshot', dir, '--n', '10', '--out', csv]).status).to.equal(0);
    const good = fs.readFileSync(csv, 'utf8');
    const id = good.split('\r\n')[1].split(',')[3];
    const cases: [string, RegExp][] = [
      [
        good.replace(`,${id},https://vk.com/id${id},`, ',987654,https://vk.com/id987654,'),
        /bad\.csv, row 2: id 987654 is not a member/,
      ],
      [
        label(csv, 1, () => 'bott'),
        /bad\.csv, row 2: label "bott" for id \d+ is not one of bot, human, unsure/,
      ],
    ];
    for (const [text, re] of cases) {
      fs.writeFileSync(csv, text);
      const r = cli('audit', ['--snapshot', dir, '--labels', csv]);
      expect(r.status, r.stderr).to.equal(2);
      expect(r.stderr.trim().split('\n')).to.have.length(1);
      expect(r.stderr).to.match(re);
    }
    fs.writeFileSync(csv, good);
    const r = cli('audit', ['--snapshot', other, '--labels', csv]);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(
      /row 2: the sheet is from snapshot "vk-group-1@2024-06-01T12:00:00Z", not the audited "vk-group-1@2024-07-01/,
    );
    expect(r.stderr).to.match(/draw a sample of this snapshot with label-sample/);
  });

  it('audit without --labels on a snapshot whose score columns are empty: no estimate, and says why', () => {
    // The rows above state neither has_mobile nor status: as if the pull had not asked VK for them.
    const out: string[] = [];
    run(['--snapshot', dir], (s) => out.push(s));
    expect(out.join('\n')).to.match(
      /no estimate: VK returned no has_mobile and no status_length for any live member.*pull the community again/,
    );
  });
});
