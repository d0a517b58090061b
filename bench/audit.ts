/**
 * Benchmark: the audit over a large snapshot (README target: status + time + geography
 * over 2.5M members ≤ 3 s once loaded; loading ≤ 2 s).
 *
 *   node dist/bench/audit.js [--members N] [--runs K] [--dir DIR]
 *
 * Writes a snapshot of N members (default 2,500,000) with the pull's own streaming writer
 * (src/snapshot/writer.ts), unless DIR already holds one of that size, then times
 * readSnapshot and each audit stage K times (default 5) and prints medians. The rows are
 * drawn here with the project Rng (study-like shares; the values do not affect the speed
 * beyond the share of live rows): the bench must not depend on the emulator's pace.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadCities } from '../src/audit/cities';
import { geography } from '../src/audit/geography';
import { qualitySignals } from '../src/audit/quality';
import { classifyStatus, statusTable, summarizeStatus } from '../src/audit/status';
import { activityCounts, peaks, timeOfDayBySex } from '../src/audit/time';
import { readSnapshot } from '../src/snapshot/read';
import { MEMBER_COLUMNS, type MemberRow } from '../src/snapshot/schema';
import { SnapshotWriter } from '../src/snapshot/writer';
import { Rng } from '../src/util/rng';

const SNAPSHOT_TIME = '2026-11-01T09:00:00.000Z';
const NAMES = [
  'Анастасия',
  'Екатерина',
  'Юлия',
  'Александр',
  'Сергей',
  'Дмитрий',
  'Ольга',
  'Ivan',
  'DELETED',
  'Мария',
  'Андрей',
  'Наталья',
];
const CITY_IDS = [1, 2, 99, 49, 60, 95, 104, 110, 119, 123, 1000001, 1000002, 1000003];

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** Every column null: the columns `row` does not set (and any added later) stay so. */
const NULL_ROW = Object.fromEntries(MEMBER_COLUMNS.map((c) => [c.name, null])) as unknown as MemberRow;

function row(rng: Rng, id: number, snap: number): MemberRow {
  const u = rng.uniform();
  const deactivated = u < 0.117 ? 'deleted' : u < 0.14 ? 'banned' : null;
  const live = deactivated === null;
  const hidden = live && rng.uniform() < 0.05;
  const inactive = rng.uniform() < 0.233;
  const age = inactive ? 185 * 86400 + rng.uniform() * 3000 * 86400 : rng.uniform() * 30 * 86400;
  // last visit near 11:30 UTC ± a few hours
  const dayStart = Math.floor((snap - age) / 86400) * 86400;
  const tod = (((11.5 + 4 * rng.normal()) % 24) + 24) % 24;
  const sex = rng.uniform() < 0.005 ? 0 : rng.uniform() < 0.52 ? 1 : 2;
  const cityStated = live && rng.uniform() < 0.6;
  const city = cityStated
    ? rng.uniform() < 0.7
      ? CITY_IDS[rng.int(CITY_IDS.length)]
      : 2_000_000 + rng.int(20_000)
    : null;
  return {
    ...NULL_ROW,
    id,
    first_name: deactivated ? 'DELETED' : NAMES[rng.int(NAMES.length)],
    deactivated,
    is_closed: live ? rng.uniform() < 0.25 : null,
    can_access_closed: live ? true : null,
    sex,
    bdate_visibility: live ? (['full', 'no_year', null] as const)[rng.int(3)] : null,
    city_id: city,
    city_title: city === null ? null : `Город ${city}`,
    country_id: live ? 1 : null,
    country_title: live ? 'Россия' : null,
    has_photo: live ? rng.uniform() < 0.8 : false,
    last_seen_time: live && !hidden ? dayStart + Math.floor(tod * 3600) : null,
    last_seen_platform: live && !hidden ? 1 + rng.int(7) : null,
    online_info_visible: live ? !hidden : null,
    online_info_status: hidden ? (inactive ? 'long_ago' : 'recently') : null,
    followers_count: live ? rng.negBinomial(60, 0.8) : null,
    can_send_friend_request: live ? rng.uniform() < 0.7 : null,
    can_write_private_message: live ? rng.uniform() < 0.5 : null,
    can_see_all_posts: live ? rng.uniform() < 0.8 : null,
    relation: live ? rng.int(9) : null,
    verified: live ? false : null,
  };
}

async function ensureSnapshot(dir: string, members: number): Promise<void> {
  const manifestFile = path.join(dir, 'manifest.json');
  if (
    fs.existsSync(manifestFile) &&
    JSON.parse(fs.readFileSync(manifestFile, 'utf8')).counts?.rows_written === members
  )
    return;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const snap = Date.parse(SNAPSHOT_TIME) / 1000;
  const t0 = Date.now();
  const opened = await SnapshotWriter.open(dir, null, async () => ({
    identity: {
      group: { id: 1, screen_name: 'bench_community', name: 'Benchmark community' },
      source: { kind: 'synthetic' as const, api_base: 'bench', synthetic: { seed: 7, members } },
      api_version: '5.199',
      fields: [],
    },
    snapshot_time: SNAPSHOT_TIME,
    reported_at_start: members,
    extra: {},
  }));
  if (opened.kind !== 'writer') throw new Error(`${dir} holds an unfinished pull; delete it and run again.`);
  const rng = new Rng(7);
  const BATCH = 100_000;
  for (let start = 0; start < members; start += BATCH) {
    const rows: MemberRow[] = [];
    for (let i = start; i < Math.min(members, start + BATCH); i++) rows.push(row(rng, 1000 + i, snap));
    opened.writer.appendBatch(
      rows,
      { next_offset: start + rows.length, last_count: members, last_id: rows[rows.length - 1].id },
      {},
    );
  }
  opened.writer.finish(members, { name: 'vk-audience-study', version: 'bench' });
  console.log(
    `wrote ${members.toLocaleString('en-US')} members to ${dir} in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Wall-clock ms of f (the target's measure), and its CPU ms (user + system, this process). */
const cpu: Record<string, number[]> = {};
function time<T>(f: () => T, key?: string): [T, number] {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const r = f();
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (key) {
    const c = process.cpuUsage(c0);
    (cpu[key] ??= []).push((c.user + c.system) / 1000);
  }
  return [r, wall];
}

async function main(): Promise<void> {
  const members = Number(arg('--members', '2500000'));
  const runs = Number(arg('--runs', '5'));
  const dir = path.resolve(arg('--dir', path.join(os.tmpdir(), `vkas-bench-audit-${members}`)));
  await ensureSnapshot(dir, members);
  const cities = loadCities();
  const t: Record<string, number[]> = {
    load: [],
    status: [],
    time: [],
    geography: [],
    total: [],
    quality: [],
    arquero: [],
  };
  let rss = 0;
  for (let r = 0; r < runs; r++) {
    const [snap, load] = time(() => readSnapshot(dir), 'load');
    const input = { table: snap.table, manifest: snap.manifest };
    const [cls, tStatus] = time(() => {
      const c = classifyStatus(input);
      statusTable(summarizeStatus(c));
      return c;
    }, 'status');
    const [, tTime] = time(() => {
      const a = activityCounts(input, cls);
      timeOfDayBySex(a);
      return peaks(a);
    }, 'time');
    const [, tGeo] = time(() => geography(input, cls, { cities }), 'geography');
    const [, tQ] = time(() => qualitySignals(input, cls), 'quality');
    // The same status counts with arquero verbs on the Arrow-backed table, for comparison
    // (the reason the stage reads columns into typed arrays instead).
    const snapSec = Date.parse(snap.manifest.snapshot_time) / 1000;
    const [viaArquero, tAq] = time(
      () =>
        snap.table
          .params({ snap: snapSec, thr: 183 * 86400 })
          .derive({
            // eslint-disable-next-line @typescript-eslint/no-explicit-any -- arquero compiles the function's text; its rows are untyped
            status: (d: any, $: any) =>
              d.deactivated != null
                ? d.deactivated
                : d.last_seen_time > 0
                  ? $.snap - d.last_seen_time > $.thr
                    ? 'inactive'
                    : 'active'
                  : d.online_info_status === 'long_ago'
                    ? 'inactive'
                    : d.online_info_status === 'recently' ||
                        d.online_info_status === 'last_week' ||
                        d.online_info_status === 'last_month'
                      ? 'active'
                      : 'hidden',
          })
          .groupby('status')
          .count()
          .objects() as { status: string; count: number }[],
      'arquero',
    );
    const s = summarizeStatus(cls).counts as Record<string, number>;
    for (const row of viaArquero) {
      if (s[row.status] !== row.count)
        throw new Error(
          `arquero and typed-array status counts differ for ${row.status}: ${row.count} vs ${s[row.status]}`,
        );
    }
    t.arquero.push(tAq);
    t.load.push(load);
    t.status.push(tStatus);
    t.time.push(tTime);
    t.geography.push(tGeo);
    t.total.push(tStatus + tTime + tGeo);
    (cpu.total ??= []).push(cpu.status[r] + cpu.time[r] + cpu.geography[r]);
    t.quality.push(tQ);
    rss = Math.max(rss, process.memoryUsage().rss);
  }
  console.log(
    `audit benchmark: ${members.toLocaleString('en-US')} members, ${runs} runs, medians (Node ${process.version}, ${os.cpus().length} cores)`,
  );
  const fmt = (k: string, label: string, target?: number): string =>
    `  ${label.padEnd(40)} ${median(t[k]).toFixed(0).padStart(6)} ms wall  ${median(cpu[k]).toFixed(0).padStart(6)} ms cpu` +
    (target ? `   (target ≤ ${target} ms wall: ${median(t[k]) <= target ? 'met' : 'MISSED'})` : '');
  console.log(fmt('load', 'load (readSnapshot)', 2000));
  console.log(fmt('status', 'status'));
  console.log(fmt('time', 'time (incl. 6 peak bootstraps)'));
  console.log(fmt('geography', 'geography'));
  console.log(fmt('total', 'status + time + geography', 3000));
  console.log(fmt('quality', 'quality signals (not in the target)'));
  console.log(fmt('arquero', 'status counts via arquero derive+groupby'));
  console.log(
    `  peak RSS ${(rss / 1048576).toFixed(0)} MB; load average (1 min) ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`,
  );
}

main().catch((e) => {
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
});
