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

const VERSION = 1;

interface SnapshotFile {
  version: number;
  experimentDir: string;
  runs: RunSnapshot[];
}

export function snapshotPath(cacheDir: string, experimentDir: string): string {
  return path.join(cacheDir, `${createHash('sha1').update(experimentDir).digest('hex')}.json`);
}

export function readSnapshot(file: string, experimentDir: string): RunSnapshot[] {
  try {
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as SnapshotFile;
    if (data.version !== VERSION || data.experimentDir !== experimentDir || !Array.isArray(data.runs)) return [];
    return data.runs;
  } catch {
    return [];
  }
}

export function writeSnapshot(file: string, experimentDir: string, runs: RunSnapshot[]): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = tempNameFor(file);
    fs.writeFileSync(tmp, JSON.stringify({ version: VERSION, experimentDir, runs } satisfies SnapshotFile));
    fs.renameSync(tmp, file);
  } catch {
    // A cache that cannot be written only costs speed.
  }
}
