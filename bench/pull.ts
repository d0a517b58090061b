/**
 * Benchmark: pulling 2.5M members (issue 4; targets in design.md).
 *
 *   node dist/bench/pull.js [--members N] [--runs K] [--scenario limited,unlimited,client]
 *
 * Each pull runs in its own child process (clean peak RSS, its own core); the API it talks
 * to runs in another child:
 *
 * - limited:   the emulator at VK's real limit (3 requests/s per token, 5 MB execute
 *              answers), the client at its default 3 requests/s. Target ≤ 40 s for 2.5M.
 * - unlimited: the emulator with the rate limit lifted, the client unlimited: end to end,
 *              including the emulator generating every profile (so its speed bounds this).
 * - client:    a canned server that replays pre-rendered answers of the same shape (ids
 *              advancing, values from a pool of real emulator profiles), unlimited: the
 *              pull client's own cost — HTTP, JSON parse, paging checks, conversion, Arrow
 *              encoding, fsync'd writes. Target ≥ 200k members/s, peak RSS ≤ 1.5 GB.
 *
 * Prints every run and the medians. The machine is shared: the load average is printed
 * with each figure.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { startEmulator } from '../src/emulator/index';
import { MEMBER_FIELDS } from '../src/snapshot/schema';
import { PROJECTED, membersScript } from '../src/vk/members-script';
import { VkClient } from '../src/vk/client';
import { pullMembers } from '../src/vk/members';

type Scenario = 'limited' | 'unlimited' | 'client';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : String(process.argv[i + 1]);
}

function intArg(name: string, fallback: number): number {
  const v = Number(arg(name, String(fallback)));
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} must be a positive whole number, got "${arg(name, '')}"`);
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
  const code = membersScript({ groupId: emu.groupId, start: 0, page: 1000, overlap: 0, calls: 25, fields: MEMBER_FIELDS, shape: 'columns' });
  const pool = await c.call<{ cols: unknown[][] }>('execute', { code });
  await emu.close();
  const P = pool.cols[0].length;
  const rendered = pool.cols.map((col) => col.map((v) => JSON.stringify(v)));
  const idOf = (i: number) => 1_000_000 + i * 7;
  const group = JSON.stringify({ response: { groups: [{ id: 1, name: 'canned', screen_name: 'canned', description: `[vk-audience-study synthetic community] seed=0 members=${members}`, members_count: members }], profiles: [] } });

  const answer = (body: string): string => {
    const form = new URLSearchParams(body);
    const script = form.get('code') ?? '';
    const start = Number(/var o = (\d+);/.exec(script)?.[1] ?? 0);
    const calls = Number(/while \(n < (\d+)\)/.exec(script)?.[1] ?? 1);
    const page = Number(/"count":(\d+)/.exec(script)?.[1] ?? 1000);
    const step = Number(/o = o \+ (\d+);/.exec(script)?.[1] ?? page);
    const counts: number[] = [];
    const lens: number[] = [];
    const parts: string[][] = PROJECTED.map(() => []);
    for (let k = 0; k < calls; k++) {
      const off = start + k * step;
      const len = Math.max(0, Math.min(page, members - off));
      counts.push(members);
      lens.push(len);
      for (let i = 0; i < len; i++) {
        const g = off + i;
        parts[0].push(String(idOf(g)));
        for (let col = 1; col < PROJECTED.length; col++) parts[col].push(rendered[col][g % P]);
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
  process.stdout.write(JSON.stringify({ base: `http://127.0.0.1:${port}/method`, token: 'canned-token', group: 'canned' }) + '\n');
}

async function serveEmulator(members: number, rate: number): Promise<void> {
  const emu = await startEmulator({ members, seed: 1, rateLimitPerSecond: rate });
  process.stdout.write(JSON.stringify({ base: emu.base, token: emu.token, group: emu.screenName }) + '\n');
}

// ---------------------------------------------------------------- one pull (child)

async function childPull(base: string, token: string, group: string, rate: number, out: string): Promise<void> {
  const cpu0 = process.cpuUsage();
  const r = await pullMembers({ base, token, group, out, rateLimit: rate, timeoutMs: 120_000 });
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(JSON.stringify({
    cpuMs: (cpu.user + cpu.system) / 1000,
    rows: r.manifest.counts.rows_written, totalMs: r.timings.totalMs, pagingMs: r.timings.pagingMs, writeMs: r.timings.writeMs,
    requests: r.requests, calls: r.callsPerExecute, retries: r.retrySummary, peakRss,
  }) + '\n');
}

// ---------------------------------------------------------------- orchestration

interface ServerInfo { base: string; token: string; group: string }

function startChild(args: string[]): { proc: ReturnType<typeof spawn>; firstLine: Promise<string> } {
  const proc = spawn(process.execPath, ['--max-old-space-size=4096', __filename, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const firstLine = new Promise<string>((resolve, reject) => {
    let buf = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(buf.slice(0, nl));
    });
    proc.on('exit', (code) => reject(new Error(`child ${args.join(' ')} exited with ${code} before answering`)));
  });
  return { proc, firstLine };
}

async function runScenario(s: Scenario, members: number, runs: number): Promise<void> {
  const serverArgs = s === 'client' ? ['--child-canned', String(members)] : ['--child-emulator', String(members), s === 'limited' ? '3' : '0'];
  const server = startChild(serverArgs);
  const info = JSON.parse(await server.firstLine) as ServerInfo;
  const rate = s === 'limited' ? 3 : 0;
  const results: { totalMs: number; cpuMs: number; rows: number; peakRss: number; requests: number; calls: number; retries: string }[] = [];
  try {
    for (let k = 0; k < runs; k++) {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), 'vkas-bench-pull-'));
      try {
        const child = startChild(['--child-pull', info.base, info.token, info.group, String(rate), out]);
        const r = JSON.parse(await child.firstLine) as (typeof results)[number];
        results.push(r);
        const perSec = r.rows / (r.totalMs / 1000);
        console.log(`${s} run ${k + 1}: ${r.rows} members in ${(r.totalMs / 1000).toFixed(1)} s = ${Math.round(perSec).toLocaleString('en-US')} members/s (${Math.round(r.rows / (r.cpuMs / 1000)).toLocaleString('en-US')} per CPU-second of the pull process); ${r.requests} requests (${r.calls} calls/execute at the end), ${r.retries}; peak RSS ${(r.peakRss / 2 ** 20).toFixed(0)} MB; load ${os.loadavg()[0].toFixed(1)}`);
      } finally {
        fs.rmSync(out, { recursive: true, force: true });
      }
    }
  } finally {
    server.proc.kill();
  }
  const secs = median(results.map((r) => r.totalMs / 1000));
  const rate50 = median(results.map((r) => r.rows / (r.totalMs / 1000)));
  const rss = median(results.map((r) => r.peakRss / 2 ** 20));
  const perCpu = median(results.map((r) => r.rows / (r.cpuMs / 1000)));
  console.log(`${s} MEDIAN of ${runs}: ${secs.toFixed(1)} s, ${Math.round(rate50).toLocaleString('en-US')} members/s wall, ${Math.round(perCpu).toLocaleString('en-US')} members per CPU-second, peak RSS ${rss.toFixed(0)} MB`);
}

async function main(): Promise<void> {
  const a = process.argv;
  if (a[2] === '--child-canned') return serveCanned(Number(a[3]));
  if (a[2] === '--child-emulator') return serveEmulator(Number(a[3]), Number(a[4]));
  if (a[2] === '--child-pull') {
    await childPull(a[3], a[4], a[5], Number(a[6]), a[7]);
    process.exit(0);
  }
  const members = intArg('--members', 2_500_000);
  const runs = intArg('--runs', 3);
  const scenarios = arg('--scenario', 'client,unlimited,limited').split(',').map((x) => x.trim()) as Scenario[];
  for (const s of scenarios) {
    if (!['limited', 'unlimited', 'client'].includes(s)) throw new Error(`--scenario: unknown "${s}" (limited, unlimited, client)`);
  }
  console.log(`bench/pull: ${members.toLocaleString('en-US')} members; ${os.cpus().length} CPUs; load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  for (const s of scenarios) await runScenario(s, members, s === 'limited' ? 1 : runs);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
