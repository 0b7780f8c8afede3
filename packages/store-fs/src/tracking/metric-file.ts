/**
 * One metric file: `<timestamp> <value> <step>` per line (plus `<dataset_name> <dataset_digest>` in
 * 5-field lines; 2-field lines from old MLflow mean step 0). A `MetricSeries` caches the parsed
 * points of one file and, when the file grew, parses only the appended bytes. An incomplete last
 * line (a writer killed mid-write, or still writing) is left for the next refresh, never parsed.
 *
 * A line that cannot be parsed is skipped and reported through `warn` (the store's warnings: printed
 * once, listed in `store.warnings`), naming the file, the line number and the text. MLflow's
 * FileStore raises instead, which makes the whole run unreadable for one torn line (search, get-run
 * and the UI all fail); a user of a store that survived a crash expects the other points to stay
 * readable and the damage to be named, which is what this does. A NUL-filled tail (a power loss
 * after the size grew, before the data reached the disk) is reported the same way.
 */
import fs from 'node:fs';
import { LRUCache } from 'lru-cache';
import type { Metric } from '@mlflow-ts/format';
import { formatPythonFloat, parsePythonFloat } from '../float-repr.js';

export function formatMetricLine(m: Metric): string {
  const base = `${Math.trunc(m.timestamp)} ${formatPythonFloat(m.value)} ${Math.trunc(m.step ?? 0)}`;
  return m.dataset_name != null && m.dataset_digest != null
    ? `${base} ${m.dataset_name} ${m.dataset_digest}\n`
    : `${base}\n`;
}

/** MLflow's "latest" order: the point with max (step, timestamp, value); NaN never wins a tie. */
export function isLaterMetric(
  step: number,
  ts: number,
  value: number,
  than: { step: number; timestamp: number; value: number },
): boolean {
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

/**
 * How many metric points the loaded series of a process keep in memory, all stores together (a point
 * costs ~120 bytes with its Metric object). Searches only need each series' latest point; the full
 * points are loaded for history reads and the least recently read series drop theirs beyond this
 * (re-read from the file when asked again).
 */
export const MAX_LOADED_POINTS = 1_000_000;

const pointsCache = (max: number) =>
  new LRUCache<MetricSeries, true>({
    maxSize: max,
    sizeCalculation: (_v, series) => Math.min(max, Math.max(1, series.length)),
    dispose: (_v, series, reason) => {
      if (reason === 'evict') series.unload(true);
    },
  });
let loadedSeries = pointsCache(MAX_LOADED_POINTS);

/** Changes the budget (tests); series loaded so far drop their points. */
export function setLoadedPointsBudget(max: number): void {
  const old = loadedSeries;
  loadedSeries = pointsCache(max);
  for (const series of [...old.keys()]) series.unload(true);
  old.clear();
}

/** Points held by loaded series now (tests and benchmarks read it). */
export const loadedPoints = (): number => loadedSeries.calculatedSize;

export class MetricSeries {
  readonly timestamps: number[] = [];
  readonly values: number[] = [];
  readonly steps: number[] = [];
  /** Sparse: only lines that carried a dataset. */
  readonly datasets = new Map<number, { name: string; digest: string }>();
  latest: Point | null = null;
  /**
   * Whether the points are kept (after `load()`); otherwise only `latest` is tracked, which is all a
   * search needs, and the points are read from the file when a history asks for them.
   */
  private loaded = false;
  private materialized: Metric[] = [];
  /** Bytes consumed (always at a line boundary). */
  private offset = 0;
  private ino = -1;
  private mtimeMs = -1;
  private size = -1;
  badLines = 0;
  /** Complete lines consumed so far (for line numbers in reports). */
  private lines = 0;
  /** Where unparsable lines are reported. */
  warn: (msg: string) => void = () => undefined;

  constructor(
    readonly key: string,
    readonly file: string,
  ) {}

  static fromSnapshot(file: string, s: MetricSeriesSnapshot): MetricSeries {
    const m = new MetricSeries(s.key, file);
    Object.assign(m, { ino: s.ino, size: s.size, mtimeMs: s.mtimeMs, offset: s.offset, latest: s.latest });
    return m;
  }

  /** A series from a whole file read elsewhere (a prefetch worker) with the stamp it had then. */
  static fromContent(
    key: string,
    file: string,
    text: string,
    stamp: { mtimeMs: number; size: number; ino: number },
    warn?: (msg: string) => void,
  ): MetricSeries {
    const m = new MetricSeries(key, file);
    if (warn) m.warn = warn;
    m.ino = stamp.ino;
    m.mtimeMs = stamp.mtimeMs;
    m.size = stamp.size;
    m.version++;
    const end = text.lastIndexOf('\n');
    if (end >= 0) {
      m.parseLines(text.slice(0, end));
      m.offset = Buffer.byteLength(text.slice(0, end + 1));
    }
    if (text.indexOf('\0', end + 1) >= 0) m.reportNulTail();
    return m;
  }

  snapshot(stableBefore: number): MetricSeriesSnapshot | null {
    // A file modified moments ago may change again without its stamp changing: do not persist it.
    if (this.mtimeMs >= stableBefore) return null;
    return {
      key: this.key,
      ino: this.ino,
      size: this.size,
      mtimeMs: this.mtimeMs,
      offset: this.offset,
      latest: this.latest,
    };
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

  /** Makes every point available (reads the whole file when the points were not kept). */
  load(): boolean {
    if (!this.loaded) {
      this.loaded = true;
      this.ino = -1; // the next refresh reads the file from the start
    }
    const ok = this.refresh();
    if (ok) loadedSeries.set(this, true);
    else this.unload();
    return ok;
  }

  private loading: Promise<boolean> | null = null;

  /**
   * `load()` with the file read off the event loop (a long history is megabytes): the bytes are read
   * asynchronously and parsed here if no synchronous refresh changed the series meanwhile.
   */
  loadAsync(): Promise<boolean> {
    this.loading ??= this.readAsync().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  private async readAsync(): Promise<boolean> {
    const st = await fs.promises.stat(this.file).catch(() => null);
    if (!st) {
      this.unload();
      return false;
    }
    const whole =
      !this.loaded ||
      st.ino !== this.ino ||
      st.size < this.offset ||
      (st.size === this.size && st.mtimeMs !== this.mtimeMs);
    const from = whole ? 0 : this.offset;
    // Small reads are cheaper synchronously than through the thread pool.
    if (st.size - from < 1 << 16) return this.load();
    const fh = await fs.promises.open(this.file, 'r');
    let buf = Buffer.allocUnsafe(st.size - from);
    try {
      let got = 0;
      while (got < buf.length) {
        const { bytesRead } = await fh.read(buf, got, buf.length - got, from + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      buf = buf.subarray(0, got);
    } finally {
      await fh.close();
    }
    if (!whole && !(this.loaded && this.offset === from && this.ino === st.ino)) return this.load();
    this.loaded = true;
    if (whole) this.reset();
    this.version++;
    this.ino = st.ino;
    this.mtimeMs = st.mtimeMs;
    this.size = from + buf.length;
    const end = buf.lastIndexOf(10);
    if (end >= 0) {
      this.parseLines(buf.toString('utf8', 0, end));
      this.offset = from + end + 1;
    }
    if (buf.indexOf(0, end + 1) >= 0) this.reportNulTail();
    loadedSeries.set(this, true);
    return true;
  }

  /** Drops the points (keeps `latest` and the read position): memory is bounded, see MAX_LOADED_POINTS. */
  unload(evicted = false): void {
    if (!this.loaded) return;
    this.loaded = false;
    if (!evicted) loadedSeries.delete(this);
    // A new array: callers may still hold the one `all()` returned.
    this.materialized = [];
    this.timestamps.length = 0;
    this.values.length = 0;
    this.steps.length = 0;
    this.datasets.clear();
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
    this.lines = 0;
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
    const nulTail = buf.indexOf(0, end + 1) >= 0;
    if (end >= 0) {
      this.parseLines(buf.toString('utf8', 0, end));
      this.offset += end + 1;
    }
    if (nulTail) this.reportNulTail();
  }

  private reportNulTail(): void {
    this.warn(
      `metric file ${this.file} ends in NUL bytes after line ${this.lines} (a write lost in a crash); the points before them are intact, the next append cuts them off`,
    );
  }

  private bad(line: string): void {
    this.badLines++;
    const shown = line.replace(/\0/g, '\\0');
    this.warn(
      `metric file ${this.file} line ${this.lines}: cannot parse '${shown.length > 80 ? `${shown.slice(0, 80)}…` : shown}'; skipped it`,
    );
  }

  private parseLines(text: string): void {
    let start = 0;
    while (start <= text.length) {
      let nl = text.indexOf('\n', start);
      if (nl < 0) nl = text.length;
      const line = text.slice(start, nl).trim();
      start = nl + 1;
      this.lines++;
      if (line === '') continue;
      const f = line.split(' ');
      if (f.length !== 2 && f.length !== 3 && f.length !== 5) {
        this.bad(line);
        continue;
      }
      const ts = Number(f[0]);
      let value: number;
      try {
        value = parsePythonFloat(f[1]!);
      } catch {
        this.bad(line);
        continue;
      }
      const step = f.length >= 3 ? Number(f[2]) : 0;
      if (!Number.isFinite(ts) || !Number.isFinite(step) || f[0] === '' || (f.length >= 3 && f[2] === '')) {
        this.bad(line);
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
      out.push(
        this.toMetric({ timestamp: this.timestamps[i]!, value: this.values[i]!, step: this.steps[i]!, dataset: ds }),
      );
    }
    return out;
  }
}
