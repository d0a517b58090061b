/**
 * `npm run emulator -- [--port N] [--members N] [--seed N] [--rate-limit N]`
 *
 * Serves the synthetic community on 127.0.0.1 and prints ONE JSON line
 * `{"base":...,"group_id":...,"screen_name":...,"token":...}` then serves until SIGINT /
 * SIGTERM. Printing the token is the contract: it is a random local fake token, valid
 * only for this emulator process, never a VK credential.
 */
import { startEmulator } from '../emulator';
import { CliOptions, parseEmulatorArgs } from '../emulator/cli-args';

async function main(): Promise<void> {
  let opts: CliOptions;
  try {
    opts = parseEmulatorArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`error: ${(err as Error).message}`);
    process.exit(2);
  }
  const emu = await startEmulator({
    members: opts.members, seed: opts.seed, port: opts.port, rateLimitPerSecond: opts.rateLimitPerSecond,
  });
  process.stdout.write(
    JSON.stringify({ base: emu.base, group_id: emu.groupId, screen_name: emu.screenName, token: emu.token }) + '\n',
  );
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
