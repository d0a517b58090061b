/**
 * `npm run pull -- --group <id|screen_name> [--out DIR]` — pull a community's members into
 * a snapshot directory. Environment: VK_TOKEN (required), VK_API_BASE (default
 * https://api.vk.com/method). Progress on stderr, summary on stdout. See USAGE for the
 * exit codes.
 */
import * as path from 'node:path';
import { AbortedError } from '../vk/clock';
import { DEFAULT_VK_API_BASE } from '../vk/client';
import { VkApiError, VkError, VkNetworkError, VkRetryExhaustedError, redact } from '../vk/errors';
import { normaliseGroupArg } from '../vk/group';
import { pullMembers, type PullProgress } from '../vk/members';
import { progressLine } from '../vk/progress';
import { SnapshotError } from '../snapshot/manifest';
import { findRepoRoot } from '../util/repo-root';
import { MemberConversionError } from '../snapshot/member-row';
import { PagingError } from '../vk/pager';

export const EXIT = {
  OK: 0,
  UNEXPECTED: 1,
  USAGE: 2,
  ACCESS: 3,
  NETWORK: 4,
  SNAPSHOT: 5,
  INTERRUPTED: 130,
} as const;

const USAGE = `usage: npm run pull -- --group <id|screen_name> [--out DIR] [options]

Pulls every member of a VK community into DIR (default data/snapshots/vk-<group>, where
the notebooks look for it when VK_GROUP=<group>):
members.arrow (Arrow IPC file) + manifest.json. Interrupted pulls resume when the same
command is run again.

environment:
  VK_TOKEN      VK access token (required; a user token allows execute, 25k members a request)
  VK_API_BASE   API base URL (default ${DEFAULT_VK_API_BASE}; the emulator prints its own)

options:
  --group G     community id or screen name (also club123, https://vk.com/name)
  --out DIR     snapshot directory
  --rate N      requests per second for the token (default 3; 0 = unlimited)
  --calls N     API calls per execute, 1..25 (default 25)
  --in-flight N requests sent ahead while answers are still coming, 1..8 (default 3;
                more helps when the API answers slower than the rate limit spaces requests)
  --plain       do not use execute (plain groups.getMembers calls)
  --quiet       no progress line
  --help

exit codes:
  0    snapshot complete (or already complete in DIR)
  1    unexpected error (a bug: please report it)
  2    usage: bad arguments or VK_TOKEN missing
  3    VK refused: bad/expired token (5), captcha (14), hidden members (15), unknown
       community (100/125), closed community (203), deleted owner (18), quota (29)
  4    network / API unavailable after bounded retries, or malformed answers (run again to resume)
  5    snapshot directory problem (another pull in DIR, damaged files)
  130  interrupted (Ctrl-C / SIGTERM): run the same command again to resume
`;

interface Args {
  group?: string;
  out?: string;
  rate?: number;
  calls?: number;
  inFlight?: number;
  plain: boolean;
  quiet: boolean;
  help: boolean;
}

class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): Args {
  const args: Args = { plain: false, quiet: false, help: false };
  const value = (i: number, name: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} needs a value`);
    return v;
  };
  const num = (v: string, name: string, min: number, max: number): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max)
      throw new UsageError(`${name} must be a number from ${min} to ${max}, got ${JSON.stringify(v)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const [name, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const take = (): string => {
      if (inline !== undefined) return inline;
      const v = value(i, name);
      i++;
      return v;
    };
    switch (name) {
      case '--group':
        args.group = take();
        break;
      case '--out':
        args.out = take();
        break;
      case '--rate':
        args.rate = num(take(), '--rate', 0, 1000);
        break;
      case '--calls':
        args.calls = num(take(), '--calls', 1, 25);
        if (!Number.isInteger(args.calls)) throw new UsageError('--calls must be a whole number');
        break;
      case '--in-flight':
        args.inFlight = num(take(), '--in-flight', 1, 8);
        if (!Number.isInteger(args.inFlight)) throw new UsageError('--in-flight must be a whole number');
        break;
      case '--plain':
        args.plain = true;
        break;
      case '--quiet':
        args.quiet = true;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      default:
        throw new UsageError(`unknown argument ${JSON.stringify(a)}`);
    }
  }
  return args;
}

/** Exit code for an error. */
export function exitCodeFor(e: unknown): number {
  if (e instanceof UsageError) return EXIT.USAGE;
  if (e instanceof AbortedError) return EXIT.INTERRUPTED;
  if (e instanceof SnapshotError) return EXIT.SNAPSHOT;
  if (e instanceof VkRetryExhaustedError) return EXIT.NETWORK;
  if (e instanceof VkNetworkError) return EXIT.NETWORK;
  if (e instanceof VkApiError) return EXIT.ACCESS;
  // A malformed answer (unsorted, id-less or unconvertible members) is the API's fault too.
  if (e instanceof VkError || e instanceof PagingError || e instanceof MemberConversionError)
    return EXIT.NETWORK;
  return EXIT.UNEXPECTED;
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const token = env.VK_TOKEN ?? '';
  const say = (s: string) => process.stderr.write(redact(s, token) + '\n');
  let args: Args;
  try {
    args = parseArgs(argv);
    if (args.help) {
      process.stdout.write(USAGE);
      return EXIT.OK;
    }
    if (!args.group) throw new UsageError('--group is required (a community id or screen name)');
    normaliseGroupArg(args.group);
  } catch (e) {
    say(`error: ${(e as Error).message}\n\n${USAGE}`);
    return EXIT.USAGE;
  }
  if (token.trim() === '') {
    say(
      'error: VK_TOKEN is not set. Export a VK access token (a user token: execute makes the pull 25× faster), e.g. `VK_TOKEN=... npm run pull -- --group apiclub`; to try the tool without VK, start the emulator (`npm run emulator`) and use the token and VK_API_BASE it prints.',
    );
    return EXIT.USAGE;
  }
  const base =
    env.VK_API_BASE && env.VK_API_BASE.trim() !== '' ? env.VK_API_BASE.trim() : DEFAULT_VK_API_BASE;
  // Default: where the notebooks look for this community (STUDY_SNAPSHOT's default with VK_GROUP).
  const out =
    args.out !== undefined
      ? path.resolve(args.out)
      : path.join(
          findRepoRoot(),
          'data',
          'snapshots',
          `vk-${args.group.trim().replace(/[^A-Za-z0-9_.-]/g, '_')}`,
        );

  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  const onProgress = (p: PullProgress) => {
    if (args.quiet) return;
    const now = Date.now();
    const final = p.etaSec === 0;
    if (tty) process.stderr.write(`\r${progressLine(p)}\x1b[K${final ? '\n' : ''}`);
    else if (final || now - lastLine >= 2000) {
      process.stderr.write(progressLine(p) + '\n');
      lastLine = now;
    }
  };
  try {
    const r = await pullMembers({
      token,
      base,
      group: args.group,
      out,
      rateLimit: args.rate,
      callsPerExecute: args.calls,
      inFlight: args.inFlight,
      mode: args.plain ? 'plain' : 'auto',
      signal: controller.signal,
      onProgress,
      onNotice: (m) => say(`pull: ${m}`),
    });
    const m = r.manifest;
    const lines = r.alreadyComplete
      ? [
          `snapshot already complete: ${r.dir} (${m.counts.rows_written} members of ${m.group.screen_name}, pulled ${m.snapshot_time}); use --out for a new one`,
        ]
      : [
          `snapshot complete: ${r.dir}`,
          `  group        ${m.group.name} (${m.group.screen_name}, id ${m.group.id})${m.source.kind === 'synthetic' ? ' — SYNTHETIC community from the emulator' : ''}`,
          `  members      ${m.counts.rows_written} written; VK reported ${m.counts.reported_at_start} at start, ${m.counts.reported_at_end} at end`,
          `  this run     ${r.rowsThisRun} members in ${(r.timings.totalMs / 1000).toFixed(1)} s${r.resumed ? ' (resumed)' : ''}, ${r.requests} requests (${r.mode}${r.mode === 'execute' ? `, ${r.callsPerExecute} calls each` : ''}), ${r.retrySummary}`,
          `  files        ${m.files.members}, manifest.json`,
        ];
    process.stdout.write(redact(lines.join('\n'), token) + '\n');
    return EXIT.OK;
  } catch (e) {
    const code = exitCodeFor(e);
    if (code === EXIT.INTERRUPTED) {
      say(`\npull: interrupted; what was written is kept in ${out} — run the same command again to resume.`);
    } else {
      const msg = e instanceof Error ? e.message : String(e);
      say(`\nerror: ${msg}`);
      if (code === EXIT.NETWORK) say(`pull: the pull can be resumed: run the same command again.`);
      if (code === EXIT.UNEXPECTED && e instanceof Error && e.stack) say(e.stack);
    }
    return code;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

// Run when executed directly or through scripts/run-cli.js (which require()s this file).
if (require.main === module || path.resolve(process.argv[1] ?? '') === __filename) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`error: ${redact(String(e), process.env.VK_TOKEN ?? '')}\n`);
      process.exitCode = EXIT.UNEXPECTED;
    },
  );
}
