/**
 * Per-experiment index of trace infos for search: loaded from disk on first use, kept sorted in MLflow's
 * default order (request_time DESC, trace_id ASC) and walked either way, so a search by timestamp in
 * either direction filters from one end and stops at a full page. Refreshed when the experiment's
 * traces/ directory changes (a trace added or removed by any process); our own writes update it in
 * place (a binary search and one splice, not a re-sort).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TraceInfo, TraceOrderClause } from '@mlflow-ts/format';
import { readTraceInfo } from './trace-files.js';

const byDefaultOrder = (a: TraceInfo, b: TraceInfo): number =>
  b.request_time - a.request_time || (a.trace_id < b.trace_id ? -1 : a.trace_id > b.trace_id ? 1 : 0);

export class ExperimentTraceIndex {
  private readonly infos = new Map<string, TraceInfo>();
  /** `infos` in the default order; stale (rebuilt on the next read) after a bulk load. */
  private sorted: TraceInfo[] = [];
  private stale = false;
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
      this.infos.clear();
      this.sorted = [];
      this.stale = false;
      this.dirMtimeNs = -1n;
      return;
    }
    if (mtime === this.dirMtimeNs) return;
    this.dirMtimeNs = mtime;
    const names = new Set(fs.readdirSync(this.tracesDir).filter((n) => !n.startsWith('.')));
    for (const id of this.infos.keys()) {
      if (!names.has(id)) {
        this.infos.delete(id);
        this.stale = true;
      }
    }
    for (const id of names) {
      if (this.infos.has(id)) continue;
      try {
        const info = readTraceInfo(path.join(this.tracesDir, id));
        if (info) {
          this.infos.set(id, info);
          this.stale = true;
        }
      } catch (e) {
        this.warn(`Malformed trace with ID '${id}': ${(e as Error).message}`);
      }
    }
  }

  put(info: TraceInfo): void {
    const old = this.infos.get(info.trace_id);
    this.infos.set(info.trace_id, info);
    if (this.stale) return;
    if (old) {
      const i = this.indexOf(old);
      if (i < 0) {
        this.stale = true;
        return;
      }
      if (old.request_time === info.request_time) {
        this.sorted[i] = info;
        return;
      }
      this.sorted.splice(i, 1);
    }
    this.sorted.splice(this.lowerBound(info), 0, info);
  }

  remove(traceId: string): void {
    const old = this.infos.get(traceId);
    if (!old) return;
    this.infos.delete(traceId);
    const i = this.stale ? -1 : this.indexOf(old);
    if (i >= 0) this.sorted.splice(i, 1);
    else this.stale = true;
  }

  /** Our own change to traces/ (mkdir / rm): accept the new mtime without a re-list. */
  noteOwnDirChange(): void {
    try {
      this.dirMtimeNs = fs.statSync(this.tracesDir, { bigint: true }).mtimeNs;
    } catch {
      this.dirMtimeNs = -1n;
    }
  }

  /** Every trace, in the default order (request_time DESC, trace_id ASC). */
  all(): TraceInfo[] {
    if (this.stale) {
      this.sorted = [...this.infos.values()].sort(byDefaultOrder);
      this.stale = false;
    }
    return this.sorted;
  }

  /** The traces in the order `clauses` asks for, when that is by timestamp alone (either way); else undefined. */
  inOrder(clauses: readonly TraceOrderClause[]): Iterable<TraceInfo> | undefined {
    const [time, id] = clauses;
    if (clauses.length !== 2 || time?.key !== 'timestamp_ms' || id?.key !== 'request_id' || !id.ascending) return;
    return time.ascending ? oldestFirst(this.all()) : this.all();
  }

  /** First position whose trace sorts at or after `info`. */
  private lowerBound(info: TraceInfo): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (byDefaultOrder(this.sorted[mid] as TraceInfo, info) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Where `info` (the very object) sits; -1 when it is not there (then the caller re-sorts). */
  private indexOf(info: TraceInfo): number {
    const i = this.lowerBound(info);
    return this.sorted[i] === info ? i : this.sorted.indexOf(info);
  }
}

/** `sorted` (request_time DESC, trace_id ASC) as request_time ASC, trace_id ASC: groups of equal time from the end. */
function* oldestFirst(sorted: readonly TraceInfo[]): Generator<TraceInfo> {
  let end = sorted.length;
  while (end > 0) {
    const t = (sorted[end - 1] as TraceInfo).request_time;
    let start = end - 1;
    while (start > 0 && (sorted[start - 1] as TraceInfo).request_time === t) start--;
    for (let i = start; i < end; i++) yield sorted[i] as TraceInfo;
    end = start;
  }
}
