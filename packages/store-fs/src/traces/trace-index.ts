/**
 * Per-experiment index of trace infos for search: loaded from disk on first use, kept in MLflow's
 * default order (request_time DESC, trace_id ASC) so the common search stops at a full page, and
 * refreshed when the experiment's traces/ directory changes (a trace added or removed by any
 * process). Our own writes update it in place.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TraceInfo } from '@mlflow-ts/format';
import { readTraceInfo } from './trace-files.js';

const byDefaultOrder = (a: TraceInfo, b: TraceInfo): number =>
  b.request_time - a.request_time || (a.trace_id < b.trace_id ? -1 : a.trace_id > b.trace_id ? 1 : 0);

export class ExperimentTraceIndex {
  private readonly infos = new Map<string, TraceInfo>();
  private sorted: TraceInfo[] | null = null;
  private dirMtimeNs = -1n;

  constructor(
    readonly tracesDir: string,
    private readonly warn: (m: string) => void,
  ) {}

  /** Re-lists traces/ when its mtime moved since the last look. */
  refresh(): void {
    let mtime: bigint;
    try {
      mtime = fs.statSync(this.tracesDir, { bigint: true }).mtimeNs;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      if (this.infos.size) {
        this.infos.clear();
        this.sorted = null;
      }
      this.dirMtimeNs = -1n;
      return;
    }
    if (mtime === this.dirMtimeNs) return;
    this.dirMtimeNs = mtime;
    const names = new Set(fs.readdirSync(this.tracesDir).filter((n) => !n.startsWith('.')));
    for (const id of this.infos.keys()) {
      if (!names.has(id)) {
        this.infos.delete(id);
        this.sorted = null;
      }
    }
    for (const id of names) {
      if (this.infos.has(id)) continue;
      try {
        const info = readTraceInfo(path.join(this.tracesDir, id));
        if (info) this.put(info);
      } catch (e) {
        this.warn(`Malformed trace with ID '${id}': ${(e as Error).message}`);
      }
    }
  }

  put(info: TraceInfo): void {
    const old = this.infos.get(info.trace_id);
    this.infos.set(info.trace_id, info);
    if (this.sorted && old && old.request_time === info.request_time) {
      const i = this.sorted.indexOf(old);
      if (i >= 0) {
        this.sorted[i] = info;
        return;
      }
    }
    this.sorted = null;
  }

  remove(traceId: string): void {
    if (this.infos.delete(traceId)) this.sorted = null;
  }

  /** Our own change to traces/ (mkdir / rm): accept the new mtime without a re-list. */
  noteOwnDirChange(): void {
    try {
      this.dirMtimeNs = fs.statSync(this.tracesDir, { bigint: true }).mtimeNs;
    } catch {
      this.dirMtimeNs = -1n;
    }
  }

  all(): TraceInfo[] {
    if (!this.sorted) this.sorted = [...this.infos.values()].sort(byDefaultOrder);
    return this.sorted;
  }
}
