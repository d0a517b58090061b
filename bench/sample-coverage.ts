/**
 * Coverage of the sample audit's 95% intervals, end to end: real pulls, real audits.
 *
 *   node dist/bench/sample-coverage.js [--members 1000000] [--sample 50000] [--replications 200] [--seed 1]
 *
 * The emulator serves one synthetic community (no rate limit); it is pulled in full once
 * (the census) and audited, then pulled `--replications` times as a sample of `--sample`
 * members (`pullMembers` with a new seed each time, as `npm run pull -- --sample N --seed S`
 * does) and each sample audited. Prints, per share, the census value, how often the
 * sample's design-based interval covers it, the mean width and the mean design effect, and
 * the Monte Carlo standard error of a 95% coverage at this many replications. (The
 * estimator alone, at 15M members with strong clustering by id, is checked by
 * scripts/compare/coverage.js; test/audit/sample.test.ts runs a small clustered case.)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runAudit } from '../src/audit/run';
import { startEmulator } from '../src/emulator/index';
import { readSnapshot } from '../src/snapshot/read';
import { pullMembers } from '../src/vk/members';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!(Number.isFinite(v) && v >= 0)) throw new Error(`${name} needs a number, got ${process.argv[i + 1]}`);
  return v;
}

const MEMBERS = arg('--members', 1_000_000);
const SAMPLE = arg('--sample', 50_000);
const R = arg('--replications', 200);
const SEED = arg('--seed', 1);

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
    const pct = (x: number, d = 1) => `${(100 * x).toFixed(d)}%`;
    console.log(
      `${R} sample pulls of ${MEMBERS.toLocaleString('en-US')} synthetic members (last: ${text}); Monte Carlo SE of a 95% coverage ${pct(Math.sqrt((0.95 * 0.05) / R))}; ${((Date.now() - t0) / 1000).toFixed(0)} s, load ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
    );
    console.log('| share | census | coverage of the 95% interval | mean width | mean design effect |');
    console.log('| --- | --- | --- | --- | --- |');
    census.forEach((c, i) =>
      console.log(
        `| ${c.label} | ${pct(c.share)} | ${pct(covered[i] / R)} | ${(100 * width[i]).toFixed(2)} points | ${deff[i].toFixed(2)} |`,
      ),
    );
  } finally {
    await emu.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(`sample coverage: ${(e as Error).message}`);
  process.exit(1);
});
