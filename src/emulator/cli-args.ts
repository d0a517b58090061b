/** Command-line arguments of `npm run emulator` (src/cli/emulator.ts), parsed without side effects. */
import { EXIT, decimalNumber, defineCommand, outputFile, wholeNumber, type Values } from '../cli/command';
import { DEFAULT_BOT_SHARE_OF_LIVE, DEFAULT_FOLLOWERS_ZERO_SHARE } from './truth';

export interface CliOptions {
  port: number;
  members: number;
  seed: number;
  botShare: number;
  followersZeroShare: number;
  rateLimitPerSecond: number;
  maxResponseBytes: number;
  /** Where to write the truth (communities, overlaps, bots, the model) as JSON; null: nowhere. */
  truthFile: string | null;
}

// Defaults: a 100k community (fast to start; the study's size is --members 2500000),
// VK's user-token limit of 3 requests/s and VK's 5 MB execute answer limit.
const DEFAULTS: CliOptions = {
  port: 0,
  members: 100_000,
  seed: 1,
  botShare: DEFAULT_BOT_SHARE_OF_LIVE,
  followersZeroShare: DEFAULT_FOLLOWERS_ZERO_SHARE,
  rateLimitPerSecond: 3,
  maxResponseBytes: 5 * 1024 * 1024,
  truthFile: null,
};

export const emulatorCommand = defineCommand({
  name: 'emulator',
  synopsis:
    '[--port N] [--members N] [--seed N] [--bot-share S] [--followers-zero-share S] [--rate-limit N] [--max-response-bytes N] [--truth FILE]',
  about: `Serves a synthetic VK community on 127.0.0.1 and prints one JSON line with base, group_id,
screen_name and token (a local fake token), then serves until Ctrl-C / SIGTERM.
Pull from it: VK_API_BASE=<base> VK_TOKEN=<token> npm run pull -- --group <screen_name>`,
  options: {
    port: {
      type: 'string',
      value: 'N',
      read: wholeNumber({ min: 0, max: 65535 }),
      help: 'port on 127.0.0.1 (default 0: any free port)',
    },
    members: {
      type: 'string',
      value: 'N',
      read: wholeNumber({ min: 1 }),
      help: `members of the synthetic community (default ${DEFAULTS.members}; the study's size is 2500000)`,
    },
    seed: {
      type: 'string',
      value: 'N',
      read: wholeNumber({ min: 0 }),
      help: `generator seed (default ${DEFAULTS.seed})`,
    },
    'bot-share': {
      type: 'string',
      value: 'S',
      read: decimalNumber({ min: 0, max: 1 }),
      help: `share of live members that are bots, 0..1 (default ${DEFAULTS.botShare})`,
    },
    'followers-zero-share': {
      type: 'string',
      value: 'S',
      read: decimalNumber({ min: 0, max: 1 }),
      help: `share of live members whose followers_count is a structural zero (brms's zi), 0..1 (default ${DEFAULTS.followersZeroShare}: no zero inflation)`,
    },
    'rate-limit': {
      type: 'string',
      value: 'N',
      read: wholeNumber({ min: 0 }),
      help: `requests per second per token, as VK limits them (default ${DEFAULTS.rateLimitPerSecond}; 0 = unlimited)`,
    },
    'max-response-bytes': {
      type: 'string',
      value: 'N',
      read: wholeNumber({ min: 1 }),
      help: "largest execute answer before VK's error 13 (default 5 MB)",
    },
    truth: {
      type: 'string',
      value: 'FILE',
      read: outputFile(),
      help: 'write the truth (communities, shares, exact overlaps, bots, model) as JSON; rewritten after each POST /control/advance',
    },
  },
  exits: [
    [EXIT.OK, 'stopped by Ctrl-C / SIGTERM'],
    [EXIT.FAILED, 'could not start or stop the server (e.g. the port is taken)'],
    [EXIT.USAGE, 'usage: bad arguments'],
  ],
});

export function parseEmulatorArgs(argv: readonly string[]): CliOptions {
  return emulatorOptions(emulatorCommand.parse(argv));
}

export function emulatorOptions(v: Values<typeof emulatorCommand.spec.options>): CliOptions {
  return {
    port: v.port ?? DEFAULTS.port,
    members: v.members ?? DEFAULTS.members,
    seed: v.seed ?? DEFAULTS.seed,
    botShare: v['bot-share'] ?? DEFAULTS.botShare,
    followersZeroShare: v['followers-zero-share'] ?? DEFAULTS.followersZeroShare,
    rateLimitPerSecond: v['rate-limit'] ?? DEFAULTS.rateLimitPerSecond,
    maxResponseBytes: v['max-response-bytes'] ?? DEFAULTS.maxResponseBytes,
    truthFile: v.truth ?? DEFAULTS.truthFile,
  };
}
