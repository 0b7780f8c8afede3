/**
 * One metric file: `<timestamp> <value> <step>` per line (plus `<dataset_name> <dataset_digest>` in
 * 5-field lines; 2-field lines from old MLflow mean step 0). A `MetricSeries` caches the parsed
 * points of one file and, when the file grew, parses only the appended bytes. An incomplete last
 * line (a writer killed mid-write, or still writing) is left for the next refresh, never parsed.
 */
import fs from 'node:fs';
import type { Metric } from '@mlflow-ts/format';
import { formatPythonFloat, parsePythonFloat } from '../float-repr.js';

export function formatMetricLine(m: Metric): string {
  const base = `${Math.trunc(m.timestamp)} ${formatPythonFloat(m.value)} ${Math.trunc(m.step ?? 0)}`;
  return m.dataset_name != null && m.dataset_digest != null ? `${base} ${m.dataset_name} ${m.dataset_digest}\n` : `${base}\n`;
}

/** MLflow's "latest" order: the point with max (step, timestamp, value); NaN never wins a tie. */
export function isLaterMetric(step: number, ts: number, value: number, than: { step: number; timestamp: number; value: number }): boolean {
  if (step !== than.step) return step > than.step;
  if (ts !== than.timestamp) return ts > than.timestamp;
  return value > than.value;
}

interface Point {
  timestamp: number;
  value: number;
  step: number;
  dataset?: { name: string; digest: string };
}

/** What a snapshot keeps of a series: where the file was and its latest point, not every point. */
export interface MetricSeriesSnapshot {
  key: string;
  ino: number;
  size: number;
  mtimeMs: number;
  offset: number;
  latest: Point | null;
}

export class MetricSeries {
  readonly timestamps: number[] = [];
  readonly values: number[] = [];
  readonly steps: number[] = [];
  /** Sparse: only lines that carried a dataset. */
  readonly datasets = new Map<number, { name: string; digest: string }>();
  latest: Point | null = null;
  /** False when restored from a snapshot: only `latest` is known until the points are read. */
  private loaded = true;
  private materialized: Metric[] = [];
  /** Bytes consumed (always at a line boundary). */
  private offset = 0;
  private ino = -1;
  private mtimeMs = -1;
  private size = -1;
  badLines = 0;

  constructor(readonly key: string, readonly file: string) {}

  static fromSnapshot(file: string, s: MetricSeriesSnapshot): MetricSeries {
    const m = new MetricSeries(s.key, file);
    Object.assign(m, { ino: s.ino, size: s.size, mtimeMs: s.mtimeMs, offset: s.offset, latest: s.latest, loaded: false });
    return m;
  }

  /** A series from a whole file read elsewhere (a prefetch worker) with the stamp it had then. */
  static fromContent(key: string, file: string, text: string, stamp: { mtimeMs: number; size: number; ino: number }): MetricSeries {
    const m = new MetricSeries(key, file);
    m.ino = stamp.ino;
    m.mtimeMs = stamp.mtimeMs;
    m.size = stamp.size;
    m.version++;
    const end = text.lastIndexOf('\n');
    if (end >= 0) {
      m.parseLines(text.slice(0, end));
      m.offset = Buffer.byteLength(text.slice(0, end + 1));
    }
    return m;
  }

  snapshot(stableBefore: number): MetricSeriesSnapshot | null {
    // A file modified moments ago may change again without its stamp changing: do not persist it.
    if (this.mtimeMs >= stableBefore) return null;
    return { key: this.key, ino: this.ino, size: this.size, mtimeMs: this.mtimeMs, offset: this.offset, latest: this.latest };
  }

  get length(): number {
    return this.timestamps.length;
  }

  /** Bumped whenever the file was (re)read. */
  version = 0;

  /** Brings the cache up to date with the file; returns false if the file is gone. */
  refresh(): boolean {
    let st: fs.Stats;
    try {
      st = fs.statSync(this.file);
    } catch {
      return false;
    }
    if (st.ino === this.ino && st.size === this.size && st.mtimeMs === this.mtimeMs) return true;
    this.version++;
    // Metric files only grow; anything else (replaced, truncated, rewritten in place) means re-read.
    if (st.ino !== this.ino || st.size < this.offset || st.size === this.size) this.reset();
    this.ino = st.ino;
    this.mtimeMs = st.mtimeMs;
    this.size = st.size;
    if (st.size > this.offset) this.readFrom(st.size);
    return true;
  }

  /** Makes every point available (reads the whole file once after a snapshot restore). */
  load(): boolean {
    if (!this.loaded) {
      this.ino = -1;
      this.reset();
    }
    return this.refresh();
  }

  private reset(): void {
    this.materialized = [];
    this.timestamps.length = 0;
    this.values.length = 0;
    this.steps.length = 0;
    this.datasets.clear();
    this.latest = null;
    this.offset = 0;
    this.badLines = 0;
    this.loaded = true;
  }

  private readFrom(size: number): void {
    const fd = fs.openSync(this.file, 'r');
    let buf: Buffer;
    try {
      buf = Buffer.allocUnsafe(size - this.offset);
      let got = 0;
      while (got < buf.length) {
        const n = fs.readSync(fd, buf, got, buf.length - got, this.offset + got);
        if (n === 0) break;
        got += n;
      }
      buf = buf.subarray(0, got);
    } finally {
      fs.closeSync(fd);
    }
    const end = buf.lastIndexOf(10);
    if (end < 0) return;
    this.parseLines(buf.toString('utf8', 0, end));
    this.offset += end + 1;
  }

  private parseLines(text: string): void {
    let start = 0;
    while (start <= text.length) {
      let nl = text.indexOf('\n', start);
      if (nl < 0) nl = text.length;
      const line = text.slice(start, nl).trim();
      start = nl + 1;
      if (line === '') continue;
      const f = line.split(' ');
      if (f.length !== 2 && f.length !== 3 && f.length !== 5) {
        this.badLines++;
        continue;
      }
      const ts = Number(f[0]);
      let value: number;
      try {
        value = parsePythonFloat(f[1]!);
      } catch {
        this.badLines++;
        continue;
      }
      const step = f.length >= 3 ? Number(f[2]) : 0;
      if (!Number.isFinite(ts) || !Number.isFinite(step)) {
        this.badLines++;
        continue;
      }
      const dataset = f.length === 5 ? { name: f[3]!, digest: f[4]! } : undefined;
      if (this.loaded) {
        const i = this.timestamps.length;
        this.timestamps.push(ts);
        this.values.push(value);
        this.steps.push(step);
        if (dataset) this.datasets.set(i, dataset);
      }
      if (!this.latest || isLaterMetric(step, ts, value, this.latest)) {
        this.latest = dataset ? { timestamp: ts, value, step, dataset } : { timestamp: ts, value, step };
      }
    }
  }

  private toMetric(p: Point): Metric {
    const m: Metric = { key: this.key, value: p.value, timestamp: p.timestamp, step: p.step };
    if (p.dataset) {
      m.dataset_name = p.dataset.name;
      m.dataset_digest = p.dataset.digest;
    }
    return m;
  }

  latestMetric(): Metric | undefined {
    return this.latest ? this.toMetric(this.latest) : undefined;
  }

  /** Every point in log order; call `load()` first. */
  /**
   * Every point as Metric objects, in log order. The objects are kept and extended as lines are
   * appended (a rewrite resets them), so a chart asking for a 1M-point history again allocates
   * nothing. Callers must treat the returned array as read-only.
   */
  all(): readonly Metric[] {
    const n = this.timestamps.length;
    const out = this.materialized;
    for (let i = out.length; i < n; i++) {
      const ds = this.datasets.get(i);
      out.push(this.toMetric({ timestamp: this.timestamps[i]!, value: this.values[i]!, step: this.steps[i]!, dataset: ds }));
    }
    return out;
  }
}
