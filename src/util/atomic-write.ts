/**
 * The one atomic write of the project (snapshots, checkpoints, reports, the fit cache, every
 * JSON a command writes): write a temp file in the target's directory, fsync it, rename it
 * over the target, fsync the directory. A reader (or a resumed pull) sees the old file or
 * the new one, never a torn one, and a failure leaves no temp file behind. The target's
 * directory is created when missing.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';

let counter = 0;

/** A temp name next to `target` that no other writer (process or call) picks. */
export function tempPathFor(target: string): string {
  counter = (counter + 1) % 1e9;
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${counter}.tmp`);
}

export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on directories; the rename itself is still atomic.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = tempPathFor(target);
  const fd = fs.openSync(tmp, 'w', 0o644);
  try {
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fsyncDir(path.dirname(target));
}

export function writeJsonAtomic(target: string, value: unknown): void {
  writeFileAtomic(target, JSON.stringify(value, null, 2) + '\n');
}

export async function fsyncDirAsync(dir: string): Promise<void> {
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(dir, 'r');
    await fh.sync();
  } catch {
    // As fsyncDir: some filesystems refuse fsync on directories.
  } finally {
    await fh?.close();
  }
}

/**
 * `writeFileAtomic` with the I/O in libuv's thread pool, so a pull keeps receiving and
 * converting answers while a checkpoint reaches the disk. Same guarantees.
 */
export async function writeFileAtomicAsync(target: string, data: string | Uint8Array): Promise<void> {
  await fsp.mkdir(path.dirname(target), { recursive: true });
  const tmp = tempPathFor(target);
  const fh = await fsp.open(tmp, 'w', 0o644);
  try {
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, target);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  await fsyncDirAsync(path.dirname(target));
}

export function writeJsonAtomicAsync(target: string, value: unknown): Promise<void> {
  return writeFileAtomicAsync(target, JSON.stringify(value, null, 2) + '\n');
}
