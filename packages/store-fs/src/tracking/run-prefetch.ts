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
import { type FileStamp, readFileStamped } from './key-tree.js';
import { prefetchWorkerMain } from './run-prefetch-worker.js';

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

// The worker's code: typed source (run-prefetch-worker.ts, and the file reader it shares with
// key-tree.ts), started from the functions' text.
const WORKER_SOURCE = `(${prefetchWorkerMain.toString()})(${readFileStamped.toString()});`;

const BATCH = 256;

/**
 * Reads `dirs` on worker threads; `onBatch(start, runs)` gets runs[i] for dirs[start + i] (null when
 * the directory is gone) as batches arrive. Rejects if a worker fails; callers fall back to reading
 * synchronously.
 */
export async function prefetchRunDirs(
  dirs: string[],
  onBatch: (start: number, runs: (RawRun | null)[]) => void,
): Promise<void> {
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
