/**
 * Benchmark: the emulator is never the bottleneck (target: ≥ 300k fielded members
 * per second to a local client on the 2-core machine; 2.5M members generated well under
 * a minute).
 *
 *   node dist/bench/emulator.js [--members N] [--serve M] [--runs K]
 *
 * 1. Generation: all N members (default 2,500,000) generated once, and generated +
 *    serialised to VK JSON bytes with the snapshot's MEMBER_FIELDS, as groups.getMembers
 *    does (reused record, `writeUser` into a JsonSink per 1000); heap growth printed
 *    (bounded memory: nothing is kept). Then the same N generated ahead by the emulator's
 *    worker thread into its member store (src/emulator/fast/member-store.ts): time to fill, memory it holds.
 * 2. Serving: a keep-alive HTTP client on loopback pulls M members (default 250,000) with
 *    MEMBER_FIELDS, (a) as groups.getMembers pages of 1000, (b) as vk-io's execute loop of
 *    25 × 1000, (c) as the pull's own execute script (src/vk/members-script.ts, shape
 *    "columns": 25 pages of 1000 overlapping by one, 26 projected columns; what `npm run
 *    pull` sends) — maxResponseBytes lifted (the size limit is a behaviour, not a cost), rate
 *    limit off. The client reads each body completely (no JSON.parse: that is the pull's
 *    cost, not the emulator's). K runs each (default 5); medians printed.
 *
 * The emulator pre-generates the community on a worker thread (from 20k members on), so
 * run 1 of each set-up also pays for filling the store and for JIT warm-up; medians are
 * steady-state figures, and the per-run lists show run 1.
 *
 * The machine is shared, so besides wall-clock rates the bench prints rates per CPU
 * second: what one dedicated core achieves. Two set-ups: (in-process) emulator and client
 * in this process, as the tests and notebook 01 run it — CPU of both is charged to the
 * emulator, a conservative figure; (separate process) the `npm run emulator` CLI in a
 * child process, whose own CPU time is read from /proc/<pid>/stat (Linux) — the
 * emulator's real cost per member.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import * as os from 'node:os';
import { startEmulator } from '../src/emulator';
import { CommunityGenerator, emptyRecord } from '../src/emulator/generator';
import { JsonSink } from '../src/emulator/fast/json-sink';
import { MemberStore } from '../src/emulator/fast/member-store';
import { BYTES_PER_MEMBER } from '../src/emulator/fast/record-codec';
import { writeUser } from '../src/emulator/fast/user-writer';
import { parseFields } from '../src/emulator/serialize';
import { MEMBER_FIELDS } from '../src/snapshot/schema';
import { membersScript } from '../src/vk/members-script';
import { vkIoExecuteCode } from '../test/emulator/helpers';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v <= 0)
    throw new Error(`${name} must be a positive whole number, got "${process.argv[i + 1]}"`);
  return v;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function post(
  agent: http.Agent,
  url: URL,
  body: string,
): Promise<{ status: number; bytes: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        // The client only counts the bytes and keeps the head (to check for an error
        // envelope): joining the body into one buffer would charge a 0.5–13 MB copy per
        // answer to the in-process figure and slow the client down in the wall figures.
        let bytes = 0;
        const head: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          if (bytes < 64) head.push(c.subarray(0, 64 - bytes));
          bytes += c.length;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, bytes, text: Buffer.concat(head).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  const members = arg('--members', 2_500_000);
  const serve = arg('--serve', 250_000);
  const runs = arg('--runs', 5);
  console.log(
    `emulator benchmark (Node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)})`,
  );

  // 1. Generation.
  const gen = new CommunityGenerator({ seed: 1, referenceSec: Date.now() / 1000 });
  const fields = parseFields(MEMBER_FIELDS);
  const heap0 = process.memoryUsage().heapUsed;
  let t = performance.now();
  let c0 = process.cpuUsage();
  let followers = 0;
  for (let i = 0; i < members; i++) followers += gen.member(i).followers;
  const genMs = performance.now() - t;
  const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
  const genCpu = process.cpuUsage(c0);
  t = performance.now();
  c0 = process.cpuUsage();
  let bytes = 0;
  // As groups.getMembers serialises: into a reused record, then bytes into a sink (one per
  // 1000 members, like a page), whose chunk is reused once the page is done (as the server
  // does once the answer is sent).
  const rec = emptyRecord();
  for (let start = 0; start < members; start += 1000) {
    const sink = new JsonSink();
    for (let i = start; i < Math.min(members, start + 1000); i++)
      writeUser(gen.memberInto(i, rec), fields, gen.referenceSec, sink);
    bytes += sink.length;
    sink.release();
  }
  const serMs = performance.now() - t;
  const serCpu = process.cpuUsage(c0);
  const cpuS = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1e6;
  const heapGrowth = (process.memoryUsage().heapUsed - heap0) / 1048576;
  console.log(
    `  generate ${members.toLocaleString('en-US')} members: ${(genMs / 1000).toFixed(1)} s (${Math.round((members / genMs) * 1000).toLocaleString('en-US')}/s; ${cpuS(genCpu).toFixed(1)} CPU-s; checksum ${followers})`,
  );
  console.log(
    `  generate + serialise (MEMBER_FIELDS): ${(serMs / 1000).toFixed(1)} s (${Math.round((members / serMs) * 1000).toLocaleString('en-US')}/s; ${cpuS(serCpu).toFixed(1)} CPU-s; ${(bytes / members).toFixed(0)} bytes/member); heap growth ${heapGrowth.toFixed(0)} MB`,
  );
  const shared0 = process.memoryUsage().arrayBuffers;
  t = performance.now();
  const store = new MemberStore(
    new CommunityGenerator({ seed: 1, referenceSec: Date.now() / 1000 }),
    members,
  );
  await store.whenFilled();
  const fillMs = performance.now() - t;
  const sharedMb = (process.memoryUsage().arrayBuffers - shared0) / 1048576;
  if (store.error() || store.storedCount() !== members)
    throw new Error(
      `the member store holds ${store.storedCount()} of ${members} members (${store.error()?.message ?? 'no error'})`,
    );
  console.log(
    `  pre-generated by the emulator's worker thread into its member store: ${(fillMs / 1000).toFixed(1)} s (${fmt((members / fillMs) * 1000)}/s, thread start-up included); ${sharedMb.toFixed(0)} MB shared memory (${BYTES_PER_MEMBER} bytes/member)`,
  );
  await store.close();

  // 2. Serving over loopback.
  const verdict = (x: number): string => (x >= 300_000 ? 'met' : 'MISSED');
  const report = (label: string, r: ServeResult): void => {
    console.log(
      `  ${label}: serve ${serve.toLocaleString('en-US')} fielded members over loopback, ${runs} runs, medians (target ≥ 300,000/s):`,
    );
    console.log(
      `    groups.getMembers pages of 1000: wall ${fmt(median(r.pageWall))}/s [${r.pageWall.map(fmt).join(', ')}] ${verdict(median(r.pageWall))}; per ${r.cpuLabel} CPU-second ${fmt(median(r.pageCpu))}/s ${verdict(median(r.pageCpu))}; ${r.bytesPerMember.toFixed(0)} bytes/member on the wire`,
    );
    console.log(
      `    execute 25 × 1000 (vk-io code):  wall ${fmt(median(r.execWall))}/s [${r.execWall.map(fmt).join(', ')}] ${verdict(median(r.execWall))}; per ${r.cpuLabel} CPU-second ${fmt(median(r.execCpu))}/s ${verdict(median(r.execCpu))}`,
    );
    console.log(
      `    execute, the pull's columns script: wall ${fmt(median(r.colsWall))}/s [${r.colsWall.map(fmt).join(', ')}] ${verdict(median(r.colsWall))}; per ${r.cpuLabel} CPU-second ${fmt(median(r.colsCpu))}/s ${verdict(median(r.colsCpu))}; ${r.colsBytesPerMember.toFixed(0)} bytes/member on the wire`,
    );
  };

  const emu = await startEmulator({
    members: Math.max(serve, 1000),
    rateLimitPerSecond: 0,
    maxResponseBytes: 1 << 30,
  });
  try {
    const ownCpu = (): number => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1e6;
    };
    report(
      'in-process',
      await serveBench(emu.base, emu.token, emu.screenName, emu.groupId, serve, runs, ownCpu, 'process'),
    );
  } finally {
    await emu.close();
  }

  const cli = path.resolve(__dirname, '..', 'src', 'cli', 'emulator.js');
  if (fs.existsSync('/proc/self/stat') && fs.existsSync(cli)) {
    const child = spawn(
      process.execPath,
      [
        cli,
        '--members',
        String(Math.max(serve, 1000)),
        '--rate-limit',
        '0',
        '--max-response-bytes',
        String(1 << 30),
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      const info = await new Promise<{ base: string; token: string; screen_name: string; group_id: number }>(
        (resolve, reject) => {
          let out = '';
          child.stdout!.on('data', (d: Buffer) => {
            out += d.toString();
            if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]));
          });
          child.on('close', (code) =>
            reject(new Error(`the emulator CLI exited (${code}) before printing its address`)),
          );
        },
      );
      const ticks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
      const childCpu = (): number => {
        // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name): utime, stime in ticks.
        const stat = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return (Number(f[11]) + Number(f[12])) / ticks;
      };
      report(
        'separate process (npm run emulator)',
        await serveBench(
          info.base,
          info.token,
          info.screen_name,
          info.group_id,
          serve,
          runs,
          childCpu,
          'emulator',
        ),
      );
    } finally {
      child.kill('SIGTERM');
    }
  }
  console.log(
    `  load average now ${os.loadavg()[0].toFixed(1)}: wall-clock rates on a busy shared machine understate the emulator`,
  );
}

interface ServeResult {
  pageWall: number[];
  pageCpu: number[];
  execWall: number[];
  execCpu: number[];
  colsWall: number[];
  colsCpu: number[];
  bytesPerMember: number;
  colsBytesPerMember: number;
  cpuLabel: string;
}

async function serveBench(
  base: string,
  token: string,
  screenName: string,
  groupId: number,
  serve: number,
  runs: number,
  cpuSec: () => number,
  cpuLabel: string,
): Promise<ServeResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const r: ServeResult = {
    pageWall: [],
    pageCpu: [],
    execWall: [],
    execCpu: [],
    colsWall: [],
    colsCpu: [],
    bytesPerMember: 0,
    colsBytesPerMember: 0,
    cpuLabel,
  };
  const fieldsCsv = MEMBER_FIELDS.join(',');
  const offsets = (step: number): number[] =>
    Array.from({ length: Math.ceil(serve / step) }, (_, k) => k * step);
  const form = (params: Record<string, string>): string =>
    new URLSearchParams({ ...params, v: '5.199', access_token: token }).toString();
  // The three request sequences, built before timing: pages of 1000; vk-io's execute loop
  // (25 × 1000 per request); the pull's columns script, whose executes start one member
  // before where the previous one ended (25 calls of 1000 overlapping by one: 24,975 new
  // members each).
  const pageUrl = new URL(`${base}/groups.getMembers`);
  const execUrl = new URL(`${base}/execute`);
  const code = vkIoExecuteCode(
    'groups.getMembers',
    { group_id: screenName, count: 1000, fields: [...MEMBER_FIELDS] },
    25,
  );
  const pages = offsets(1000).map((o) =>
    form({ group_id: screenName, offset: String(o), count: '1000', fields: fieldsCsv }),
  );
  const execs = offsets(25_000).map((o) =>
    form({ code, offset: String(o), received: String(o), total: String(serve) }),
  );
  const cols = offsets(24_975).map((o) =>
    form({
      code: membersScript({
        groupId,
        start: Math.max(0, o - 1),
        page: 1000,
        overlap: 1,
        calls: 25,
        fields: MEMBER_FIELDS,
        shape: 'columns',
      }),
    }),
  );
  /** Sends `bodies` one after the other; members per wall second and per CPU second, bytes per member. */
  const timed = async (
    url: URL,
    bodies: string[],
  ): Promise<{ wall: number; cpu: number; bytesPerMember: number }> => {
    let bytes = 0;
    const t = performance.now();
    const c = cpuSec();
    for (const body of bodies) {
      const a = await post(agent, url, body);
      if (a.status !== 200 || !a.text.startsWith('{"response"'))
        throw new Error(`unexpected answer: ${a.status} ${a.text}`);
      bytes += a.bytes;
    }
    return {
      wall: serve / ((performance.now() - t) / 1000),
      cpu: serve / Math.max(1e-3, cpuSec() - c),
      bytesPerMember: bytes / serve,
    };
  };
  try {
    for (let run = 0; run < runs; run++) {
      const p = await timed(pageUrl, pages);
      r.pageWall.push(p.wall);
      r.pageCpu.push(p.cpu);
      r.bytesPerMember = p.bytesPerMember;
      const e = await timed(execUrl, execs);
      r.execWall.push(e.wall);
      r.execCpu.push(e.cpu);
      const k = await timed(execUrl, cols);
      r.colsWall.push(k.wall);
      r.colsCpu.push(k.cpu);
      r.colsBytesPerMember = k.bytesPerMember;
    }
  } finally {
    agent.destroy();
  }
  return r;
}

main().catch((e) => {
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
});
