/**
 * Coverage of the sample audit's 95% intervals, end to end: real pulls, real audits.
 *
 *   node dist/bench/sample-coverage.js [--members 1000000] [--sample 50000] [--replications 200] [--seed 1]
 *   node dist/bench/sample-coverage.js --clustered [--members 1500000] [--sample 100000] [--replications 1000]
 *
 * The emulator serves one synthetic community (no rate limit); it is pulled in full once
 * (the census) and audited, then pulled `--replications` times as a sample of `--sample`
 * members (`pullMembers` with a new seed each time, as `npm run pull -- --sample N --seed S`
 * does) and each sample audited. Prints, per share, the census value, how often the
 * sample's design-based interval covers it, the mean width and the mean design effect, and
 * the Monte Carlo standard error of a 95% coverage at this many replications.
 *
 * The emulator's statuses hardly cluster by id (design effects near 1). `--clustered`
 * takes a community whose statuses do (src/compare/coverage.ts: deletions and inactivity
 * trending with id age, a page-level effect, runs of pages with waves of bans), held in
 * memory: the pages are drawn as the pull draws them (vk/sample.ts) and audited by
 * src/audit/sample.ts, without HTTP. test/audit/sample.test.ts runs a small such case.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runAudit } from '../src/audit/run';
import { startEmulator } from '../src/emulator/index';
import { readSnapshot } from '../src/snapshot/read';
import { pullMembers } from '../src/vk/members';
import { sampleAudit } from '../src/audit/sample';
import {
  DEFAULT_INACTIVE_DAYS,
  type Rate,
  type StatusClassification,
  type StatusSummary,
  statusRates,
  STATUSES,
} from '../src/audit/status';
import { clusteredCommunity } from '../src/compare/coverage';
import { sampleDesign, samplePlan } from '../src/vk/sample';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!(Number.isFinite(v) && v >= 0)) throw new Error(`${name} needs a number, got ${process.argv[i + 1]}`);
  return v;
}

const CLUSTERED = process.argv.includes('--clustered');
const MEMBERS = arg('--members', CLUSTERED ? 1_500_000 : 1_000_000);
const SAMPLE = arg('--sample', CLUSTERED ? 100_000 : 50_000);
const R = arg('--replications', CLUSTERED ? 1000 : 200);
const SEED = arg('--seed', 1);

const pct = (x: number, d = 1) => `${(100 * x).toFixed(d)}%`;

/** Per share: the census value and, over the replications, coverage, mean width and design effect. */
function printTable(census: Rate[], covered: number[], width: number[], deff: number[]): void {
  console.log('| share | census | coverage of the 95% interval | mean width | mean design effect |');
  console.log('| --- | --- | --- | --- | --- |');
  census.forEach((c, i) =>
    console.log(
      `| ${c.label} | ${pct(c.share)} | ${pct(covered[i] / R)} | ${(100 * width[i]).toFixed(2)} points | ${deff[i].toFixed(2)} |`,
    ),
  );
}

const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

function clustered(): void {
  const t0 = Date.now();
  const codes = clusteredCommunity(MEMBERS, 1000, SEED);
  const tally = (c: Uint8Array): number[] => {
    const t = STATUSES.map(() => 0);
    for (const x of c) t[x]++;
    return t;
  };
  const counts = tally(codes);
  const census = statusRates({
    n: MEMBERS,
    counts: Object.fromEntries(counts.map((n, k) => [STATUSES[k], n])) as StatusSummary['counts'],
    byLastSeen: { active: 0, inactive: 0 },
    byOnlineInfo: { active: 0, inactive: 0 },
    onlineInfoUnrecognised: 0,
    snapshotTime: new Date(0).toISOString(),
    inactiveDays: DEFAULT_INACTIVE_DAYS,
    level: 0.95,
  });
  const covered = census.map(() => 0);
  const width = census.map(() => 0);
  const deff = census.map(() => 0);
  let text = '';
  for (let r = 0; r < R; r++) {
    const plan = samplePlan({ members: SAMPLE, seed: SEED * 100_000 + r }, MEMBERS, 1000);
    const rows = plan.offsets.map((o) => Math.min(1000, MEMBERS - o));
    const sampled = new Uint8Array(rows.reduce((a, b) => a + b, 0));
    let at = 0;
    for (const o of plan.offsets) {
      const page = codes.subarray(o, o + 1000);
      sampled.set(page, at);
      at += page.length;
    }
    const cls = { codes: sampled, inactiveDays: DEFAULT_INACTIVE_DAYS } as StatusClassification;
    const manifest = { snapshot_time: new Date(0).toISOString(), sample: sampleDesign(plan, rows) };
    const a = sampleAudit(manifest, cls, 0.95)!;
    text = a.text;
    a.rates.forEach((e, i) => {
      if (e.lo <= census[i].share && census[i].share <= e.hi) covered[i]++;
      width[i] += (e.hi - e.lo) / R;
      deff[i] += a.precision[e.key].design_effect / R;
    });
  }
  console.log(
    `${R} samples of a community clustered by id, drawn and audited as the pull and the audit do (last: ${text}); Monte Carlo SE of a 95% coverage ${pct(Math.sqrt((0.95 * 0.05) / R))}; ${((Date.now() - t0) / 1000).toFixed(0)} s, load ${load()}`,
  );
  printTable(census, covered, width, deff);
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const emu = await startEmulator({
    members: MEMBERS,
    seed: SEED,
    rateLimitPerSecond: 0,
    now: () => Date.UTC(2026, 10, 1),
  });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vkas-sample-coverage-'));
  try {
    const pull = (out: string, sample?: { members: number; seed: number }) =>
      pullMembers({ base: emu.base, token: emu.token, group: emu.screenName, out, rateLimit: 0, sample });
    const censusDir = path.join(tmp, 'census');
    await pull(censusDir);
    const census = runAudit(readSnapshot(censusDir)).rates;
    const covered = census.map(() => 0);
    const width = census.map(() => 0);
    const deff = census.map(() => 0);
    let text = '';
    for (let r = 0; r < R; r++) {
      const dir = path.join(tmp, `sample-${r}`);
      await pull(dir, { members: SAMPLE, seed: SEED * 100_000 + r });
      const a = runAudit(readSnapshot(dir));
      if (!a.sample) throw new Error('the audit did not see a sample');
      text = a.sample.text;
      a.rates.forEach((e, i) => {
        if (e.lo <= census[i].share && census[i].share <= e.hi) covered[i]++;
        width[i] += (e.hi - e.lo) / R;
        deff[i] += a.sample!.precision[e.key].design_effect / R;
      });
      fs.rmSync(dir, { recursive: true, force: true });
    }
    console.log(
      `${R} sample pulls of ${MEMBERS.toLocaleString('en-US')} synthetic members (last: ${text}); Monte Carlo SE of a 95% coverage ${pct(Math.sqrt((0.95 * 0.05) / R))}; ${((Date.now() - t0) / 1000).toFixed(0)} s, load ${load()}`,
    );
    printTable(census, covered, width, deff);
  } finally {
    await emu.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

(CLUSTERED ? Promise.resolve().then(clustered) : main()).catch((e: unknown) => {
  console.error(`sample coverage: ${(e as Error).message}`);
  process.exit(1);
});
