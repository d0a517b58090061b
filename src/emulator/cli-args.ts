/** Command-line arguments of `npm run emulator` (src/cli/emulator.ts), parsed without side effects. */

export interface CliOptions {
  port: number;
  members: number;
  seed: number;
  rateLimitPerSecond: number;
  maxResponseBytes: number;
}

export const USAGE =
  'usage: npm run emulator -- [--port N] [--members N] [--seed N] [--rate-limit N] [--max-response-bytes N]';

export function parseEmulatorArgs(argv: readonly string[]): CliOptions {
  // Defaults: a 100k community (fast to start; the study's size is --members 2500000),
  // VK's user-token limit of 3 requests/s and VK's 5 MB execute answer limit.
  const out: CliOptions = {
    port: 0,
    members: 100_000,
    seed: 1,
    rateLimitPerSecond: 3,
    maxResponseBytes: 5 * 1024 * 1024,
  };
  const names: Record<string, keyof CliOptions> = {
    '--port': 'port',
    '--members': 'members',
    '--seed': 'seed',
    '--rate-limit': 'rateLimitPerSecond',
    '--max-response-bytes': 'maxResponseBytes',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const key = names[flag];
    if (!key) throw new Error(`unknown argument "${arg}". ${USAGE}`);
    const raw = inline ?? argv[++i];
    if (raw === undefined) throw new Error(`${flag} needs a value. ${USAGE}`);
    const value = Number(raw.replace(/_/g, ''));
    if (!Number.isInteger(value) || value < 0)
      throw new Error(`${flag} must be a whole number >= 0, got "${raw}"`);
    if (key === 'members' && value < 1) throw new Error(`--members must be at least 1, got "${raw}"`);
    if (key === 'maxResponseBytes' && value < 1)
      throw new Error(`--max-response-bytes must be at least 1, got "${raw}"`);
    out[key] = value;
  }
  return out;
}
