/**
 * Parallel first read of many run directories (opening a big store). Reading ~10 small files per run
 * is syscall-bound, so worker threads read disjoint batches with plain sync calls (no per-file
 * thread-pool hop, which costs more than the syscall) while the main thread parses and installs
 * the batches already read. A worker returns exactly what `RunEntry.refresh` would have read — each
 * file's text with the stamp fstat'ed on the same descriptor, each directory listing with the stamp
 * stat'ed before it — so the entries it fills are revalidated by the same stat checks afterwards.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FileStamp } from './key-tree.js';

/** A file's text and the stamp it had when read. */
export type RawFile = [text: string, stamp: FileStamp];

export interface RawTree {
  /** Directory listings by relative path ('' = root), as KeyTree keeps them. */
  listings: [string, { stamp: FileStamp; files: string[]; dirs: string[] }][];
  /** Every file under the root: '/'-separated key, text, stamp. */
  files: [string, string, FileStamp][];
}

export interface RawRun {
  /** Date.now() before anything of the run was read (stamps this recent are racy). */
  at: number;
  dirStamp: FileStamp;
  meta: RawFile | null;
  params: RawTree;
  tags: RawTree;
  metrics: RawTree;
  /** `<mtime>:<ino>` of inputs/ and outputs/ ('-' when absent), joined with '|'. */
  linkStamps: string;
}

// Plain JS run by `new Worker(..., { eval: true })`, so it works the same from src/ (vitest) and
// dist/. Temp names ('.~' inside, see yaml-file.ts) are skipped as KeyTree skips them.
const WORKER_SOURCE = `
const fs = require('node:fs');
const { parentPort } = require('node:worker_threads');
let scratch = Buffer.allocUnsafe(1 << 16);
const NO_THROW = { throwIfNoEntry: false };
const stampOf = (st) => ({ mtimeMs: st.mtimeMs, size: st.size, ino: st.ino });
function readFile(p) {
  let fd;
  try { fd = fs.openSync(p, 'r'); } catch { return null; }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return null;
    if (st.size > scratch.length) scratch = Buffer.allocUnsafe(st.size);
    let got = 0;
    while (got < st.size) {
      const n = fs.readSync(fd, scratch, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    return [scratch.toString('utf8', 0, got), stampOf(st)];
  } finally {
    fs.closeSync(fd);
  }
}
function readTree(root) {
  const out = { listings: [], files: [] };
  const walk = (rel) => {
    const abs = rel === '' ? root : root + '/' + rel;
    let st, ents;
    try { st = fs.statSync(abs, NO_THROW); } catch { return; }
    if (!st || !st.isDirectory()) return;
    try { ents = fs.readdirSync(abs, { withFileTypes: true }); } catch { return; }
    const l = { stamp: stampOf(st), files: [], dirs: [] };
    for (const d of ents) {
      if (d.name.includes('.~')) continue;
      if (d.isDirectory()) l.dirs.push(d.name);
      else if (d.isFile()) l.files.push(d.name);
    }
    out.listings.push([rel, l]);
    for (const f of l.files) {
      const got = readFile(abs + '/' + f);
      if (got) out.files.push([rel === '' ? f : rel + '/' + f, got[0], got[1]]);
    }
    for (const d of l.dirs) walk(rel === '' ? d : rel + '/' + d);
  };
  walk('');
  return out;
}
function linkStamp(p) {
  try { const st = fs.statSync(p, NO_THROW); return st ? st.mtimeMs + ':' + st.ino : '-'; } catch { return '-'; }
}
function readRun(dir) {
  const at = Date.now();
  let st;
  try { st = fs.statSync(dir, NO_THROW); } catch { return null; }
  if (!st || !st.isDirectory()) return null;
  const params = readTree(dir + '/params'), tags = readTree(dir + '/tags'), metrics = readTree(dir + '/metrics');
  // A directory's link count is 2 + its subdirectories (ext4, xfs, tmpfs; others report 1 or 0):
  // when params/tags/metrics account for all of them, inputs/ and outputs/ did not exist at that
  // stat and need none of their own. One created later bumps the run dir mtime past dirStamp.
  const found = (params.listings.length > 0) + (tags.listings.length > 0) + (metrics.listings.length > 0);
  const linkStamps = st.nlink === 2 + found ? '-|-' : linkStamp(dir + '/inputs') + '|' + linkStamp(dir + '/outputs');
  return { at, dirStamp: stampOf(st), meta: readFile(dir + '/meta.yaml'), params, tags, metrics, linkStamps };
}
parentPort.on('message', (dirs) => parentPort.postMessage(dirs.map(readRun)));
`;

const BATCH = 256;

/**
 * Reads `dirs` on worker threads; `onBatch(start, runs)` gets runs[i] for dirs[start + i] (null when
 * the directory is gone) as batches arrive. Rejects if a worker fails; callers fall back to reading
 * synchronously.
 */
export async function prefetchRunDirs(dirs: string[], onBatch: (start: number, runs: (RawRun | null)[]) => void): Promise<void> {
  const count = Math.max(1, Math.min(4, os.availableParallelism(), Math.ceil(dirs.length / BATCH)));
  const workers = Array.from({ length: count }, () => new Worker(WORKER_SOURCE, { eval: true }));
  let next = 0;
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const pending: number[] = [];
            const send = () => {
              if (next >= dirs.length) return;
              pending.push(next);
              w.postMessage(dirs.slice(next, next + BATCH));
              next += BATCH;
            };
            w.on('error', reject);
            w.on('exit', (code) => reject(new Error(`run prefetch worker exited with code ${code}`)));
            w.on('message', (runs: (RawRun | null)[]) => {
              try {
                onBatch(pending.shift()!, runs);
              } catch (e) {
                reject(e);
                return;
              }
              send();
              if (pending.length === 0) resolve();
            });
            // Two batches in flight per worker: it reads the next while we install the last.
            send();
            send();
            if (pending.length === 0) resolve();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
