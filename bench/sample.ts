/**
 * Benchmark: the sample audit of a very large community at VK's real rate limit.
 *
 *   node dist/bench/sample.js [--group synthetic_large] [--sample 100000] [--runs 3] [--rate 3] [--seed 1]
 *
 * The emulator, in a child process at `--rate` requests/s per token (VK's limit: 3), serves
 * beside its news community `synthetic_large`: 15,000,000 members whose pages are generated
 * as they are asked for (docs/synthetic-community.md). Each run is what a user does, from
 * nothing to the figures: `npm run pull -- --group synthetic_large --sample N`
 * (groups.getById, the member count, ⌈N/1000⌉ random pages in executes of 25, written to a
 * new snapshot directory) and `npm run audit` of it (read the snapshot, status shares with
 * design-based intervals over the pages, activity time, cities). Target: under 30 s for
 * ~100k members of 15M. Prints each run, then the median wall time with its parts, the
 * requests and the limiter's floor for them, this process's CPU time, the emulator's, and
 * the load average (the machine is shared).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runAudit } from '../src/audit/run';
import { readSnapshot } from '../src/snapshot/read';
import { pullMembers } from '../src/vk/members';
import { VK_WINDOW_MS } from '../src/vk/limiter';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!(Number.isFinite(v) && v >= 0)) throw new Error(`${name} needs a number, got ${process.argv[i + 1]}`);
  return v;
}

const i = process.argv.indexOf('--group');
const GROUP = i >= 0 ? String(process.argv[i + 1]) : 'synthetic_large';
const SAMPLE = arg('--sample', 100_000);
const RUNS = arg('--runs', 3);
const RATE = arg('--rate', 3);
const SEED = arg('--seed', 1);
const TARGET_S = 30;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

interface Emulator {
  child: ChildProcess;
  base: string;
  token: string;
  cpuSeconds(): Promise<number>;
}

/** The emulator in its own process; answers `cpu` on stdin with its CPU seconds. */
function startEmulatorChild(): Promise<Emulator> {
  const script = `
    const { startEmulator } = require(${JSON.stringify(path.resolve(__dirname, '../src/emulator/index.js'))});
    startEmulator({ members: 20000, seed: ${SEED}, rateLimitPerSecond: ${RATE}, pregenerate: false })
      .then((e) => {
        process.stdout.write(JSON.stringify({ base: e.base, token: e.token }) + '\\n');
        process.stdin.on('data', () => {
          const u = process.cpuUsage();
          process.stdout.write(JSON.stringify({ cpu: (u.user + u.system) / 1e6 }) + '\\n');
        });
      })
      .catch((e) => { process.stdout.write(JSON.stringify({ error: e.message }) + '\\n'); process.exit(1); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: ((l: string) => void)[] = [];
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.shift()?.(line);
    }
  });
  const next = (): Promise<Record<string, unknown>> =>
    new Promise((resolve) => lines.push((l) => resolve(JSON.parse(l) as Record<string, unknown>)));
  return next().then((first) => {
    if (typeof first.error === 'string') throw new Error(first.error);
    return {
      child,
      base: first.base as string,
      token: first.token as string,
      cpuSeconds: () => {
        const p = next();
        child.stdin!.write('cpu\n');
        return p.then((r) => r.cpu as number);
      },
    };
  });
}

async function main(): Promise<void> {
  const emu = await startEmulatorChild();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vkas-bench-sample-'));
  const runs: { total: number; pull: number; read: number; audit: number; requests: number; rows: number }[] =
    [];
  let members = 0;
  const cpu0 = cpu();
  const emuCpu0 = await emu.cpuSeconds();
  try {
    for (let r = 0; r < RUNS; r++) {
      const out = path.join(tmp, `run-${r}`);
      const t0 = performance.now();
      const pulled = await pullMembers({
        base: emu.base,
        token: emu.token,
        group: GROUP,
        out,
        rateLimit: RATE,
        sample: { members: SAMPLE, seed: SEED + r },
        timeoutMs: 120_000,
      });
      const t1 = performance.now();
      const snap = readSnapshot(out);
      const t2 = performance.now();
      const audit = runAudit({ table: snap.table, manifest: snap.manifest });
      const t3 = performance.now();
      if (!audit.sample) throw new Error('bench: the audit did not see a sample');
      members = audit.sample.N;
      const row = {
        total: (t3 - t0) / 1000,
        pull: (t1 - t0) / 1000,
        read: (t2 - t1) / 1000,
        audit: (t3 - t2) / 1000,
        requests: pulled.requests,
        rows: snap.table.numRows(),
      };
      runs.push(row);
      console.log(
        `run ${r + 1}: ${row.total.toFixed(1)} s (pull ${row.pull.toFixed(1)}, read ${row.read.toFixed(2)}, audit ${row.audit.toFixed(2)}), ${row.requests} requests; ${audit.sample.text}; not seen ${(100 * audit.rates[1].share).toFixed(1)}% [${(100 * audit.rates[1].lo).toFixed(1)}, ${(100 * audit.rates[1].hi).toFixed(1)}]`,
      );
      fs.rmSync(out, { recursive: true, force: true });
    }
    const emuCpu = (await emu.cpuSeconds()) - emuCpu0;
    const m = (k: keyof (typeof runs)[number]) => median(runs.map((x) => x[k]));
    const floor = ((m('requests') - 1) * VK_WINDOW_MS) / 3 / 1000;
    const total = m('total');
    console.log(
      `sample audit of ${Math.round(m('rows')).toLocaleString('en-US')} of ${members.toLocaleString('en-US')} members (${GROUP}) at ${RATE} requests/s: ` +
        `median ${total.toFixed(1)} s over ${RUNS} runs (pull ${m('pull').toFixed(1)} s, read ${m('read').toFixed(2)} s, audit ${m('audit').toFixed(2)} s), ` +
        `${m('requests')} requests (limiter floor ${floor.toFixed(1)} s); CPU ${((cpu() - cpu0) / RUNS).toFixed(1)} s per run here, ` +
        `emulator ${(emuCpu / RUNS).toFixed(1)} s per run; load ${os
          .loadavg()
          .map((x) => x.toFixed(1))
          .join(' ')}; target < ${TARGET_S} s: ${total < TARGET_S ? 'met' : 'NOT met'}`,
    );
    if (total >= TARGET_S) process.exitCode = 1;
  } finally {
    emu.child.kill();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(`bench sample: ${(e as Error).message}`);
  process.exit(1);
});
