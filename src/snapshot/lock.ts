/**
 * One writer per snapshot directory: `.pull-partial/lock` names the process writing it.
 *
 * A lock whose process is gone is taken over. "Gone" includes a zombie: a killed process
 * whose parent has not reaped it yet (PID 1 in a container without an init, a supervisor
 * that never waits, or just the moment after a kill) still answers `kill(pid, 0)`, but it
 * runs no code and holds no file open. So on Linux the lock records the process's start
 * time too, and liveness is read from /proc/<pid>/stat: no entry, state Z (zombie) or X
 * (dead), or another start time (the pid was reused) — the writer is dead. A live writer,
 * stopped or sleeping included, always holds the directory. Without /proc (macOS) only
 * `kill(pid, 0)` can tell, zombies included.
 *
 * The lock is created with its content in one step (a temporary file hard-linked to the
 * lock's name), so no reader ever sees an empty lock and takes it for a stale one.
 */
import * as fs from 'node:fs';
import { tempPathFor } from '../util/atomic-write';
import { SnapshotError } from './manifest';

export interface LockOwner {
  pid: number;
  /** Start time of the process in clock ticks since boot (/proc/<pid>/stat field 22); null when unknown. */
  start: string | null;
}

/** State and start time of a process from /proc/<pid>/stat; null when there is no /proc at all. */
function procStat(pid: number): { state: string; start: string } | 'gone' | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') return fs.existsSync('/proc/self/stat') ? 'gone' : null;
    return null;
  }
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); field 22 (starttime) is rest[19].
  return { state: rest[0], start: rest[19] };
}

/** The identity of this process, as written into the lock. */
export function currentOwner(): LockOwner {
  const st = procStat(process.pid);
  return { pid: process.pid, start: st && st !== 'gone' ? st.start : null };
}

/** Is the process that wrote `owner` still running (and able to write)? */
export function ownerAlive(owner: LockOwner): boolean {
  const st = procStat(owner.pid);
  if (st === 'gone') return false;
  if (st !== null) {
    if (st.state === 'Z' || st.state === 'X' || st.state === 'x') return false;
    return owner.start === null || owner.start === st.start;
  }
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock's owner; a bare pid (older locks) has no start time; null when unreadable. */
export function parseLock(text: string): LockOwner | null {
  const t = text.trim();
  const m = /^(\d+)(?: (\d+))?$/.exec(t);
  if (!m) return null;
  const pid = Number(m[1]);
  return pid > 0 && Number.isSafeInteger(pid) ? { pid, start: m[2] ?? null } : null;
}

function formatLock(o: LockOwner): string {
  return o.start === null ? String(o.pid) : `${o.pid} ${o.start}`;
}

function readOwner(lock: string): LockOwner | null | 'none' {
  try {
    return parseLock(fs.readFileSync(lock, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
    throw e;
  }
}

/** Create `lock` holding `content`, atomically; false when it exists already. */
function createWith(lock: string, content: string): boolean {
  const tmp = tempPathFor(lock);
  try {
    fs.writeFileSync(tmp, content, { mode: 0o644 });
    fs.linkSync(tmp, lock);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** A process killed a moment ago may not have ended yet: how long its lock is watched. */
const EXIT_GRACE_MS = 1000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Alive now and still after the grace period (a writer being killed is let go). */
function stillAlive(owner: LockOwner): boolean {
  for (const t0 = Date.now(); ownerAlive(owner); sleepSync(50)) {
    if (Date.now() - t0 >= EXIT_GRACE_MS) return true;
  }
  return false;
}

/**
 * Take the lock of the snapshot directory `dir` (the lock file `lock`): a lock left by a
 * dead process is taken over, a live one is a SnapshotError naming it.
 */
export function acquireLock(lock: string, dir: string): void {
  const me = currentOwner();
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createWith(lock, formatLock(me))) return;
    const owner = readOwner(lock);
    if (owner === 'none') continue; // released meanwhile
    if (owner !== null && owner.pid !== process.pid && stillAlive(owner)) {
      throw new SnapshotError(
        `another pull (process ${owner.pid}) is writing ${dir}; wait for it to finish or stop it, or use another --out directory.`,
      );
    }
    fs.rmSync(lock, { force: true });
  }
  throw new SnapshotError(`cannot take the lock ${lock}; another pull may be starting in ${dir}.`);
}

export function releaseLock(lock: string): void {
  fs.rmSync(lock, { force: true });
}
