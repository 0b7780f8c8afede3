/**
 * The copier's state file: what is done and how source ids map to target ids. It is a journal (one
 * JSON line per event, appended and fsynced), so recording a finished run costs one small write
 * however many runs there are, and a copy killed at any point resumes where it was and never copies a
 * finished run twice (a torn last line is ignored). Whatever was half-done when the copy stopped is
 * found again in the target (by id, or by the source-id tags the copier writes) and completed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../usage-error.js';

/** A kind of mapping or of finished unit the journal records. */
export type CheckpointKind =
  | 'experiment'
  | 'run'
  | 'model'
  | 'version'
  | 'doneRun'
  | 'doneModel'
  | 'doneTrace'
  | 'doneRegisteredModel'
  | 'doneExperiment';

interface Header {
  mlflowTsCopy: 1;
  source: string;
  target: string;
}

interface Entry {
  k: CheckpointKind;
  s: string;
  t?: string;
}

export interface Checkpoint {
  readonly file: string | null;
  /** The target id for a source id (mappings), or '' for a finished unit; undefined when unknown. */
  get(kind: CheckpointKind, sourceId: string): string | undefined;
  has(kind: CheckpointKind, sourceId: string): boolean;
  /** Records durably before returning. */
  put(kind: CheckpointKind, sourceId: string, targetId?: string): void;
  /** How many entries of a kind. */
  count(kind: CheckpointKind): number;
  close(): void;
}

/** Opens (or starts) the journal in `file`; `null` keeps the state in memory only. */
export function openCheckpoint(file: string | null, source: string, target: string): Checkpoint {
  const maps = new Map<CheckpointKind, Map<string, string>>();
  const mapOf = (k: CheckpointKind) => {
    let m = maps.get(k);
    if (!m) maps.set(k, (m = new Map()));
    return m;
  };
  let fd: number | null = null;
  if (file !== null) {
    const exists = fs.existsSync(file);
    if (exists) {
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      let header: Partial<Header> | undefined;
      try {
        header = JSON.parse(lines[0] ?? '') as Partial<Header>;
      } catch {
        header = undefined;
      }
      if (header?.mlflowTsCopy !== 1)
        throw new UsageError(`The state file ${file} is not an mlflow-ts copy journal; remove it to start over`);
      if (header.source !== source || header.target !== target) {
        throw new UsageError(
          `The state file ${file} belongs to a copy from ${String(header.source)} to ${String(header.target)}; give another --state`,
        );
      }
      for (const line of lines.slice(1)) {
        if (line.trim() === '') continue;
        let e: Entry;
        try {
          e = JSON.parse(line) as Entry;
        } catch {
          continue; // a torn last line: that event had not been acknowledged
        }
        mapOf(e.k).set(e.s, e.t ?? '');
      }
    } else {
      fs.mkdirSync(path.dirname(file), { recursive: true });
    }
    fd = fs.openSync(file, 'a');
    if (!exists) {
      fs.writeSync(fd, `${JSON.stringify({ mlflowTsCopy: 1, source, target } satisfies Header)}\n`);
      fs.fsyncSync(fd);
    } else {
      // Ends a torn line so the next event starts on its own line.
      const text = fs.readFileSync(file, 'utf8');
      if (!text.endsWith('\n')) fs.writeSync(fd, '\n');
    }
  }
  return {
    file,
    get: (kind, s) => maps.get(kind)?.get(s),
    has: (kind, s) => maps.get(kind)?.has(s) ?? false,
    count: (kind) => maps.get(kind)?.size ?? 0,
    put(kind, s, t) {
      if (mapOf(kind).get(s) === (t ?? '')) return;
      if (fd !== null) {
        const entry: Entry = t === undefined ? { k: kind, s } : { k: kind, s, t };
        fs.writeSync(fd, `${JSON.stringify(entry)}\n`);
        fs.fsyncSync(fd);
      }
      mapOf(kind).set(s, t ?? '');
    },
    close() {
      if (fd !== null) fs.closeSync(fd);
      fd = null;
    },
  };
}
