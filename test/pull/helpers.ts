/** Shared helpers for the emulator-backed pull tests. */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../../src/emulator/index';
import { readSnapshot } from '../../src/snapshot/read';
import { MEMBER_FIELDS, MEMBER_COLUMNS } from '../../src/snapshot/schema';
import { toMemberRow } from '../../src/snapshot/member-row';

export const CLI = path.resolve(__dirname, '../../src/cli/pull.js');

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `vkas-${prefix}-`));
}

/** A fixed clock so the same community is generated whatever the wall time. */
export function emulator(opts: Partial<EmulatorOptions> & { members: number }): Promise<EmulatorHandle> {
  return startEmulator({ rateLimitPerSecond: 0, now: () => Date.UTC(2026, 10, 1), ...opts });
}

export function snapshotIds(dir: string): number[] {
  return Array.from(readSnapshot(dir).table.array('id') as Int32Array);
}

/** The snapshot holds exactly the emulator's members, and every stored value is right. */
export function expectTruth(dir: string, emu: EmulatorHandle, checkValuesEvery = 1): void {
  const { table, manifest } = readSnapshot(dir);
  const ids = Array.from(table.array('id') as Int32Array);
  const truth = Array.from(emu.truth.memberIds());
  expect(ids.length, 'row count').to.equal(truth.length);
  expect(ids).to.deep.equal(truth);
  expect(manifest.counts.rows_written).to.equal(truth.length);
  const cols = MEMBER_COLUMNS.map((c) => [c.name, table.array(c.name) as ArrayLike<unknown>] as const);
  for (let i = 0; i < ids.length; i += checkValuesEvery) {
    const want = toMemberRow(emu.truth.user(ids[i], MEMBER_FIELDS));
    for (const [name, col] of cols) {
      if (col[i] !== want[name])
        throw new Error(
          `member ${ids[i]} column ${name}: stored ${String(col[i])}, truth ${String(want[name])}`,
        );
    }
  }
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  done: Promise<CliRun>;
  /** SIGKILL: no handler runs, the process stops wherever it is. */
  kill(): void;
  signal(sig: NodeJS.Signals): void;
}

/** Start the pull CLI in a child process (only PATH and `env` in its environment). */
export function startCli(args: string[], env: Record<string, string>): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    done,
    kill: () => {
      child.kill('SIGKILL');
    },
    signal: (sig) => {
      child.kill(sig);
    },
  };
}

export function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return startCli(args, env).done;
}

/** Every file under `dir`, recursively, as bytes. */
export function allFiles(dir: string): { file: string; bytes: Buffer }[] {
  if (!fs.existsSync(dir)) return [];
  const out: { file: string; bytes: Buffer }[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...allFiles(p));
    else out.push({ file: p, bytes: fs.readFileSync(p) });
  }
  return out;
}
