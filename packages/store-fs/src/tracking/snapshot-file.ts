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
 * 3: run and experiment directory stamps (2: runs as tuples, snapshot-codec.ts). Files of other
 * versions are ignored (one cold open).
 */
const VERSION = 3;

interface SnapshotFile {
  version: number;
  experimentDir: string;
  /** The experiment directory's stamp when every run in it is in `runs` with a trusted dirStamp. */
  dirStamp?: [mtimeMs: number, size: number, ino: number];
  runs: EncodedRun[];
}

interface ExperimentSnapshot {
  runs: RunSnapshot[];
  dirStamp?: FileStamp;
}

export function snapshotPath(cacheDir: string, experimentDir: string): string {
  return path.join(cacheDir, `${createHash('sha1').update(experimentDir).digest('hex')}.json`);
}

export function readSnapshot(file: string, experimentDir: string): ExperimentSnapshot {
  try {
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as SnapshotFile;
    if (data.version !== VERSION || data.experimentDir !== experimentDir || !Array.isArray(data.runs))
      return { runs: [] };
    const runs = data.runs.map(decodeRun);
    const d = data.dirStamp;
    return Array.isArray(d) ? { runs, dirStamp: { mtimeMs: d[0], size: d[1], ino: d[2] } } : { runs };
  } catch {
    return { runs: [] };
  }
}

export function writeSnapshot(file: string, experimentDir: string, snap: ExperimentSnapshot): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = tempNameFor(file);
    const d = snap.dirStamp;
    const data: SnapshotFile = { version: VERSION, experimentDir, runs: snap.runs.map(encodeRun) };
    if (d) data.dirStamp = [d.mtimeMs, d.size, d.ino];
    fs.writeFileSync(tmp, JSON.stringify(data));
    fs.renameSync(tmp, file);
  } catch {
    // A cache that cannot be written only costs speed.
  }
}
