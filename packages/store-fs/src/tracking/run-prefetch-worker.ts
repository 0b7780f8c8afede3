/**
 * The body of a run-prefetch worker thread (see run-prefetch.ts). It is typed source compiled with
 * the package like any other file, and started as `(${prefetchWorkerMain})()` with `eval: true`:
 * a function's text is the same plain JS from src/ (vitest's transform) and from dist/, so the
 * worker needs no file of its own next to the module that starts it. So it must not use anything
 * from outside its own body but its argument (key-tree.ts's self-contained file reader, passed as
 * text the same way) and `require` of Node's built-ins. Temp names ('.~' inside, see
 * yaml-file.ts) are skipped as KeyTree skips them.
 */
import type { FileStamp } from './key-tree.js';
import type { RawFile, RawRun, RawTree } from './run-prefetch.js';

export function prefetchWorkerMain(readFileStamped: typeof import('./key-tree.js').readFileStamped): void {
  const fs = require('node:fs') as typeof import('node:fs');
  const { parentPort } = require('node:worker_threads') as typeof import('node:worker_threads');
  if (!parentPort) throw new Error('run prefetch worker started outside a worker thread');
  const buf = { scratch: Buffer.allocUnsafe(1 << 16) };
  const NO_THROW = { throwIfNoEntry: false } as const;
  const stampOf = (st: import('node:fs').Stats): FileStamp => ({ mtimeMs: st.mtimeMs, size: st.size, ino: st.ino });
  const readFile = (p: string): RawFile | null => readFileStamped(fs, p, buf);

  // As key-tree.ts does: a temp file of a writer that died (`<target>.~<pid>-<thread>-<hex>-<n>`) goes.
  const TEMP_PID = /\.~(\d+)-\d+-[0-9a-f]+-[0-9a-z]+$/;
  const removeOrphanTemp = (p: string, name: string): void => {
    const m = TEMP_PID.exec(name);
    if (!m) return;
    try {
      process.kill(Number(m[1]), 0);
      return; // alive
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EPERM') return;
    }
    try {
      fs.unlinkSync(p);
    } catch {
      // Gone already.
    }
  };

  const readTree = (root: string): RawTree => {
    const out: RawTree = { listings: [], files: [] };
    const walk = (rel: string): void => {
      const abs = rel === '' ? root : `${root}/${rel}`;
      let st: import('node:fs').Stats | undefined;
      let ents: import('node:fs').Dirent[];
      try {
        st = fs.statSync(abs, NO_THROW);
      } catch {
        return;
      }
      if (!st?.isDirectory()) return;
      try {
        ents = fs.readdirSync(abs, { withFileTypes: true });
      } catch {
        return;
      }
      const l = { stamp: stampOf(st), files: [] as string[], dirs: [] as string[] };
      for (const d of ents) {
        if (d.name.includes('.~')) {
          if (d.isFile()) removeOrphanTemp(`${abs}/${d.name}`, d.name);
          continue;
        }
        if (d.isDirectory()) l.dirs.push(d.name);
        else if (d.isFile()) l.files.push(d.name);
      }
      out.listings.push([rel, l]);
      for (const f of l.files) {
        const got = readFile(`${abs}/${f}`);
        if (got) out.files.push([rel === '' ? f : `${rel}/${f}`, got[0], got[1]]);
      }
      for (const d of l.dirs) walk(rel === '' ? d : `${rel}/${d}`);
    };
    walk('');
    return out;
  };

  const linkStamp = (p: string): string => {
    try {
      const st = fs.statSync(p, NO_THROW);
      return st ? `${st.mtimeMs}:${st.ino}` : '-';
    } catch {
      return '-';
    }
  };

  const readRun = (dir: string): RawRun | null => {
    const at = Date.now();
    let st: import('node:fs').Stats | undefined;
    try {
      st = fs.statSync(dir, NO_THROW);
    } catch {
      return null;
    }
    if (!st?.isDirectory()) return null;
    const params = readTree(`${dir}/params`);
    const tags = readTree(`${dir}/tags`);
    const metrics = readTree(`${dir}/metrics`);
    // A directory's link count is 2 + its subdirectories (ext4, xfs, tmpfs; others report 1 or 0):
    // when params/tags/metrics account for all of them, inputs/ and outputs/ did not exist at that
    // stat and need none of their own. One created later bumps the run dir mtime past dirStamp.
    const found =
      Number(params.listings.length > 0) + Number(tags.listings.length > 0) + Number(metrics.listings.length > 0);
    const linkStamps = st.nlink === 2 + found ? '-|-' : `${linkStamp(`${dir}/inputs`)}|${linkStamp(`${dir}/outputs`)}`;
    return { at, dirStamp: stampOf(st), meta: readFile(`${dir}/meta.yaml`), params, tags, metrics, linkStamps };
  };

  parentPort.on('message', (dirs: string[]) => parentPort.postMessage(dirs.map(readRun)));
}
