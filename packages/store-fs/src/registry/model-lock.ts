/**
 * One writer per registered model at a time, across threads of this process and across processes:
 * an in-process queue per model directory (so our own callers do not spin on the file lock), then
 * an mkdir lock with owner pid inside the model directory (pid-lock.ts). Every read-modify-write of a model's files
 * (meta.yaml, aliases, version numbering) runs under it.
 */
import path from 'node:path';
import { MlflowError } from '@mlflow-ts/format';
import { LockedError, lock } from '../tracking/pid-lock.js';
import { LOCK_NAME } from './registry-layout.js';

export class ModelLocks {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly onWarning: (message: string) => void = () => undefined) {}

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
        throw new MlflowError('TEMPORARILY_UNAVAILABLE', `Registered model '${name}' is being changed by another writer${by} for too long; try again`, { cause: e });
      }
      throw e;
    }
    try {
      return await fn();
    } finally {
      // The directory may be gone (model deleted or renamed while we held it): nothing to release.
      release();
    }
  }
}

export function notFound(name: string): MlflowError {
  return MlflowError.notFound(`Registered Model with name=${name} not found`);
}
