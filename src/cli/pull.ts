/**
 * `npm run pull -- --group <id|screen_name> [--out DIR]` — pull a community's members into
 * a snapshot directory. Environment: VK_TOKEN (required), VK_API_BASE (default
 * https://api.vk.com/method). Progress on stderr, summary on stdout; `--help` lists the
 * options and exit codes.
 */
import * as path from 'node:path';
import { AbortedError } from '../vk/clock';
import { DEFAULT_VK_API_BASE } from '../vk/client';
import { VkApiError, VkError, VkNetworkError, VkRetryExhaustedError, redact } from '../vk/errors';
import { normaliseGroupArg } from '../vk/group';
import { pullMembers, type PullProgress } from '../vk/members';
import { progressLine } from '../vk/progress';
import { SnapshotError } from '../snapshot/manifest';
import { MemberConversionError } from '../snapshot/member-row';
import { PagingError } from '../vk/pager';
import { describeSample } from '../compare/sample';
import { vkSnapshotDir } from '../notebook/params';
import { EnvError, envText, envUrl, type Env } from '../util/env';
import { findRepoRoot } from '../util/repo-root';
import {
  EXIT,
  UsageError,
  decimalNumber,
  defineCommand,
  runCommand,
  wholeNumber,
  type Values,
} from './command';

export const pullCommand = defineCommand({
  name: 'pull',
  synopsis: '--group <id|screen_name> [--out DIR] [--sample N [--seed S]] [options]',
  about: `Pulls every member of a VK community into DIR (default data/snapshots/vk-<group>, where
the notebooks look for it when VK_GROUP=<group>):
members.arrow (Arrow IPC file) + manifest.json. Interrupted pulls resume when the same
command is run again. With --sample, a random sample of whole pages of 1000 members instead
(default DIR data/snapshots/vk-<group>-sample; the manifest records how it was drawn).`,
  options: {
    group: {
      type: 'string',
      value: 'G',
      required: true,
      read: (raw, flag) => {
        try {
          normaliseGroupArg(raw);
        } catch (e) {
          throw new UsageError((e as Error).message.replace(/^--group/, flag));
        }
        return raw;
      },
      help: 'community id or screen name (also club123, https://vk.com/name)',
    },
    out: { type: 'string', value: 'DIR', help: 'snapshot directory' },
    rate: {
      type: 'string',
      value: 'N',
      read: decimalNumber({ min: 0, max: 1000 }),
      help: 'requests per second for the token (default 3; 0 = unlimited)',
    },
    calls: {
      type: 'string',
      value: 'N',
      read: wholeNumber({ min: 1, max: 25 }),
      help: 'API calls per execute, 1..25 (default 25)',
    },
    'in-flight': {
      type: 'string',
      value: 'N',
      read: wholeNumber({ min: 1, max: 8 }),
      help: 'requests sent ahead while answers are still coming, 1..8 (default 3;\nmore helps when the API answers slower than the rate limit spaces requests)',
    },
    sample: {
      type: 'string',
      value: 'N',
      read: wholeNumber({ min: 2000 }),
      help: 'read about N members: ⌈N/1000⌉ pages of 1000 consecutive members by id, drawn at\nrandom without replacement (at least 2 pages, for the intervals)',
    },
    seed: {
      type: 'string',
      value: 'S',
      read: wholeNumber({ min: 0, max: 2 ** 31 - 1 }),
      help: 'seed of the --sample draw (default: a random one, recorded in the manifest)',
    },
    plain: { type: 'boolean', help: 'do not use execute (plain groups.getMembers calls)' },
    quiet: { type: 'boolean', help: 'no progress line' },
  },
  sections: [
    {
      title: 'environment',
      lines: [
        'VK_TOKEN      VK access token (required; a user token allows execute, 25k members a request)',
        `VK_API_BASE   API base URL (default ${DEFAULT_VK_API_BASE}; the emulator prints its own)`,
      ],
    },
  ],
  exits: [
    [EXIT.OK, 'snapshot complete (or already complete in DIR)'],
    [EXIT.FAILED, 'unexpected error (a bug: please report it)'],
    [EXIT.USAGE, 'usage: bad arguments, VK_TOKEN missing or VK_API_BASE not an http(s) URL'],
    [
      EXIT.VK_REFUSED,
      'VK refused: bad/expired token (5), captcha (14), hidden members (15), unknown\ncommunity (100/125), closed community (203), deleted owner (18), quota (29)',
    ],
    [
      EXIT.NETWORK,
      'network / API unavailable after bounded retries, or malformed answers (run again to resume)',
    ],
    [
      EXIT.DATA,
      'snapshot directory problem (another pull in DIR, damaged files, another community,\na census and a sample in one DIR)',
    ],
    [EXIT.INTERRUPTED, 'interrupted (Ctrl-C / SIGTERM): run the same command again to resume'],
  ],
  errors: [
    [AbortedError, EXIT.INTERRUPTED],
    [SnapshotError, EXIT.DATA],
    [VkRetryExhaustedError, EXIT.NETWORK],
    [VkNetworkError, EXIT.NETWORK],
    [VkApiError, EXIT.VK_REFUSED],
    // A malformed answer (unsorted, id-less or unconvertible members) is the API's fault too.
    [VkError, EXIT.NETWORK],
    [PagingError, EXIT.NETWORK],
    [MemberConversionError, EXIT.NETWORK],
  ],
});

export async function main(argv: readonly string[], env: Env = process.env): Promise<number> {
  const token = envText(env, 'VK_TOKEN') ?? '';
  return runCommand(pullCommand, argv, (args) => pull(args, env, token), {
    env,
    redact: (s) => redact(s, token),
    advice: (_e, code) =>
      code === EXIT.NETWORK ? 'pull: the pull can be resumed: run the same command again.' : undefined,
  });
}

async function pull(args: Values<typeof pullCommand.spec.options>, env: Env, token: string): Promise<number> {
  const say = (s: string) => process.stderr.write(redact(s, token) + '\n');
  if (token === '') {
    throw new EnvError(
      'VK_TOKEN',
      'VK_TOKEN is not set. Export a VK access token (a user token: execute makes the pull 25× faster), e.g. `VK_TOKEN=... npm run pull -- --group apiclub`; to try the tool without VK, start the emulator (`npm run emulator`) and use the token and VK_API_BASE it prints.',
    );
  }
  if (args.seed !== undefined && args.sample === undefined)
    throw new UsageError('--seed sets the draw of a --sample; give --sample N too (or leave --seed out)');
  const base = envUrl(env, 'VK_API_BASE', DEFAULT_VK_API_BASE);
  // Default: where the notebooks look for this community (STUDY_SNAPSHOT's default with VK_GROUP);
  // a sample beside it, never in the census's directory.
  const out =
    args.out !== undefined
      ? path.resolve(args.out)
      : vkSnapshotDir(findRepoRoot(), args.sample === undefined ? args.group : `${args.group}-sample`);

  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  let lineOpen = false;
  const onProgress = (p: PullProgress) => {
    if (args.quiet) return;
    const now = Date.now();
    const final = p.etaSec === 0;
    if (tty) {
      process.stderr.write(`\r${progressLine(p)}\x1b[K${final ? '\n' : ''}`);
      lineOpen = !final;
    } else if (final || now - lastLine >= 2000) {
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
      inFlight: args['in-flight'],
      mode: args.plain ? 'plain' : 'auto',
      sample: args.sample === undefined ? undefined : { members: args.sample, seed: args.seed ?? null },
      signal: controller.signal,
      onProgress,
      onNotice: (m) => say(`pull: ${m}`),
    });
    const m = r.manifest;
    const lines = r.alreadyComplete
      ? [
          `snapshot already complete: ${r.dir} (${m.sample ? describeSample(m.sample) : `${m.counts.rows_written} members`} of ${m.group.screen_name}, pulled ${m.snapshot_time}); use --out for a new one`,
        ]
      : [
          `snapshot complete: ${r.dir}`,
          `  group        ${m.group.name} (${m.group.screen_name}, id ${m.group.id})${m.source.kind === 'synthetic' ? ' — SYNTHETIC community from the emulator' : ''}`,
          `  members      ${m.counts.rows_written} written; VK reported ${m.counts.reported_at_start} at start, ${m.counts.reported_at_end} at end`,
          ...(m.sample ? [`  sample       ${describeSample(m.sample)}`] : []),
          `  this run     ${r.rowsThisRun} members in ${(r.timings.totalMs / 1000).toFixed(1)} s${r.resumed ? ' (resumed)' : ''}, ${r.requests} requests (${r.mode}${r.mode === 'execute' ? `, ${r.callsPerExecute} calls each` : ''}), ${r.retrySummary}`,
          `  files        ${m.files.members}, manifest.json`,
        ];
    process.stdout.write(redact(lines.join('\n'), token) + '\n');
    return EXIT.OK;
  } catch (e) {
    if (lineOpen) process.stderr.write('\n');
    if (e instanceof AbortedError) {
      say(`pull: interrupted; what was written is kept in ${out} — run the same command again to resume.`);
      return EXIT.INTERRUPTED;
    }
    throw e;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

if (require.main === module)
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
