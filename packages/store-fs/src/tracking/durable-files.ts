/**
 * Crash-safe and durable small-file writes (params, tags, meta.yaml). Each file's content goes to a
 * temp file first; the temps are fdatasync'ed (one group-commit round for all of them), and only
 * then linked (create-only: params) or renamed (replace: tags, meta.yaml) into place, and the
 * directories that got the new entries are queued for the request's closing round. So after a power
 * loss a file is either absent, its old content or its whole new content, never empty or torn.
 *
 * Run files stage their temps in `<run>/.~tmp/`, outside params/, tags/ and metrics/, so a temp left
 * by a killed writer is never read as a param or tag (MLflow reads every file in those folders).
 */
import fs from 'node:fs';
import path from 'node:path';
import { tempNameFor } from '../yaml-file.js';
import type { GroupCommit } from './durability.js';

export const RUN_TMP_DIR = '.~tmp';

export interface DurableFile {
  target: string;
  data: string;
  /** Create-only: an existing file is left alone (the result says so). */
  exclusive?: boolean;
}

/** Writes a temp file; returns its open descriptor (for the group commit to sync and close). */
function writeTemp(tmp: string, data: string): number {
  let fd: number;
  try {
    fd = fs.openSync(tmp, 'w');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    fs.mkdirSync(path.dirname(tmp), { recursive: true });
    fd = fs.openSync(tmp, 'w');
  }
  try {
    fs.writeFileSync(fd, data);
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
  return fd;
}

/** `mkdir -p` of the target's parent; the directories it made get their entries synced too. */
export function mkdirsFor(gc: GroupCommit, target: string): void {
  const made = fs.mkdirSync(path.dirname(target), { recursive: true });
  if (made) gc.madeDirs(made, path.dirname(target));
}

/**
 * Writes `files`; resolves, once each is in place, with whether it was written (false: exclusive and
 * already there). `tmpDir`: where temps go (null: beside each target); missing parents are created.
 * The caller's request still awaits `gc.commit()` at its end,
 * which makes the new directory entries durable.
 */
export async function writeFilesDurable(
  gc: GroupCommit,
  files: DurableFile[],
  tmpDir: string | null,
): Promise<boolean[]> {
  const temps: string[] = [];
  try {
    for (const f of files) {
      const tmp = tmpDir === null ? tempNameFor(f.target) : tempNameFor(path.join(tmpDir, 'f'));
      temps.push(tmp);
      gc.file(tmp, writeTemp(tmp, f.data));
    }
    await gc.commit();
    const out: boolean[] = [];
    files.forEach((f, i) => {
      const tmp = temps[i]!;
      const place = () => (f.exclusive ? fs.linkSync(tmp, f.target) : fs.renameSync(tmp, f.target));
      try {
        try {
          place();
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
          mkdirsFor(gc, f.target);
          place();
        }
        out.push(true);
        gc.dir(path.dirname(f.target));
      } catch (e) {
        if (f.exclusive && (e as NodeJS.ErrnoException).code === 'EEXIST') out.push(false);
        else throw e;
      }
    });
    return out;
  } finally {
    // Linked temps and failed ones; renamed ones are gone already.
    for (const t of temps) {
      try {
        fs.unlinkSync(t);
      } catch {
        // Renamed into place, or never written.
      }
    }
  }
}
