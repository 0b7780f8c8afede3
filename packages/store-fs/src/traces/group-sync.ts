/**
 * Group commit for trace writes. A write records the files and directories it changed in a
 * transaction; `commit()` resolves once all of them are fsync'ed. Transactions that commit at the
 * same time share one batch, whose fsyncs run in parallel (the file system coalesces them into few
 * journal commits), so an OTLP request with 50 new traces costs a few disk flushes, not 50 × 15.
 * Files are written to a temp name and renamed (a reader sees the old file or the whole new one).
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { syncPath } from '../tracking/durability.js';

const PARALLEL_SYNCS = 64;

class Batch {
  readonly files = new Set<string>();
  readonly dirs = new Set<string>();
  scheduled = false;
  readonly done: Promise<void>;
  private resolve!: () => void;
  private reject!: (e: unknown) => void;
  constructor() {
    this.done = new Promise((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
    this.done.catch(() => {});
  }
  async run(): Promise<void> {
    try {
      const jobs: [string, boolean][] = [
        ...[...this.files].map((f): [string, boolean] => [f, false]),
        ...[...this.dirs].map((d): [string, boolean] => [d, true]),
      ];
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(PARALLEL_SYNCS, jobs.length) }, async () => {
          while (next < jobs.length) {
            const [p, dir] = jobs[next++] as [string, boolean];
            await syncPath(p, dir);
          }
        }),
      );
      this.resolve();
    } catch (e) {
      this.reject(e);
    }
  }
}

export class GroupSync {
  private current: Batch | null = null;
  constructor(readonly enabled: boolean) {}

  /** The batch new paths go to. */
  batch(): Batch {
    return (this.current ??= new Batch());
  }

  schedule(b: Batch): Promise<void> {
    if (!b.scheduled) {
      b.scheduled = true;
      setImmediate(() => {
        if (this.current === b) this.current = null;
        void b.run();
      });
    }
    return b.done;
  }

  begin(): SyncTx {
    return new SyncTx(this);
  }
}

/** The paths one logical write changed; `commit` waits for every batch they landed in. */
export class SyncTx {
  private readonly batches = new Set<Batch>();
  constructor(private readonly gs: GroupSync) {}

  file(p: string): void {
    if (!this.gs.enabled) return;
    const b = this.gs.batch();
    b.files.add(p);
    b.dirs.add(path.dirname(p));
    this.batches.add(b);
  }

  dir(p: string): void {
    if (!this.gs.enabled) return;
    const b = this.gs.batch();
    b.dirs.add(p);
    this.batches.add(b);
  }

  async commit(): Promise<void> {
    const all = [...this.batches];
    this.batches.clear();
    await Promise.all(all.map((b) => this.gs.schedule(b)));
  }

  // Creating a file or directory costs a journal transaction (hundreds of µs on a busy disk), so those
  // run on the thread pool: an OTLP request's traces are written side by side while the event loop
  // decodes the next request. Replacing a file goes the same way.

  /** `mkdir -p`; each new directory and the parent of the topmost one are recorded. */
  async mkdir(dir: string): Promise<void> {
    const made = await fs.promises.mkdir(dir, { recursive: true });
    if (!made) return;
    for (let d = dir; ; d = path.dirname(d)) {
      this.dir(d);
      if (d === made || d === path.dirname(d)) break;
    }
    this.dir(path.dirname(made));
  }

  /**
   * Replaces `target` atomically (temp file in `tmpDir` on the same file system, then rename).
   * `fresh`: the file belongs to a trace not yet visible (no trace_info.yaml), so it is written in place.
   */
  async writeFile(target: string, data: string, tmpDir: string, fresh = false): Promise<void> {
    if (fresh) {
      await fs.promises.writeFile(target, data);
      this.file(target);
      return;
    }
    // New content that replaces old is synced before the rename: a crash then leaves the old file or
    // the whole new one, never an unflushed (empty) file where an acknowledged one was. A first write
    // (a new trace's trace_info.yaml) has nothing to lose: it is synced with its folder after the rename.
    const replacing = this.gs.enabled && fs.existsSync(target);
    const tmp = path.join(tmpDir, `.~tr-${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      const fh = await fs.promises.open(tmp, 'w');
      try {
        await fh.writeFile(data);
        if (replacing) await syncPath(tmp, false);
      } finally {
        await fh.close();
      }
      await fs.promises.rename(tmp, target);
    } catch (e) {
      await fs.promises.rm(tmp, { force: true });
      throw e;
    }
    if (replacing) this.dir(path.dirname(target));
    else this.file(target);
  }

  /** false when there was nothing to remove. */
  async removeFile(target: string): Promise<boolean> {
    try {
      fs.unlinkSync(target);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
    this.dir(path.dirname(target));
    return true;
  }
}
