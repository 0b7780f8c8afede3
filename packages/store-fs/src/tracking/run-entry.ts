/**
 * The cached view of one run directory. `refresh()` revalidates it with stat calls only: a cheap
 * check of the run directory's mtime (every mlflow-ts writer bumps it), or a deep check that stats
 * every file (catches writers that do not bump, like MLflow itself appending to a metric file).
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Metric, type Run, type RunInfo, type ValueAccessor, runValueAccessor } from '@mlflow-ts/format';
import { parseYaml } from '../yaml-file.js';
import {
  type FileStamp,
  KeyTree,
  RACY_MS,
  type KeyTreeSnapshot,
  KeyValueFiles,
  type KeyValueSnapshot,
  intern,
  readWithStamp,
  sameStamp,
  stampOf,
  statOrNull,
} from './key-tree.js';
import { runInfoFromMeta } from './meta-files.js';
import { MetricSeries, type MetricSeriesSnapshot } from './metric-file.js';
import { type RunLinks, readRunLinks } from './run-links.js';
import type { RawRun } from './run-prefetch.js';

export { RACY_MS };

export interface RunSnapshot {
  runId: string;
  metaStamp: FileStamp;
  info: RunInfo | null;
  error: string | null;
  params: KeyValueSnapshot;
  tags: KeyValueSnapshot;
  metricTree: KeyTreeSnapshot;
  metrics: MetricSeriesSnapshot[];
  linkStamps: string;
  links: RunLinks;
  /** Run dir stamp at which inputs/ and outputs/ were seen absent (see `linkDirStamp`). */
  linkDirStamp?: FileStamp;
  /**
   * The run directory's stamp, when the snapshot holds everything of the run that was read after it
   * was stat'ed (no file left out for being racy). While the directory still has it, no mlflow-ts
   * writer changed the run (they all bump it), so a reopen may trust the entry until a deep check.
   */
  dirStamp?: FileStamp;
}

/** Shared by every run without inputs or outputs; never mutated (readRunLinks builds new ones). */
const NO_LINKS: RunLinks = Object.freeze({
  datasetInputs: Object.freeze([]) as unknown as RunLinks['datasetInputs'],
  modelInputs: Object.freeze([]) as unknown as RunLinks['modelInputs'],
  modelOutputs: Object.freeze([]) as unknown as RunLinks['modelOutputs'],
});

export const emptyLinks = (l: RunLinks): boolean =>
  l.datasetInputs.length === 0 && l.modelInputs.length === 0 && l.modelOutputs.length === 0;

export class RunEntry {
  info: RunInfo | null = null;
  /** Why the run could not be read, when `info` is null. */
  error: string | null = null;
  readonly params: KeyValueFiles;
  readonly tags: KeyValueFiles;
  readonly metricTree: KeyTree;
  readonly metrics = new Map<string, MetricSeries>();
  links: RunLinks = NO_LINKS;
  /** Bumped whenever anything visible changed; search caches key on it. */
  version = 0;
  private metaStamp: FileStamp | undefined;
  private dirStamp: FileStamp | undefined;
  private linkStamps = '';
  /**
   * The run directory's stamp when inputs/ and outputs/ were last seen absent, taken before looking
   * and kept only when not racy. Creating either adds an entry to the run directory, which changes
   * its mtime, so while the stamp is the same they are still absent and need no stat (two fewer
   * stats per run when a big store is revalidated).
   */
  private linkDirStamp: FileStamp | undefined;
  private checkedAt = 0;
  private cachedRun: Run | null = null;
  /** Whether every file of the run was read once (a deep refresh, a worker read or a snapshot). */
  deepRead = false;

  /** Set only when the run is not `<experimentDir>/<runId>` (see `dir`). */
  private readonly otherDir: string | undefined;

  constructor(
    readonly runId: string,
    dir: string,
    readonly experimentDir: string,
    readonly experimentId: string,
  ) {
    // 100k runs keep no path strings of their own: paths are built when a file is touched.
    if (dir !== experimentDir + path.sep + runId) this.otherDir = dir;
    this.params = new KeyValueFiles(dir, 'params');
    this.tags = new KeyValueFiles(dir, 'tags');
    this.metricTree = new KeyTree(dir, 'metrics');
  }

  get dir(): string {
    return this.otherDir ?? this.experimentDir + path.sep + this.runId;
  }

  /** Returns false when the run directory is gone. */
  refresh(deep: boolean, warn: (msg: string) => void): boolean {
    const now = Date.now();
    const st = statOrNull(this.dir);
    if (!st || !st.isDirectory()) return false;
    const stamp = stampOf(st);
    if (!deep && sameStamp(this.dirStamp, stamp) && this.checkedAt - stamp.mtimeMs > RACY_MS) return true;
    let changed = this.readMeta(warn);
    changed = this.params.sync() || changed;
    changed = this.tags.sync() || changed;
    changed = this.syncMetrics(warn) || changed;
    changed = this.syncLinks(stamp, now, warn) || changed;
    this.dirStamp = stamp;
    this.checkedAt = now;
    this.deepRead = true;
    if (changed) this.touched();
    return true;
  }

  /** True until anything of the run was read (or restored from a snapshot). */
  get cold(): boolean {
    return this.dirStamp === undefined && this.metaStamp === undefined && this.info === null && this.error === null;
  }

  /**
   * Takes what a prefetch worker read (see run-prefetch.ts) as if `refresh(true)` had read it at
   * `raw.at`; later refreshes verify it against the files' stamps like any other cached state.
   */
  install(raw: RawRun, warn: (msg: string) => void): void {
    this.applyMeta(raw.meta, raw.at, warn);
    this.params.install(raw.params, raw.at);
    this.tags.install(raw.tags, raw.at);
    this.metricTree.install(raw.metrics.listings);
    this.metrics.clear();
    for (const [k, text, stamp] of raw.metrics.files) {
      const key = intern(k);
      this.metrics.set(key, MetricSeries.fromContent(key, this.metricTree.fileOf(key), text, stamp, warn));
    }
    this.linkStamps = raw.linkStamps;
    this.linkDirStamp = raw.linkStamps === '-|-' && raw.at - raw.dirStamp.mtimeMs > RACY_MS ? raw.dirStamp : undefined;
    this.links = raw.linkStamps === '-|-' ? NO_LINKS : readRunLinks(this.dir, this.experimentDir, warn);
    this.dirStamp = raw.dirStamp;
    this.checkedAt = raw.at;
    this.deepRead = true;
    this.touched();
  }

  /** Only meta.yaml (what writers need: the lifecycle stage); false when the run is gone. */
  refreshInfo(warn: (msg: string) => void): boolean {
    if (!fs.existsSync(this.dir)) return false;
    if (this.readMeta(warn)) this.touched();
    return true;
  }

  /** Called by writers after changing the run in this process. */
  touched(): void {
    this.version++;
    this.cachedRun = null;
  }

  /** Forces the next refresh to be deep (after our own writes, which we do not mirror by hand). */
  invalidate(): void {
    this.dirStamp = undefined;
  }

  private readMeta(warn: (msg: string) => void): boolean {
    const file = `${this.dir}${path.sep}meta.yaml`;
    if (this.metaStamp) {
      const st = statOrNull(file);
      if (st && sameStamp(this.metaStamp, stampOf(st))) return false;
    }
    const got = readWithStamp(file);
    return this.applyMeta(got ? [got.text, got.stamp] : null, Date.now(), warn);
  }

  private applyMeta(got: [string, FileStamp] | null, readAt: number, warn: (msg: string) => void): boolean {
    if (!got) {
      const had = this.info !== null;
      this.info = null;
      this.metaStamp = undefined;
      this.error = 'missing meta.yaml';
      return had;
    }
    // A racy stamp is not remembered, so the next refresh reads the file again.
    this.metaStamp = readAt - got[1].mtimeMs > RACY_MS ? got[1] : undefined;
    try {
      const info = runInfoFromMeta(parseYaml(got[0]), this.experimentId);
      if (info.run_id !== this.runId) {
        // A meta.yaml copied from another run: taking it would show that run twice.
        throw new Error(
          `it names run_id '${info.run_id}' but lives in folder '${this.runId}' (copied from another run?)`,
        );
      }
      this.info = info;
      this.error = null;
    } catch (e) {
      this.info = null;
      this.error = `malformed meta.yaml: ${(e as Error).message}`;
      warn(`skipping run ${this.dir}: ${this.error}`);
    }
    return true;
  }

  private syncMetrics(warn: (msg: string) => void): boolean {
    const keys = this.metricTree.keys();
    const live = new Set(keys);
    let changed = false;
    for (const k of [...this.metrics.keys()]) if (!live.has(k)) changed = this.metrics.delete(k);
    for (const k of keys) {
      let series = this.metrics.get(k);
      if (!series) {
        series = new MetricSeries(k, this.metricTree.fileOf(k));
        this.metrics.set(k, series);
      }
      series.warn = warn;
      const before = series.version;
      if (!series.refresh()) changed = this.metrics.delete(k);
      else if (series.version !== before) changed = true;
    }
    return changed;
  }

  /** `dirStamp`: the run directory's stamp, stat'ed at `at` before this call. */
  private syncLinks(dirStamp: FileStamp, at: number, warn: (msg: string) => void): boolean {
    if (this.linkStamps === '-|-' && sameStamp(this.linkDirStamp, dirStamp)) return false;
    const parts = ['inputs', 'outputs'].map((d) => {
      const st = statOrNull(`${this.dir}${path.sep}${d}`);
      return st ? `${st.mtimeMs}:${st.ino}` : '-';
    });
    const stamps = parts.join('|');
    this.linkDirStamp = stamps === '-|-' && at - dirStamp.mtimeMs > RACY_MS ? dirStamp : undefined;
    if (stamps === this.linkStamps) return false;
    this.linkStamps = stamps;
    this.links = stamps === '-|-' ? NO_LINKS : readRunLinks(this.dir, this.experimentDir, warn);
    return true;
  }

  snapshot(stableBefore: number): RunSnapshot | null {
    if (!this.metaStamp || this.metaStamp.mtimeMs >= stableBefore) return null;
    const metrics: MetricSeriesSnapshot[] = [];
    for (const m of this.metrics.values()) {
      const ms = m.snapshot(stableBefore);
      if (ms) metrics.push(ms);
    }
    const params = this.params.snapshot(stableBefore);
    const tags = this.tags.snapshot(stableBefore);
    const metricTree = this.metricTree.snapshot(stableBefore);
    const complete =
      metrics.length === this.metrics.size &&
      params.entries.length === this.params.values.size &&
      tags.entries.length === this.tags.values.size &&
      this.params.tree.complete(params.tree) &&
      this.tags.tree.complete(tags.tree) &&
      this.metricTree.complete(metricTree);
    const dir = this.dirStamp;
    const trusted = complete && dir && dir.mtimeMs < stableBefore && this.checkedAt - dir.mtimeMs > RACY_MS;
    return {
      runId: this.runId,
      metaStamp: this.metaStamp,
      info: this.info,
      error: this.error,
      params,
      tags,
      metricTree,
      metrics,
      linkStamps: this.linkStamps,
      links: this.links,
      ...(this.linkDirStamp && this.linkDirStamp.mtimeMs < stableBefore ? { linkDirStamp: this.linkDirStamp } : {}),
      ...(trusted ? { dirStamp: dir } : {}),
    };
  }

  /**
   * Seeds the caches from a snapshot. Without a trusted `dirStamp` the next refresh reads what
   * changed (every stamp verified); with one, only a deep refresh does (see ExperimentEntry.syncRuns).
   */
  restore(s: RunSnapshot): void {
    this.metaStamp = s.metaStamp;
    this.info = s.info;
    this.error = s.error;
    this.params.restore(s.params);
    this.tags.restore(s.tags);
    this.metricTree.restore(s.metricTree);
    for (const m of s.metrics) {
      m.key = intern(m.key);
      this.metrics.set(m.key, MetricSeries.fromSnapshot(this.metricTree.fileOf(m.key), m));
    }
    this.linkStamps = intern(s.linkStamps);
    this.links = emptyLinks(s.links) ? NO_LINKS : s.links;
    this.linkDirStamp = s.linkDirStamp;
    this.dirStamp = s.dirStamp;
    // Seen non-racy when the snapshot was taken (snapshot() keeps no other).
    this.checkedAt = s.dirStamp ? s.dirStamp.mtimeMs + RACY_MS + 1 : 0;
    this.deepRead = true;
  }

  latestMetrics(): Metric[] {
    const out: Metric[] = [];
    for (const k of [...this.metrics.keys()].sort()) {
      const m = this.metrics.get(k)!.latestMetric();
      if (m) out.push(m);
    }
    return out;
  }

  /**
   * What a search reads of the run, as `runValueAccessor` reads it from `toRun()`, without building
   * the Run (a search over 100k runs builds only its page's).
   */
  values(): ValueAccessor {
    const info = this.info as unknown as Record<string, unknown>;
    return (id) => {
      switch (id.type) {
        case 'metric':
          return this.metrics.get(id.key)?.latest?.value;
        case 'param':
          return this.params.values.get(id.key);
        case 'tag':
          return this.tags.values.get(id.key);
        case 'attribute':
          return info[id.key === 'created' ? 'start_time' : id.key];
        default:
          return runValueAccessor(this.toRun())(id);
      }
    };
  }

  /** The Run as MLflow's `get_run` returns it. Cached until the next change; callers must not mutate. */
  toRun(): Run {
    if (this.cachedRun) return this.cachedRun;
    if (!this.info) throw new Error(`run ${this.runId} is unreadable: ${this.error}`);
    const sorted = (m: Map<string, string>) => [...m.keys()].sort().map((key) => ({ key, value: m.get(key)! }));
    const run: Run = {
      info: { ...this.info },
      data: { metrics: this.latestMetrics(), params: sorted(this.params.values), tags: sorted(this.tags.values) },
      inputs: { dataset_inputs: this.links.datasetInputs },
    };
    // Like the reference store: empty model inputs/outputs are left out (they are omitted on the wire).
    if (this.links.modelInputs.length > 0) run.inputs.model_inputs = this.links.modelInputs;
    if (this.links.modelOutputs.length > 0) run.outputs = { model_outputs: this.links.modelOutputs };
    this.cachedRun = run;
    return run;
  }
}
