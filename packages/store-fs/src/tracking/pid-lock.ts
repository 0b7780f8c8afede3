/**
 * A small inter-process lock: a directory created with `mkdir` (atomic everywhere, NFS included)
 * holding an `owner` file with the holder's pid and host. No timers, no signal handlers (a library
 * must not capture SIGINT/SIGTERM: proper-lockfile did, through signal-exit). A lock whose owner pid
 * is dead on this host is broken at once; a lock without owner file (a holder killed between the
 * mkdir and the write, or proper-lockfile's lock from an older version) is broken once it is older
 * than `staleMs`, as is one held by a process on another host. With `file: true` the lock is a file
 * created with O_EXCL holding the same owner line (for places where a directory would be taken for
 * an experiment or a run by MLflow's readers).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const OWNER = 'owner';
const HOST = os.hostname();
/** Locks this process holds now: one with our pid that is not here was left by a rename or a bug. */
const held = new Set<string>();

export interface PidLockOptions {
  /** How long to keep trying before giving up (ms). Default 10 s. */
  waitMs?: number;
  /** Age after which a lock whose owner cannot be checked is broken (ms). Default 10 s. */
  staleMs?: number;
  /** Told when a stale lock is broken. */
  onBreak?: (message: string) => void;
  /** A lock file instead of a lock directory. */
  file?: boolean;
}

export class LockedError extends Error {
  readonly code = 'ELOCKED';
  constructor(
    readonly lockPath: string,
    readonly ownerPid: number | null,
  ) {
    super(`${lockPath} is locked${ownerPid !== null ? ` by process ${ownerPid}` : ''}`);
  }
}

/** Whether a process with this pid runs on this host (EPERM: it exists but is not ours). */
export function pidAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface Owner {
  pid: number;
  host: string;
}

function readOwner(lockPath: string): Owner | null {
  try {
    let text: string;
    try {
      text = fs.readFileSync(path.join(lockPath, OWNER), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw e;
      text = fs.readFileSync(lockPath, 'utf8');
    }
    const [pid, host] = text.split('\n');
    const n = Number(pid);
    return Number.isSafeInteger(n) ? { pid: n, host: host ?? '' } : null;
  } catch {
    return null;
  }
}

/** Why the lock at `lockPath` may be broken, or null while its holder may still be alive. */
function staleReason(lockPath: string, staleMs: number): string | null {
  const owner = readOwner(lockPath);
  if (owner && owner.host === HOST) {
    if (owner.pid === process.pid)
      return held.has(lockPath) ? null : 'this process holds no such lock (its directory was moved)';
    return pidAlive(owner.pid) ? null : `its owner, process ${owner.pid}, is gone`;
  }
  let st: fs.Stats;
  try {
    st = fs.statSync(lockPath);
  } catch {
    return null; // released meanwhile: just retry
  }
  const age = Date.now() - st.mtimeMs;
  if (age <= staleMs) return null;
  return owner
    ? `its owner on host ${owner.host} has not renewed it for ${Math.round(age)} ms`
    : `it has no owner and is ${Math.round(age)} ms old`;
}

/** Removes a stale lock: renamed away first so that two breakers never remove a fresh lock. */
function breakLock(lockPath: string): void {
  const aside = `${lockPath}.~broken-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    fs.renameSync(lockPath, aside);
  } catch {
    return;
  }
  fs.rmSync(aside, { recursive: true, force: true });
}

/** One attempt: true when taken. Throws for errors other than "held by someone". */
export function tryLock(lockPath: string, opts: PidLockOptions = {}): boolean {
  const ownerLine = `${process.pid}\n${HOST}\n`;
  if (opts.file) return tryLockFile(lockPath, ownerLine, opts);
  try {
    fs.mkdirSync(lockPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const why = staleReason(lockPath, opts.staleMs ?? 10_000);
    if (why === null) return false;
    opts.onBreak?.(`breaking stale lock ${lockPath}: ${why}`);
    breakLock(lockPath);
    try {
      fs.mkdirSync(lockPath);
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e2;
    }
  }
  try {
    fs.writeFileSync(path.join(lockPath, OWNER), ownerLine);
    held.add(lockPath);
  } catch (e) {
    fs.rmSync(lockPath, { recursive: true, force: true });
    throw e;
  }
  return true;
}

function tryLockFile(lockPath: string, ownerLine: string, opts: PidLockOptions): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = fs.openSync(lockPath, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const why = attempt === 0 ? staleReason(lockPath, opts.staleMs ?? 10_000) : null;
      if (why === null) return false;
      opts.onBreak?.(`breaking stale lock ${lockPath}: ${why}`);
      breakLock(lockPath);
      continue;
    }
    try {
      fs.writeSync(fd, ownerLine);
      held.add(lockPath);
    } catch (e) {
      fs.rmSync(lockPath, { force: true });
      throw e;
    } finally {
      fs.closeSync(fd);
    }
    return true;
  }
  return false;
}

export function unlock(lockPath: string): void {
  held.delete(lockPath);
  fs.rmSync(lockPath, { recursive: true, force: true });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Takes the lock, retrying with backoff for up to `waitMs`; rejects with LockedError after that. */
export async function lock(lockPath: string, opts: PidLockOptions = {}): Promise<() => void> {
  const deadline = Date.now() + (opts.waitMs ?? 10_000);
  let delay = 1;
  for (;;) {
    if (tryLock(lockPath, opts)) return () => unlock(lockPath);
    if (Date.now() >= deadline) throw new LockedError(lockPath, readOwner(lockPath)?.pid ?? null);
    await sleep(delay);
    delay = Math.min(delay * 2, 50);
  }
}

/** Runs `fn` holding the lock at `lockPath`. */
export async function withLock<T>(lockPath: string, fn: () => T | Promise<T>, opts: PidLockOptions = {}): Promise<T> {
  const release = await lock(lockPath, opts);
  try {
    return await fn();
  } finally {
    release();
  }
}
