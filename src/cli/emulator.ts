/**
 * `npm run emulator -- [--port N] [--members N] [--seed N] [--rate-limit N] [--max-response-bytes N]`
 *
 * Serves the synthetic community on 127.0.0.1 and prints ONE JSON line
 * `{"base":...,"group_id":...,"screen_name":...,"token":...}` then serves until SIGINT /
 * SIGTERM. Printing the token is the contract: it is a random local fake token, valid
 * only for this emulator process, never a VK credential.
 */
import { startEmulator } from '../emulator';
import { CliOptions, USAGE, parseEmulatorArgs } from '../emulator/cli-args';

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(
      `${USAGE}\n\nServes a synthetic VK community on 127.0.0.1 and prints one JSON line with base, group_id,\nscreen_name and token (a local fake token), then serves until Ctrl-C / SIGTERM.\nPull from it: VK_API_BASE=<base> VK_TOKEN=<token> npm run pull -- --group <screen_name>`,
    );
    return;
  }
  let opts: CliOptions;
  try {
    opts = parseEmulatorArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`error: ${(err as Error).message}`);
    process.exit(2);
  }
  const emu = await startEmulator({
    members: opts.members,
    seed: opts.seed,
    port: opts.port,
    rateLimitPerSecond: opts.rateLimitPerSecond,
    maxResponseBytes: opts.maxResponseBytes,
  });
  process.stdout.write(
    JSON.stringify({ base: emu.base, group_id: emu.groupId, screen_name: emu.screenName, token: emu.token }) +
      '\n',
  );
  // Not fatal (the server then generates members per request: slower, the same answers), but told.
  void emu.store?.whenFilled().then(() => {
    const err = emu.store?.error();
    if (err)
      console.error(
        `emulator: the worker generating the community ahead stopped (${err.message}); members are generated per request instead`,
      );
  });
  const stop = (signal: string): void => {
    emu.close().then(
      () => process.exit(0),
      (err) => {
        console.error(`error while stopping on ${signal}: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

// Runs on load: scripts/run-cli.js require()s this file, so `require.main` is the launcher.
main().catch((err) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
