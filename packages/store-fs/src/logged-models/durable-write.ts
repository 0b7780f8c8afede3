/**
 * Durable small-file writes for logged models: the content goes to a temp file in the model's own
 * directory (outside params/, tags/ and metrics/, which MLflow reads whole), is fdatasync'ed, renamed
 * into place, and the directory that got the entry is fsync'ed. After a crash a file is absent, its
 * old content or its whole new content; an acknowledged write is on disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export interface WriteOptions {
  /** false: skip the fsyncs (scratch stores, `MLFLOW_TS_FSYNC=0`). */
  fsync: boolean;
}

async function syncDir(dir: string): Promise<void> {
  const fh = await fs.promises.open(dir, 'r');
  try {
    await fh.sync();
  } catch (e) {
    // Some filesystems refuse fsync on directories; the data itself was synced.
    if (!['EINVAL', 'EISDIR', 'EBADF'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
  } finally {
    await fh.close();
  }
}

/** `mkdir -p`; every directory it made, and the parent of the topmost, is fsync'ed. */
export async function mkdirDurable(dir: string, opts: WriteOptions): Promise<void> {
  const made = await fs.promises.mkdir(dir, { recursive: true });
  if (!made || !opts.fsync) return;
  const dirs: string[] = [];
  for (let d = dir; ; d = path.dirname(d)) {
    dirs.push(d);
    if (d === made || d === path.dirname(d)) break;
  }
  dirs.push(path.dirname(made));
  for (const d of dirs) await syncDir(d);
}

/** Writes `target` (replacing it) via a temp file in `tmpDir`, which must be on the same file system. */
export async function writeFileDurable(target: string, data: string, tmpDir: string, opts: WriteOptions): Promise<void> {
  await mkdirDurable(path.dirname(target), opts);
  const tmp = path.join(tmpDir, `.~lm-${process.pid}-${randomBytes(6).toString('hex')}`);
  const fh = await fs.promises.open(tmp, 'w');
  try {
    await fh.writeFile(data);
    if (opts.fsync) await fh.datasync();
  } finally {
    await fh.close();
  }
  try {
    await fs.promises.rename(tmp, target);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
  if (opts.fsync) await syncDir(path.dirname(target));
}

/** Removes `target`; the removal is durable. false when there was nothing to remove. */
export async function removeFileDurable(target: string, opts: WriteOptions): Promise<boolean> {
  try {
    await fs.promises.unlink(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  if (opts.fsync) await syncDir(path.dirname(target));
  return true;
}
