/**
 * One writer per registered model at a time, across threads of this process and across processes:
 * an in-process queue per model directory (so our own callers do not spin on the file lock), then
 * proper-lockfile's mkdir lock inside the model directory. Every read-modify-write of a model's files
 * (meta.yaml, aliases, version numbering) runs under it.
 */
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { MlflowError } from '@mlflow-ts/format';
import { LOCK_NAME, META_FILE } from './registry-layout.js';

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
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(path.join(modelDir, META_FILE), {
        lockfilePath: path.join(modelDir, LOCK_NAME),
        realpath: false,
        stale: 10_000,
        retries: { retries: 200, minTimeout: 2, maxTimeout: 50, factor: 1.3 },
        onCompromised: (e) => this.onWarning(`registry lock in ${modelDir} compromised: ${e.message}`),
      });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw notFound(name);
      if (code === 'ELOCKED') {
        throw new MlflowError('TEMPORARILY_UNAVAILABLE', `Registered model '${name}' is being changed by another writer for too long; try again`, { cause: e });
      }
      throw e;
    }
    try {
      return await fn();
    } finally {
      // The directory may be gone (model deleted or renamed while we held it): nothing to release.
      await release().catch(() => undefined);
    }
  }
}

export function notFound(name: string): MlflowError {
  return MlflowError.notFound(`Registered Model with name=${name} not found`);
}
