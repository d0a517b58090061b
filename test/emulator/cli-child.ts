/**
 * `npm run emulator` as a child process, for the tests that speak to it as a user would:
 * started with the given options, resolved once it printed its one JSON line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

export const EMULATOR_CLI = path.resolve(__dirname, '../../src/cli/emulator.js');

export interface EmulatorChild {
  child: ChildProcess;
  /** The JSON line the emulator printed: where it listens, its community, its token. */
  info: { base: string; group_id: number; screen_name: string; token: string };
  /** The exit code, once the child has closed. */
  exited: Promise<number | null>;
}

export async function startEmulatorCli(args: readonly string[]): Promise<EmulatorChild> {
  const child = spawn(process.execPath, [EMULATOR_CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    child.on('close', () => reject(new Error(`emulator exited before printing: ${stderr}`)));
  });
  return { child, info: JSON.parse(line) as EmulatorChild['info'], exited };
}
