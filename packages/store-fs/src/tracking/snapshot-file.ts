/**
 * Persistent snapshots of an experiment's run caches, so reopening a big store costs stat calls
 * instead of reading and YAML-parsing every file again. A snapshot is only a hint: every entry is
 * re-verified against the file stamps (mtime, size, inode) before use, and stamps of files modified
 * just before the snapshot was taken are left out. Kept outside the mlruns tree (MLflow would
 * trip over foreign directories there), in `cacheDir`, one file per experiment directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { tempNameFor } from '../yaml-file.js';
import type { FileStamp } from './key-tree.js';
import type { RunSnapshot } from './run-entry.js';
import { decodeRun, encodeRun, type EncodedRun } from './snapshot-codec.js';

/**
 * 4: one line per run (3: run and experiment directory stamps; 2: runs as tuples, snapshot-codec.ts).
 * Files of other versions are ignored (one cold open).
 */
const VERSION = 4;

/**
 * Line 1; then `count` lines of one EncodedRun each; then `"end"`. One line at a time is parsed and
 * restored, so a 100k-run snapshot never exists as one parsed tree (whose garbage collection was
 * most of a reopen); a file without the end line, or with a different number of runs, is ignored.
 */
interface SnapshotHeader {
  version: number;
  experimentDir: string;
  /** The experiment directory's stamp when every run in it is in the file with a trusted dirStamp. */
  dirStamp?: [mtimeMs: number, size: number, ino: number];
  count: number;
}

const END = '"end"';

interface ExperimentSnapshot {
  runs: Iterable<RunSnapshot>;
  dirStamp?: FileStamp;
}

export function snapshotPath(cacheDir: string, experimentDir: string): string {
  return path.join(cacheDir, `${createHash('sha1').update(experimentDir).digest('hex')}.json`);
}

/**
 * The snapshot in `file`, or no runs when it is missing, of another version or experiment, or cut
 * short. `runs` decodes one line per step and throws on a corrupt line: the caller drops what it
 * restored then.
 */
export function readSnapshot(file: string, experimentDir: string): ExperimentSnapshot {
  try {
    const buf = fs.readFileSync(file);
    const first = buf.indexOf(10);
    if (first < 0) return { runs: [] };
    const header = JSON.parse(buf.toString('utf8', 0, first)) as SnapshotHeader;
    if (header.version !== VERSION || header.experimentDir !== experimentDir) return { runs: [] };
    let end = buf.length;
    while (end > 0 && buf[end - 1] === 10) end--;
    if (buf.toString('utf8', end - END.length, end) !== END) return { runs: [] };
    let lines = 0;
    for (let i = buf.indexOf(10, first + 1); i >= 0 && i < end; i = buf.indexOf(10, i + 1)) lines++;
    if (lines !== header.count) return { runs: [] };
    const runs = function* () {
      for (let at = first + 1, n = 0; n < header.count; n++) {
        const nl = buf.indexOf(10, at);
        yield decodeRun(JSON.parse(buf.toString('utf8', at, nl)) as EncodedRun);
        at = nl + 1;
      }
    };
    const d = header.dirStamp;
    return Array.isArray(d) ? { runs: runs(), dirStamp: { mtimeMs: d[0], size: d[1], ino: d[2] } } : { runs: runs() };
  } catch {
    return { runs: [] };
  }
}

export function writeSnapshot(
  file: string,
  experimentDir: string,
  snap: { runs: RunSnapshot[]; dirStamp?: FileStamp },
): void {
  let fd: number | undefined;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = tempNameFor(file);
    const d = snap.dirStamp;
    const header: SnapshotHeader = { version: VERSION, experimentDir, count: snap.runs.length };
    if (d) header.dirStamp = [d.mtimeMs, d.size, d.ino];
    fd = fs.openSync(tmp, 'w');
    let chunk = `${JSON.stringify(header)}\n`;
    for (const r of snap.runs) {
      chunk += `${JSON.stringify(encodeRun(r))}\n`;
      if (chunk.length >= 1 << 20) {
        fs.writeSync(fd, chunk);
        chunk = '';
      }
    }
    fs.writeSync(fd, `${chunk}${END}\n`);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, file);
  } catch {
    // A cache that cannot be written only costs speed.
    if (fd !== undefined) fs.closeSync(fd);
  }
}
