/**
 * `npm run emulator -- [--port N] [--members N] [--seed N] [--bot-share S] [--followers-zero-share S] [--rate-limit N] [--max-response-bytes N] [--truth FILE]`
 *
 * Serves the synthetic community on 127.0.0.1 and prints ONE JSON line
 * `{"base":...,"group_id":...,"screen_name":...,"token":...}` then serves until SIGINT /
 * SIGTERM. Printing the token is the contract: it is a random local fake token, valid
 * only for this emulator process, never a VK credential.
 */
import { startEmulator } from '../emulator';
import { emulatorCommand, emulatorOptions, type CliOptions } from '../emulator/cli-args';
import { EXIT, runCommand } from './command';
import { writeJsonAtomic } from '../util/atomic-write';

async function serve(opts: CliOptions): Promise<number> {
  const emu = await startEmulator({
    members: opts.members,
    seed: opts.seed,
    botShare: opts.botShare,
    followersZeroShare: opts.followersZeroShare,
    port: opts.port,
    rateLimitPerSecond: opts.rateLimitPerSecond,
    maxResponseBytes: opts.maxResponseBytes,
    onAdvance:
      opts.truthFile === null ? undefined : (emu) => writeJsonAtomic(opts.truthFile!, emu.truth.json()),
  });
  if (opts.truthFile !== null) writeJsonAtomic(opts.truthFile, emu.truth.json());
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
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  try {
    await emu.close();
  } catch (err) {
    throw new Error(`could not stop cleanly on ${signal}: ${(err as Error).message}`, { cause: err });
  }
  return EXIT.OK;
}

// process.exit, not exitCode: the server's sockets and worker must not keep the process up.
if (require.main === module)
  void runCommand(emulatorCommand, process.argv.slice(2), (v) => serve(emulatorOptions(v))).then((code) =>
    process.exit(code),
  );
