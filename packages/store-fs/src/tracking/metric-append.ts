/**
 * Appending lines to a metric file so that every append starts on a line boundary. A write that
 * failed part-way (disk full) or was cut by a power loss can leave the file ending in a fragment, or
 * in NUL bytes where the size grew but the data never reached the disk. Appending after that would
 * glue the next acknowledged point onto the fragment (a wrong timestamp, or a line no reader can
 * parse). So before appending to a file whose end we did not write ourselves, its last byte is
 * checked; a torn tail is copied to a quarantine file outside the metrics folder (MLflow never reads
 * it) and cut off, with a warning that says so. A write that fails here is rolled back the same way.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LRUCache } from 'lru-cache';
import type { GroupCommit } from './durability.js';

/** Sizes at which we left files, each ending in '\n'; a file still that size needs no check. */
const knownEnds = new LRUCache<string, number>({ max: 20_000 });

export interface AppendContext {
  gc: GroupCommit;
  warn: (msg: string) => void;
  /** Where the torn tail of `file` is kept. */
  quarantineFile: (file: string) => string;
}

const NL = 10;

/** Offset just past the last '\n' before `size` (0 when there is none). */
function lastLineEnd(fd: number, size: number): number {
  const chunk = Buffer.allocUnsafe(Math.min(size, 1 << 16));
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const n = fs.readSync(fd, chunk, 0, end - start, start);
    const i = chunk.subarray(0, n).lastIndexOf(NL);
    if (i >= 0) return start + i + 1;
    end = start;
  }
  return 0;
}

function describeFragment(buf: Buffer): string {
  const nuls = buf.reduce((k, b) => k + (b === 0 ? 1 : 0), 0);
  if (nuls === buf.length) return `${buf.length} NUL bytes`;
  const text = buf.toString('utf8').replace(/\0/g, '\\0');
  return `${buf.length} bytes '${text.length > 80 ? `${text.slice(0, 80)}…` : text}'`;
}

/** Quarantines and cuts off the partial last line of the file open as `fd`, `size` bytes long. */
function repairTail(fd: number, file: string, size: number, ctx: AppendContext): number {
  const cut = lastLineEnd(fd, size);
  const fragment = Buffer.allocUnsafe(size - cut);
  fs.readSync(fd, fragment, 0, fragment.length, cut);
  // A writer in another process may be appending right now: its line is not torn, only unfinished.
  if (fs.fstatSync(fd).size !== size) return -1;
  const q = ctx.quarantineFile(file);
  let kept: string;
  try {
    fs.mkdirSync(path.dirname(q), { recursive: true });
    fs.writeFileSync(q, fragment);
    kept = `copied it to ${q}`;
  } catch (e) {
    kept = `could not copy it aside (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
  fs.ftruncateSync(fd, cut);
  ctx.warn(
    `metric file ${file} ended in a partial line (${describeFragment(fragment)}) left by a failed or interrupted write; ${kept} and cut the file back to its last complete line`,
  );
  return cut;
}

/** Appends `text` (whole lines, each ending in '\n') to `file`, creating it and its folders as needed. */
export function appendMetricLines(file: string, text: string, ctx: AppendContext): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'a+');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    const made = fs.mkdirSync(path.dirname(file), { recursive: true });
    if (made) ctx.gc.madeDirs(made, path.dirname(file));
    fd = fs.openSync(file, 'a+');
  }
  let handed = false;
  try {
    let size = fs.fstatSync(fd).size;
    if (size === 0) ctx.gc.dir(path.dirname(file));
    else if (knownEnds.get(file) !== size) {
      const last = Buffer.allocUnsafe(1);
      fs.readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== NL) {
        const cut = repairTail(fd, file, size, ctx);
        size = cut >= 0 ? cut : fs.fstatSync(fd).size;
      }
    }
    const buf = Buffer.from(text, 'utf8');
    let written = 0;
    try {
      while (written < buf.length) written += fs.writeSync(fd, buf, written, buf.length - written);
    } catch (e) {
      knownEnds.delete(file);
      // Roll back our partial line, unless another writer appended after it meanwhile.
      try {
        if (written > 0 && fs.fstatSync(fd).size === size + written) fs.ftruncateSync(fd, size);
      } catch {
        // The next append repairs the tail instead.
      }
      throw e;
    }
    knownEnds.set(file, size + buf.length);
    // The group commit syncs the data through this descriptor and closes it.
    handed = true;
    ctx.gc.file(file, fd);
  } finally {
    if (!handed) fs.closeSync(fd);
  }
}
