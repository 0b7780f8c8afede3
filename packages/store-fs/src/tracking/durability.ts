/**
 * "Acknowledged" means durable: before a write request resolves, the files it wrote are fdatasync'ed
 * and the directories it created entries in are fsync'ed. Writers note what they touched here and
 * await `commit()`; concurrent requests share rounds (group commit): while one round of fsyncs runs,
 * everything noted meanwhile waits for the next round, which then covers all those requests at once
 * (two rounds may run at once, so that a request never waits for a whole round it is not in). So N
 * concurrent log-batch requests cost about three rounds of fsyncs, not N.
 *
 * `durability: 'none'` (or `MLFLOW_TS_FSYNC=0` in the environment, which `mlflow-ts server
 * --no-fsync` sets) turns the fsyncs off for scratch use: writes then survive a killed process (they
 * are in the page cache) but not an OS crash or power loss.
 */
import fs from 'node:fs';
import path from 'node:path';

export type Durability = 'fsync' | 'none';

/** The default when an option does not say: `MLFLOW_TS_FSYNC=0|false|no|off` means 'none'. */
export function defaultDurability(): Durability {
  const v = (process.env.MLFLOW_TS_FSYNC ?? '').trim().toLowerCase();
  return v === '0' || v === 'false' || v === 'no' || v === 'off' ? 'none' : 'fsync';
}

/** fdatasync (file) or fsync (directory) an open descriptor, on the thread pool; closes it after. */
function syncFd(fd: number, dir: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (e: NodeJS.ErrnoException | null) => {
      try {
        fs.closeSync(fd);
      } catch {
        // Closing after a sync never loses data; a failed sync is what the caller hears about.
      }
      // Some filesystems refuse fsync on directories; the data itself was synced.
      if (e && !(dir && ['EINVAL', 'EISDIR', 'EBADF'].includes(e.code ?? ''))) reject(e);
      else resolve();
    };
    if (dir) fs.fsync(fd, done);
    else fs.fdatasync(fd, done);
  });
}

/**
 * fdatasync a file / fsync a directory; a path gone meanwhile needs nothing. Open and close are
 * synchronous (microseconds); only the sync waits on the thread pool, so a path costs one hop, not
 * the three of `fs.promises` (and no FileHandle to collect).
 */
export function syncPath(p: string, dir: boolean): Promise<void> {
  let fd: number;
  try {
    fd = fs.openSync(p, 'r');
  } catch (e) {
    // Gone meanwhile (a temp file renamed into place, a run deleted): nothing left to make durable.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return Promise.resolve();
    return Promise.reject(e);
  }
  return syncFd(fd, dir);
}

/** Rounds of fsyncs in flight at once: a second one need not wait for the first (the journal joins them). */
const MAX_ROUNDS = 2;

export class GroupCommit {
  /** Files to sync, each with the descriptor its writer handed over (null: opened by path then). */
  private files = new Map<string, number | null>();
  private dirs = new Set<string>();
  private readonly inflight = new Set<Promise<void>>();
  private queued: Promise<void> | null = null;
  /** Rounds run so far (tests and benchmarks read it). */
  rounds = 0;

  constructor(readonly mode: Durability = defaultDurability()) {}

  get enabled(): boolean {
    return this.mode === 'fsync';
  }

  /**
   * A file whose data was written (appended, or created in place). `fd`: the descriptor it was
   * written through, handed over (the round syncs and closes it, which saves opening the file again;
   * closed at once when durability is off). Of two descriptors for one path the later is kept: it is
   * the file now at that path, as opening by path would find.
   */
  file(p: string, fd?: number): void {
    const prev = this.files.get(p);
    if (this.enabled) this.files.set(p, fd ?? null);
    // Closing never loses written data, and a descriptor that will not close is no reason to fail the write.
    const close = (d: number) => {
      try {
        fs.closeSync(d);
      } catch {
        // Already closed or invalid: nothing left to release.
      }
    };
    if (typeof prev === 'number' && prev !== fd) close(prev);
    if (!this.enabled && fd !== undefined) close(fd);
  }

  /** A directory that got, lost or renamed an entry. */
  dir(p: string): void {
    if (this.enabled) this.dirs.add(p);
  }

  /** A file created or renamed into place: its data and its directory entry. */
  created(p: string): void {
    this.file(p);
    this.dir(path.dirname(p));
  }

  /** Directories made by `mkdir -p` from `top` (the first one made) down to `leaf`: each got an entry in its parent. */
  madeDirs(top: string, leaf: string): void {
    if (!this.enabled) return;
    for (let d = leaf; d.length >= top.length && d !== path.dirname(d); d = path.dirname(d)) {
      this.dirs.add(d);
      this.dirs.add(path.dirname(d));
      if (d === top) break;
    }
  }

  get pending(): boolean {
    return this.files.size > 0 || this.dirs.size > 0;
  }

  /** Resolves once everything noted before this call is on disk; rejects if an fsync failed. */
  commit(): Promise<void> {
    if (!this.enabled) return Promise.resolve();
    // Nothing pending: what this caller noted went into a round already, finished or in flight.
    if (!this.pending) return this.settled();
    if (this.queued) return this.queued;
    if (this.inflight.size < MAX_ROUNDS) return this.flush();
    // Both rounds busy: everyone arriving now shares the next round, which starts when one ends.
    this.queued = Promise.race(this.inflight)
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        return this.flush();
      });
    return this.queued;
  }

  private settled(): Promise<void> {
    return this.inflight.size === 0 ? Promise.resolve() : Promise.all(this.inflight).then(() => undefined);
  }

  private flush(): Promise<void> {
    if (!this.pending) return this.settled();
    const files = [...this.files];
    const dirs = [...this.dirs];
    this.files.clear();
    this.dirs.clear();
    this.rounds++;
    const round = (async () => {
      // In parallel: the thread pool runs several at once and the filesystem's journal commits them
      // together. Data first, then the directory entries that point at it.
      await Promise.all(files.map(([f, fd]) => (fd === null ? syncPath(f, false) : syncFd(fd, false))));
      await Promise.all(dirs.map((d) => syncPath(d, true)));
    })();
    this.inflight.add(round);
    const done = () => {
      this.inflight.delete(round);
    };
    round.then(done, done);
    return round;
  }
}
