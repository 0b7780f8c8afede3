/**
 * Durable small-file writes for logged models: each file's content goes to a temp file in the
 * model's own directory (outside params/, tags/ and metrics/, which MLflow reads whole), is
 * fdatasync'ed, renamed into place, and every directory that got an entry is fsync'ed once. After a
 * crash a file is absent, its old content or its whole new content; an acknowledged write is on disk.
 *
 * Synchronous file calls, as in the rest of store-fs: a handful of small files costs far less than
 * the thread-pool round trips of the promise API on a busy machine. The one exception is a new
 * model's files (`createFilesDurable`): nothing reads them before meta.yaml is there, so they are
 * written in place and synced together, one round of fsyncs instead of one fsync after another.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { syncPath } from '../tracking/durability.js';

export interface WriteOptions {
  /** false: skip the fsyncs (scratch stores, `MLFLOW_TS_FSYNC=0`). */
  fsync: boolean;
}

export interface FileWrite {
  target: string;
  data: string;
}

function syncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } catch (e) {
    // Some filesystems refuse fsync on directories; the data itself was synced.
    if (!['EINVAL', 'EISDIR', 'EBADF'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
  } finally {
    fs.closeSync(fd);
  }
}

/** `mkdir -p`; notes every directory whose entries changed (the parents of those it made). */
function mkdirs(dir: string, changed: Set<string>): void {
  const made = fs.mkdirSync(dir, { recursive: true });
  if (!made) return;
  for (let d = dir; ; d = path.dirname(d)) {
    changed.add(path.dirname(d));
    if (d === made || d === path.dirname(d)) break;
  }
}

/**
 * Creates `files` (and the folders `dirs`) in a model directory that is no model yet, in place, then
 * syncs their data and every directory that got an entry in one parallel round. A crash before that
 * round leaves a file absent, empty or whole; readModelMeta reads an empty meta.yaml as no model.
 */
export async function createFilesDurable(files: FileWrite[], dirs: string[], opts: WriteOptions): Promise<void> {
  const changed = new Set<string>();
  for (const d of dirs) mkdirs(d, changed);
  for (const f of files) {
    mkdirs(path.dirname(f.target), changed);
    fs.writeFileSync(f.target, f.data);
    changed.add(path.dirname(f.target));
  }
  if (!opts.fsync) return;
  await Promise.all([...files.map((f) => syncPath(f.target, false)), ...[...changed].map((d) => syncPath(d, true))]);
}

/**
 * Writes every file (replacing what is there) via temp files in `tmpDir` (same file system): all
 * temps are written and synced before any is renamed, then each touched directory is synced once.
 */
export function writeFilesDurable(files: FileWrite[], tmpDir: string, opts: WriteOptions): void {
  const changed = new Set<string>();
  const temps: string[] = [];
  try {
    for (const f of files) {
      mkdirs(path.dirname(f.target), changed);
      const tmp = path.join(tmpDir, `.~lm-${process.pid}-${randomBytes(6).toString('hex')}`);
      temps.push(tmp);
      const fd = fs.openSync(tmp, 'w');
      try {
        fs.writeSync(fd, f.data);
        if (opts.fsync) fs.fdatasyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    }
    files.forEach((f, i) => {
      fs.renameSync(temps[i] ?? '', f.target);
      changed.add(path.dirname(f.target));
    });
  } catch (e) {
    for (const t of temps) fs.rmSync(t, { force: true });
    throw e;
  }
  if (opts.fsync) for (const d of changed) syncDir(d);
}

/** Removes `target`; the removal is durable. false when there was nothing to remove. */
export function removeFileDurable(target: string, opts: WriteOptions): boolean {
  try {
    fs.unlinkSync(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  if (opts.fsync) syncDir(path.dirname(target));
  return true;
}
