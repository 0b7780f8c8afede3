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
import type { RunSnapshot } from './run-entry.js';
import { decodeRun, encodeRun, type EncodedRun } from './snapshot-codec.js';

/** 2: runs as tuples (snapshot-codec.ts). Files of other versions are ignored (one cold open). */
const VERSION = 2;

interface SnapshotFile {
  version: number;
  experimentDir: string;
  runs: EncodedRun[];
}

export function snapshotPath(cacheDir: string, experimentDir: string): string {
  return path.join(cacheDir, `${createHash('sha1').update(experimentDir).digest('hex')}.json`);
}

export function readSnapshot(file: string, experimentDir: string): RunSnapshot[] {
  try {
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as SnapshotFile;
    if (data.version !== VERSION || data.experimentDir !== experimentDir || !Array.isArray(data.runs)) return [];
    return data.runs.map(decodeRun);
  } catch {
    return [];
  }
}

export function writeSnapshot(file: string, experimentDir: string, runs: RunSnapshot[]): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = tempNameFor(file);
    fs.writeFileSync(
      tmp,
      JSON.stringify({ version: VERSION, experimentDir, runs: runs.map(encodeRun) } satisfies SnapshotFile),
    );
    fs.renameSync(tmp, file);
  } catch {
    // A cache that cannot be written only costs speed.
  }
}
