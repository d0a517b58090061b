/**
 * Benchmark: pulling 2.5M members (targets in the README, "Benchmarks").
 *
 *   node dist/bench/pull.js [--members N] [--runs K] [--scenario limited,unlimited,client,client-limited] [--in-flight D]
 *
 * Each pull runs in its own child process (clean peak RSS, its own core); the API it talks
 * to runs in another child, whose CPU time is measured too (when it is busier than the
 * pull, the API is what sets the pace):
 *
 * - limited:   the emulator at VK's real limit (3 requests/s per token, 5 MB execute
 *              answers), the client at its default 3 requests/s. Target ≤ 40 s for 2.5M.
 * - unlimited: the emulator with the rate limit lifted, the client unlimited: end to end,
 *              including the emulator generating every profile (so its speed bounds this).
 * - client:    a canned server that replays pre-rendered answers of the same shape (ids
 *              advancing, values sliced from a pool of real emulator profiles rendered
 *              once, so the server costs little CPU), unlimited: the pull client's own cost
 *              — HTTP, JSON parse, paging checks, conversion, Arrow encoding, fsync'd
 *              writes. Target ≥ 200k members/s, peak RSS ≤ 1.5 GB.
 * - client-limited: the canned server, the client at 3 requests/s: whether the pull
 *              itself reaches the limiter's floor, whatever the emulator's speed.
 *
 * Prints every run, then per scenario one line ready for the README: the median wall time
 * and rate, the median members per CPU-second of the pull process, peak RSS, the API
 * process's CPU, the load average; for the limited scenario also the floor the limiter's
 * spacing allows (requests × 1133/3 ms) next to the measured time. The machine is shared:
 * on a busy machine the per-CPU-second figure is the one to compare.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { startEmulator } from '../src/emulator/index';
import { MEMBERS, MEMBER_FIELDS } from '../src/snapshot/schema';
import { membersScript } from '../src/vk/members-script';
import { VkClient } from '../src/vk/client';
import { DEFAULT_IN_FLIGHT, pullMembers } from '../src/vk/members';
import { VK_WINDOW_MS } from '../src/vk/limiter';

type Scenario = 'limited' | 'unlimited' | 'client' | 'client-limited';
const SCENARIOS: readonly Scenario[] = ['limited', 'unlimited', 'client', 'client-limited'];

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : String(process.argv[i + 1]);
}

function intArg(name: string, fallback: number): number {
  const v = Number(arg(name, String(fallback)));
  if (!Number.isInteger(v) || v <= 0)
    throw new Error(`${name} must be a positive whole number, got "${arg(name, '')}"`);
  return v;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// ---------------------------------------------------------------- canned server

/** Serve execute answers in the "columns" shape for `members` synthetic members, fast. */
async function serveCanned(members: number): Promise<void> {
  // A pool of real profiles from the emulator, rendered once per column as JSON text.
  const emu = await startEmulator({ members: 25_000, seed: 1, rateLimitPerSecond: 0, maxResponseBytes: 1e9 });
  const c = new VkClient({ base: emu.base, token: emu.token, rateLimit: 0, timeoutMs: 120_000 });
  const code = membersScript({
    groupId: emu.groupId,
    start: 0,
    page: 1000,
    overlap: 0,
    calls: 25,
    fields: MEMBER_FIELDS,
    shape: 'columns',
  });
  const pool = await c.call<{ cols: unknown[][] }>('execute', { code });
  await emu.close();
  const P = pool.cols[0].length;
  // Each column rendered once as one JSON list body; an answer's values are slices of it
  // (rows g % P), so answering costs a few hundred string slices, not 650k JSON.stringify.
  const joined = pool.cols.map((col) => col.map((v) => JSON.stringify(v)));
  const text = joined.map((vals) => vals.join(','));
  const starts = joined.map((vals) => {
    const at = new Int32Array(vals.length + 1);
    for (let i = 0; i < vals.length; i++) at[i + 1] = at[i] + vals[i].length + 1;
    return at;
  });
  /** Values of pool rows [a, b) of column c, comma-separated (b ≤ P). */
  const slice = (c: number, a: number, b: number): string => text[c].slice(starts[c][a], starts[c][b] - 1);
  const idOf = (i: number) => 1_000_000 + i * 7;
  const group = JSON.stringify({
    response: {
      groups: [
        {
          id: 1,
          name: 'canned',
          screen_name: 'canned',
          description: `[vk-audience-study synthetic community] seed=0 members=${members}`,
          members_count: members,
        },
      ],
      profiles: [],
    },
  });

  const answer = (body: string): string => {
    const form = new URLSearchParams(body);
    const script = form.get('code') ?? '';
    const start = Number(/var o = (\d+);/.exec(script)?.[1] ?? 0);
    const calls = Number(/while \(n < (\d+)\)/.exec(script)?.[1] ?? 1);
    const page = Number(/"count":(\d+)/.exec(script)?.[1] ?? 1000);
    const step = Number(/o = o \+ (\d+);/.exec(script)?.[1] ?? page);
    const counts: number[] = [];
    const lens: number[] = [];
    const parts: string[][] = MEMBERS.projections.map(() => []);
    for (let k = 0; k < calls; k++) {
      const off = start + k * step;
      const len = Math.max(0, Math.min(page, members - off));
      counts.push(members);
      lens.push(len);
      const ids = new Array<number>(len);
      for (let i = 0; i < len; i++) ids[i] = idOf(off + i);
      if (len > 0) parts[0].push(ids.join(','));
      for (let col = 1; col < MEMBERS.projections.length && len > 0; col++) {
        const a = off % P;
        const b = a + len;
        if (b <= P) parts[col].push(slice(col, a, b));
        else parts[col].push(slice(col, a, P), slice(col, 0, b - P));
      }
      if (len < page) break;
    }
    return `{"response":{"counts":[${counts.join(',')}],"lens":[${lens.join(',')}],"cols":[${parts.map((p) => `[${p.join(',')}]`).join(',')}]}}`;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const text = req.url?.endsWith('/groups.getById') ? group : answer(body);
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(text);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  process.stdout.write(
    JSON.stringify({ base: `http://127.0.0.1:${port}/method`, token: 'canned-token', group: 'canned' }) +
      '\n',
  );
}

async function serveEmulator(members: number, rate: number): Promise<void> {
  const emu = await startEmulator({ members, seed: 1, rateLimitPerSecond: rate });
  process.stdout.write(JSON.stringify({ base: emu.base, token: emu.token, group: emu.screenName }) + '\n');
}

// ---------------------------------------------------------------- one pull (child)

async function childPull(
  base: string,
  token: string,
  group: string,
  rate: number,
  out: string,
  inFlight: number,
): Promise<void> {
  const cpu0 = process.cpuUsage();
  const r = await pullMembers({ base, token, group, out, rateLimit: rate, timeoutMs: 120_000, inFlight });
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(
    JSON.stringify({
      cpuMs: (cpu.user + cpu.system) / 1000,
      rows: r.manifest.counts.rows_written,
      totalMs: r.timings.totalMs,
      pagingMs: r.timings.pagingMs,
      writeMs: r.timings.writeMs,
      requests: r.requests,
      wasted: r.wastedRequests,
      calls: r.callsPerExecute,
      retries: r.retrySummary,
      peakRss,
    }) + '\n',
  );
}

/** CPU milliseconds a child process has used so far (Linux /proc; NaN elsewhere). */
function processCpuMs(pid: number | undefined): number {
  try {
    const fields = fs
      .readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

// ---------------------------------------------------------------- orchestration

interface ServerInfo {
  base: string;
  token: string;
  group: string;
}

function startChild(args: string[]): { proc: ReturnType<typeof spawn>; firstLine: Promise<string> } {
  const proc = spawn(process.execPath, ['--max-old-space-size=4096', __filename, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const firstLine = new Promise<string>((resolve, reject) => {
    let buf = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(buf.slice(0, nl));
    });
    proc.on('exit', (code) =>
      reject(new Error(`child ${args.join(' ')} exited with ${code} before answering`)),
    );
  });
  return { proc, firstLine };
}

interface RunResult {
  totalMs: number;
  cpuMs: number;
  rows: number;
  peakRss: number;
  requests: number;
  wasted: number;
  calls: number;
  retries: string;
  serverCpuMs: number;
  load: number;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function runScenario(s: Scenario, members: number, runs: number, inFlight: number): Promise<void> {
  const canned = s === 'client' || s === 'client-limited';
  const serverArgs = canned
    ? ['--child-canned', String(members)]
    : ['--child-emulator', String(members), s === 'limited' ? '3' : '0'];
  const limited = s === 'limited' || s === 'client-limited';
  const rate = limited ? 3 : 0;
  const results: RunResult[] = [];
  for (let k = 0; k < runs; k++) {
    // A fresh server per run: the emulator generates the community ahead on a worker
    // thread from its start, so a second pull from the same one would be a warmer case
    // than notebook 01's (which starts one per pull).
    const server = startChild(serverArgs);
    const info = JSON.parse(await server.firstLine) as ServerInfo;
    try {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), 'vkas-bench-pull-'));
      try {
        const serverCpu0 = processCpuMs(server.proc.pid);
        const child = startChild([
          '--child-pull',
          info.base,
          info.token,
          info.group,
          String(rate),
          out,
          String(inFlight),
        ]);
        const r = JSON.parse(await child.firstLine) as RunResult;
        r.serverCpuMs = processCpuMs(server.proc.pid) - serverCpu0;
        r.load = os.loadavg()[0];
        results.push(r);
        const perSec = r.rows / (r.totalMs / 1000);
        console.log(
          `${s} run ${k + 1}: ${r.rows} members in ${(r.totalMs / 1000).toFixed(1)} s = ${fmt(perSec)} members/s (${fmt(r.rows / (r.cpuMs / 1000))} per CPU-second of the pull process; API process ${(r.serverCpuMs / 1000).toFixed(1)} CPU-s); ${r.requests} requests (${r.wasted} sent ahead and dropped; ${r.calls} calls/execute at the end), ${r.retries}; peak RSS ${(r.peakRss / 2 ** 20).toFixed(0)} MB; load ${r.load.toFixed(1)}`,
        );
      } finally {
        fs.rmSync(out, { recursive: true, force: true });
      }
    } finally {
      server.proc.kill();
    }
  }
  const secs = median(results.map((r) => r.totalMs / 1000));
  const wallRate = median(results.map((r) => r.rows / (r.totalMs / 1000)));
  const rss = median(results.map((r) => r.peakRss / 2 ** 20));
  const perCpu = median(results.map((r) => r.rows / (r.cpuMs / 1000)));
  const apiCpu = median(results.map((r) => r.serverCpuMs / 1000));
  const loads = results.map((r) => r.load);
  const loadText = `load ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`;
  const rows = results[0].rows;
  let line = `${s} MEDIAN of ${runs} (${fmt(rows)} members, ${inFlight} in flight): ${secs.toFixed(1)} s wall = ${fmt(wallRate)} members/s; ${fmt(perCpu)} members per CPU-second of the pull process; API process ${apiCpu.toFixed(1)} CPU-s; peak RSS ${rss.toFixed(0)} MB; ${loadText}`;
  if (limited) {
    // Every request (groups.getById included) takes one limiter slot; the first leaves at once.
    const requests = median(results.map((r) => r.requests));
    const floor = ((requests - 1) * VK_WINDOW_MS) / 3 / 1000;
    line += `; floor from the limiter's spacing ${floor.toFixed(1)} s (${requests} requests × ${(VK_WINDOW_MS / 3).toFixed(0)} ms) vs measured ${secs.toFixed(1)} s (+${((secs / floor - 1) * 100).toFixed(0)}%)`;
  }
  console.log(line);
}

async function main(): Promise<void> {
  const a = process.argv;
  if (a[2] === '--child-canned') return serveCanned(Number(a[3]));
  if (a[2] === '--child-emulator') return serveEmulator(Number(a[3]), Number(a[4]));
  if (a[2] === '--child-pull') {
    await childPull(a[3], a[4], a[5], Number(a[6]), a[7], Number(a[8]));
    process.exit(0);
  }
  const members = intArg('--members', 2_500_000);
  const runs = intArg('--runs', 3);
  const inFlight = intArg('--in-flight', DEFAULT_IN_FLIGHT);
  const scenarios = arg('--scenario', 'client,unlimited,limited')
    .split(',')
    .map((x) => x.trim()) as Scenario[];
  for (const s of scenarios) {
    if (!SCENARIOS.includes(s)) throw new Error(`--scenario: unknown "${s}" (${SCENARIOS.join(', ')})`);
  }
  console.log(
    `bench/pull: ${members.toLocaleString('en-US')} members; ${os.cpus().length} CPUs; load ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  // The limited scenario takes ~40 s a run: one unless --runs says otherwise.
  const explicitRuns = process.argv.includes('--runs');
  for (const s of scenarios)
    await runScenario(
      s,
      members,
      (s === 'limited' || s === 'client-limited') && !explicitRuns ? 1 : runs,
      inFlight,
    );
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
