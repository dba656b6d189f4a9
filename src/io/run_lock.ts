/**
 * One writer per run: an exclusive lock file per run key, created with O_EXCL and holding the
 * owner's pid, its start time (field 22 of /proc/<pid>/stat, so a reused pid is not mistaken for
 * the owner) and host name. The lock is stale, and is taken over, when its owner is on this host
 * and no longer alive, so a process killed by any signal (SIGKILL included) never blocks a rerun.
 * A lock held on another host (a cluster node on a shared file system) is waited for.
 */
import * as fs from 'fs';
import * as os from 'os';

/** What a lock file records about its owner. */
export interface LockOwner {
  readonly pid: number;
  /** Start time of the process in clock ticks since boot (`/proc/<pid>/stat` field 22); null off Linux. */
  readonly startTicks: string | null;
  readonly host: string;
  /** ISO time the lock was taken. */
  readonly takenAt: string;
}

/** Start time of `pid` (clock ticks since boot), or null when unknown (no /proc); undefined when the process is gone. */
export function processStartTicks(pid: number): string | null | undefined {
  if (!fs.existsSync('/proc/self/stat')) {
    try {
      process.kill(pid, 0);
      return null;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EPERM' ? null : undefined;
    }
  }
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: fields 3.. start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19] ?? null; // field 22 overall = index 19 after the 3rd field
}

/** The owner record of this process. */
export function currentOwner(): LockOwner {
  return { pid: process.pid, startTicks: processStartTicks(process.pid) ?? null, host: os.hostname(), takenAt: new Date().toISOString() };
}

/** Reads a lock file's owner; undefined when the file is missing, null when it is unreadable (torn). */
export function readLockOwner(lockFile: string): LockOwner | null | undefined {
  let text: string;
  try {
    text = fs.readFileSync(lockFile, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const o = JSON.parse(text) as LockOwner;
    return typeof o?.pid === 'number' && typeof o.host === 'string' ? o : null;
  } catch {
    return null;
  }
}

/** A torn lock file (its owner died between creating and writing it) counts as stale after this long. */
const TORN_LOCK_STALE_MS = 10_000;

/** True when `lockFile` exists and its owner is alive (or on another host, where we cannot tell). */
export function isLockHeld(lockFile: string): boolean {
  const owner = readLockOwner(lockFile);
  if (owner === undefined) return false;
  if (owner === null) {
    try {
      return Date.now() - fs.statSync(lockFile).mtimeMs < TORN_LOCK_STALE_MS;
    } catch {
      return false;
    }
  }
  if (owner.host !== os.hostname()) return true;
  const ticks = processStartTicks(owner.pid);
  if (ticks === undefined) return false;
  return owner.startTicks === null || ticks === null || ticks === owner.startTicks;
}

/** Tries once to take `lockFile`; removes a stale lock first. Returns a release function, or undefined when held. */
export function tryLock(lockFile: string): (() => void) | undefined {
  for (let attempt = 0; attempt < 2; attempt++) {
    // The lock appears with its owner already written: the owner goes into a private file first,
    // which is then hard-linked to the lock's name (link fails with EEXIST when the lock exists, so
    // taking it stays exclusive). A waiter therefore never reads a lock without its owner.
    const owner = currentOwner();
    const tmp = `${lockFile}.${owner.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(owner) + '\n');
    try {
      fs.linkSync(tmp, lockFile);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (isLockHeld(lockFile)) return undefined;
      // Stale: its owner died. Remove it (another waiter may beat us to it) and try again.
      fs.rmSync(lockFile, { force: true });
      continue;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
    return () => {
      const now = readLockOwner(lockFile);
      if (now && now.pid === owner.pid && now.host === owner.host && now.takenAt === owner.takenAt) fs.rmSync(lockFile, { force: true });
    };
  }
  return undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Takes `lockFile`, waiting (polling every `pollMs`) while another live process holds it.
 * `onWait` is called once, with the holder, when the lock is busy. Returns the release function.
 */
export async function acquireLock(lockFile: string, opts: { readonly pollMs?: number; readonly onWait?: (owner: LockOwner | null) => void } = {}): Promise<() => void> {
  let told = false;
  for (;;) {
    const release = tryLock(lockFile);
    if (release) return release;
    if (!told) {
      told = true;
      opts.onWait?.(readLockOwner(lockFile) ?? null);
    }
    await sleep(opts.pollMs ?? 250);
  }
}
