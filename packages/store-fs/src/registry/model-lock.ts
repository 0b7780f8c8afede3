/**
 * One writer per registered model at a time, across threads of this process and across processes:
 * an in-process queue per model directory (so our own callers do not spin on the file lock), then
 * an mkdir lock with owner pid inside the model directory (pid-lock.ts). Every read-modify-write of a model's files
 * (meta.yaml, aliases, version numbering) runs under it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MlflowError } from '@mlflow-ts/format';
import { GroupCommit } from '../tracking/durability.js';
import { LockedError, lock } from '../tracking/pid-lock.js';
import { LOCK_NAME } from './registry-layout.js';

/** Notes for fsync every file and directory under `dir` changed at or after `since` (ms). */
function noteChanged(gc: GroupCommit, dir: string, since: number): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  const st = fs.statSync(dir, { throwIfNoEntry: false });
  if (st && (st.mtimeMs >= since || st.ctimeMs >= since)) gc.dir(dir);
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) noteChanged(gc, p, since);
    else if (e.isFile()) {
      const f = fs.statSync(p, { throwIfNoEntry: false });
      if (f && (f.mtimeMs >= since || f.ctimeMs >= since)) gc.file(p);
    }
  }
}

export class ModelLocks {
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Registry writes are durable before they resolve, like tracking writes (see durability.ts). */
  readonly gc: GroupCommit;

  constructor(
    private readonly onWarning: (message: string) => void = () => undefined,
    gc: GroupCommit = new GroupCommit(),
  ) {
    this.gc = gc;
  }

  /**
   * Makes what a registry write changed since `since` durable: in the models folder the entries it
   * added, removed or renamed, and every file and folder changed in a model directory it touched.
   */
  async syncSince(modelsRoot: string, since: number, modelDir?: string): Promise<void> {
    if (!this.gc.enabled) return;
    // File times come from the kernel's coarse clock, a tick or so behind Date.now(): a margin.
    const from = since - 50;
    const top = fs.statSync(modelsRoot, { throwIfNoEntry: false });
    if (top && (top.mtimeMs >= from || top.ctimeMs >= from)) {
      this.gc.dir(modelsRoot);
      for (const e of fs.readdirSync(modelsRoot, { withFileTypes: true })) {
        if (!e.isDirectory()) continue;
        const p = path.join(modelsRoot, e.name);
        const st = fs.statSync(p, { throwIfNoEntry: false });
        if (p !== modelDir && st && st.ctimeMs >= from) noteChanged(this.gc, p, from);
      }
    }
    if (modelDir) noteChanged(this.gc, modelDir, from);
    await this.gc.commit();
  }

  /** Runs `fn` holding the lock of `modelDir`; a missing directory is RESOURCE_DOES_NOT_EXIST for `name`. */
  async withModel<T>(modelDir: string, name: string, fn: () => T | Promise<T>): Promise<T> {
    const previous = this.queues.get(modelDir) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(() => this.locked(modelDir, name, fn));
    const tail = current.catch(() => undefined);
    this.queues.set(modelDir, tail);
    try {
      return await current;
    } finally {
      if (this.queues.get(modelDir) === tail) this.queues.delete(modelDir);
    }
  }

  private async locked<T>(modelDir: string, name: string, fn: () => T | Promise<T>): Promise<T> {
    let release: () => void;
    try {
      release = await lock(path.join(modelDir, LOCK_NAME), { onBreak: this.onWarning });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(name);
      if (e instanceof LockedError) {
        const by = e.ownerPid !== null ? ` (process ${e.ownerPid})` : '';
        throw new MlflowError(
          'TEMPORARILY_UNAVAILABLE',
          `Registered model '${name}' is being changed by another writer${by} for too long; try again`,
          { cause: e },
        );
      }
      throw e;
    }
    const since = Date.now();
    let out: T;
    try {
      out = await fn();
    } finally {
      // The directory may be gone (model deleted or renamed while we held it): nothing to release.
      release();
    }
    await this.syncSince(path.dirname(modelDir), since, modelDir);
    return out;
  }
}

export function notFound(name: string): MlflowError {
  return MlflowError.notFound(`Registered Model with name=${name} not found`);
}
