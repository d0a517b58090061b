/**
 * The snapshot directory's disk problems as sentences: a location that cannot hold a
 * snapshot (a file on the way, a read-only filesystem, no permission, a kernel filesystem
 * such as /proc), a full disk, a failing device. Each becomes a `SnapshotError` naming the
 * path and what to do, never an errno with a stack trace.
 *
 * `makeDirs` creates the directory one level at a time. Node's `mkdirSync(…, { recursive:
 * true })` never returns when mkdir answers ENOENT under a parent that exists (it does in
 * /proc and /sys): it retries the parent and the child forever inside one synchronous call,
 * at 100% CPU and deaf to SIGINT and SIGTERM. One level at a time, that answer is an error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SnapshotError } from './manifest';

function codeOf(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | null)?.code;
}

/** Why `what` cannot be written, in words, from an errno code (null: not a disk problem). */
function reason(code: string | undefined): string | null {
  switch (code) {
    case 'EROFS':
      return 'the filesystem is read-only (EROFS)';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code})`;
    case 'ENOSPC':
      return 'no space left on the device (ENOSPC)';
    case 'EDQUOT':
      return 'the disk quota is exhausted (EDQUOT)';
    case 'EIO':
      return 'the device reported an input/output error (EIO)';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a directory (ENOTDIR)';
    case 'EISDIR':
      return 'a directory is in the way (EISDIR)';
    case 'ENAMETOOLONG':
      return 'the path is too long (ENAMETOOLONG)';
    case 'ELOOP':
      return 'the path has a symbolic link loop (ELOOP)';
    case 'EMFILE':
    case 'ENFILE':
      return `too many open files (${code})`;
    case 'EFBIG':
      return 'the file is larger than the filesystem allows (EFBIG)';
    case 'EBUSY':
    case 'ETXTBSY':
      return `the file is busy (${code})`;
    case 'ENOENT':
      return 'a file or directory disappeared while it was in use (ENOENT)';
    default:
      return null;
  }
}

const FULL = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

/** Is `e` the disk being full (the pull can be resumed once there is room)? */
export function isDiskFull(e: unknown): boolean {
  return FULL.has(codeOf(e) ?? '');
}

/**
 * A filesystem error met while working on `file` of the snapshot in `dir`, as a
 * SnapshotError saying what to do. `kept` tells what survives: an unfinished pull that the
 * same command resumes, or nothing. Anything that is not a filesystem error is returned as
 * it is (a bug stays visible as one).
 */
export function diskError(e: unknown, file: string, dir: string, kept: 'resumable' | 'nothing'): unknown {
  if (e instanceof SnapshotError) return e;
  const why = reason(codeOf(e));
  if (why === null) return e;
  const what = `cannot write ${file}: ${why}`;
  const after =
    kept === 'resumable'
      ? 'what was written up to the last checkpoint is kept; run the same command again to resume'
      : 'nothing was kept';
  if (isDiskFull(e))
    return new SnapshotError(`${what}. Free some space on the disk holding ${dir} (${after}).`);
  if (codeOf(e) === 'EROFS' || codeOf(e) === 'EACCES' || codeOf(e) === 'EPERM')
    return new SnapshotError(
      `${what}. Choose a writable --out directory, or fix the permissions of ${dir} (${after}).`,
    );
  return new SnapshotError(`${what}. Check the disk holding ${dir} (${after}).`);
}

/** The nearest existing ancestor of `dir` (or `dir` itself) and the levels missing below it. */
function existingAncestor(dir: string): { found: string; missing: string[] } {
  const missing: string[] = [];
  let at = path.resolve(dir);
  for (;;) {
    let st: fs.Stats;
    try {
      st = fs.statSync(at);
    } catch (e) {
      if (codeOf(e) === 'ENOENT') {
        const up = path.dirname(at);
        if (up === at) throw e;
        missing.unshift(at);
        at = up;
        continue;
      }
      if (codeOf(e) === 'ENOTDIR') throw notADirectory(dir, at);
      throw e;
    }
    if (!st.isDirectory()) throw notADirectory(dir, at);
    return { found: at, missing };
  }
}

function notADirectory(dir: string, at: string): SnapshotError {
  // statSync of a path below a file answers ENOTDIR: name the file itself.
  let file = at;
  while (path.dirname(file) !== file) {
    try {
      if (!fs.statSync(file).isDirectory()) break;
    } catch {
      // not this level
    }
    file = path.dirname(file);
  }
  return new SnapshotError(
    file === path.resolve(dir)
      ? `${dir} is a file, not a directory; --out must name a directory (it is created when missing).`
      : `cannot create the snapshot directory ${dir}: ${file} is a file, not a directory; choose another --out directory.`,
  );
}

/**
 * Can a snapshot be written at `dir`? Tried for real before a pull asks the API for
 * anything — a file created and removed in `dir`, or the first missing level of it created
 * and removed — so a location that cannot hold a snapshot fails at once and is left as it
 * was. (Permission bits cannot tell: root passes `access()` on /proc, whose mkdir fails.)
 */
export function checkWritable(dir: string): void {
  const { found, missing } = existingAncestor(dir);
  const probe = missing.length
    ? () => {
        makeDirs(missing[0], dir);
        fs.rmdirSync(missing[0]);
      }
    : () => {
        const file = path.join(found, `.vkas-probe-${process.pid}`);
        fs.writeFileSync(file, '', { flag: 'wx' });
        fs.rmSync(file);
      };
  try {
    probe();
  } catch (e) {
    if (e instanceof SnapshotError) throw e;
    throw new SnapshotError(
      `cannot write the snapshot directory ${dir}: ${reason(codeOf(e)) ?? (e as Error).message}; choose a writable --out directory.`,
    );
  }
}

/**
 * mkdir -p, one level at a time (see the file comment). Returns the directories it
 * created, outermost first, so that a failed start can remove them again.
 */
export function makeDirs(dir: string, named = dir): string[] {
  const { missing } = existingAncestor(dir);
  const created: string[] = [];
  for (const d of missing) {
    try {
      fs.mkdirSync(d);
      created.push(d);
    } catch (e) {
      if (codeOf(e) === 'EEXIST' && fs.statSync(d).isDirectory()) continue; // made meanwhile
      removeCreated(created);
      if (codeOf(e) === 'ENOENT')
        throw new SnapshotError(
          `cannot create the snapshot directory ${named}: the filesystem holding ${path.dirname(d)} does not allow new directories there (mkdir answered ENOENT, as /proc and /sys do); choose another --out directory.`,
        );
      throw new SnapshotError(
        `cannot create the snapshot directory ${named}: ${reason(codeOf(e)) ?? (e as Error).message}; choose a writable --out directory.`,
      );
    }
  }
  return created;
}

/** Remove directories `makeDirs` created (innermost first), if they are still empty. */
export function removeCreated(created: readonly string[]): void {
  for (const d of [...created].reverse()) {
    try {
      fs.rmdirSync(d);
    } catch {
      // not empty or already gone: leave it
    }
  }
}
