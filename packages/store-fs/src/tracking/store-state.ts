/**
 * Shared state of one FsTrackingStore: where things are on disk, the experiment/run caches, the
 * warnings collected while reading foreign or corrupt files, and the locking/bumping helpers every
 * writer uses.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MlflowError } from '@mlflow-ts/format';
import { ExperimentEntry } from './experiment-entry.js';
import type { RunEntry } from './run-entry.js';
import { type Durability, GroupCommit } from './durability.js';
import type { AppendContext } from './metric-append.js';
import { LockedError, withLock } from './pid-lock.js';
import { prefetchRunDirs } from './run-prefetch.js';
import { snapshotPath } from './snapshot-file.js';

export const TRASH = '.trash';
/** Root-level folders that are not experiments. */
const NON_EXPERIMENT_ROOT_DIRS = new Set([TRASH, 'models']);

export interface StoreStateOptions {
  root: string;
  rootUri: string;
  artifactRootUri: string;
  revalidateMs: number;
  /** Experiments with at least this many runs re-check their files in the background (syncRuns). */
  backgroundSweepMinRuns?: number;
  /** Where run-cache snapshots go; null: none. */
  cacheDir: string | null;
  /** 'fsync' (default): acknowledged writes are on disk; 'none': skip the fsyncs. */
  durability?: Durability;
}

export class StoreState {
  readonly warnings: string[] = [];
  private readonly warned = new Set<string>();
  private readonly experiments = new Map<string, ExperimentEntry>();
  /** Group commit of the fsyncs every write request awaits before it resolves. */
  readonly gc: GroupCommit;

  constructor(readonly opts: StoreStateOptions) {
    this.gc = new GroupCommit(opts.durability);
  }

  /**
   * How metric appends under `ownerDir` (a run or logged-model directory) report and quarantine torn
   * tails: `<ownerDir>/.~torn/<key>.<time>`, outside `metrics/` so that MLflow never reads it.
   */
  appendContext(ownerDir: string): AppendContext {
    const metricsDir = path.join(ownerDir, 'metrics');
    return {
      gc: this.gc,
      warn: this.warn,
      quarantineFile: (file) => `${path.join(ownerDir, '.~torn', path.relative(metricsDir, file))}.${Date.now()}`,
    };
  }

  get root(): string {
    return this.opts.root;
  }

  /** Records a problem with a file once (collected in `warnings`, printed once). */
  readonly warn = (msg: string): void => {
    if (this.warned.has(msg)) return;
    this.warned.add(msg);
    this.warnings.push(msg);
    console.warn(`[mlflow-ts/store-fs] ${msg}`);
  };

  activeDir(id: string): string {
    return path.join(this.root, id);
  }

  trashDir(id: string): string {
    return path.join(this.root, TRASH, id);
  }

  /** Experiment ids on disk: active ones in the root, deleted ones in `.trash`. */
  listExperimentIds(): { active: string[]; deleted: string[] } {
    const list = (dir: string, skip: Set<string>) => {
      try {
        return fs
          .readdirSync(dir, { withFileTypes: true })
          .filter((d) => d.isDirectory() && !skip.has(d.name) && !d.name.startsWith('.'))
          .map((d) => d.name);
      } catch {
        return [];
      }
    };
    return { active: list(this.root, NON_EXPERIMENT_ROOT_DIRS), deleted: list(path.join(this.root, TRASH), new Set()) };
  }

  /** The cache entry for an experiment wherever it lives now (root or .trash), meta refreshed. */
  experimentEntry(id: string): ExperimentEntry | null {
    if (id === '' || id.includes('/') || id.includes('\\') || id.startsWith('.') || NON_EXPERIMENT_ROOT_DIRS.has(id))
      return null;
    let dir: string | null = null;
    if (fs.existsSync(path.join(this.activeDir(id), 'meta.yaml'))) dir = this.activeDir(id);
    else if (fs.existsSync(path.join(this.trashDir(id), 'meta.yaml'))) dir = this.trashDir(id);
    if (!dir) {
      this.experiments.delete(id);
      return null;
    }
    let entry = this.experiments.get(id);
    if (!entry || entry.dir !== dir) {
      entry = new ExperimentEntry(id, dir, this.opts.cacheDir === null ? null : snapshotPath(this.opts.cacheDir, dir));
      this.experiments.set(id, entry);
    }
    if (!entry.refreshMeta(this.warn)) {
      this.experiments.delete(id);
      return null;
    }
    return entry;
  }

  private snapshotTimer: NodeJS.Timeout | null = null;

  /** Writes stale run snapshots soon (off the request path), coalescing bursts of changes. */
  scheduleSnapshots(): void {
    if (this.opts.cacheDir === null || this.snapshotTimer) return;
    this.snapshotTimer = setTimeout(() => {
      this.snapshotTimer = null;
      this.saveSnapshots();
    }, 1000);
    this.snapshotTimer.unref();
  }

  saveSnapshots(): void {
    if (this.snapshotTimer) clearTimeout(this.snapshotTimer);
    this.snapshotTimer = null;
    for (const e of this.experiments.values()) if (e.snapshotStale) e.saveSnapshot();
  }

  /** Finds a run in any experiment (active or deleted), refreshed deeply (or only its meta.yaml). */
  findRun(runId: string, depth: 'deep' | 'info' = 'deep'): RunEntry {
    if (typeof runId !== 'string' || !/^[a-zA-Z0-9][\w-]{0,255}$/.test(runId)) {
      throw MlflowError.invalidParameter(`Invalid run ID: '${String(runId)}'`);
    }
    const tryIn = (expId: string): RunEntry | null => {
      const exp = this.experimentEntry(expId);
      const run = exp?.runEntry(runId);
      if (!run) return null;
      if (!(depth === 'deep' ? run.refresh(true, this.warn) : run.refreshInfo(this.warn))) {
        exp!.runs.delete(runId);
        return null;
      }
      return run;
    };
    for (const [expId, exp] of this.experiments) {
      if (exp.runs.has(runId)) {
        const hit = tryIn(expId);
        if (hit) return hit;
      }
    }
    const { active, deleted } = this.listExperimentIds();
    for (const expId of [...active, ...deleted]) {
      if (
        !fs.existsSync(path.join(this.root, expId, runId)) &&
        !fs.existsSync(path.join(this.root, TRASH, expId, runId))
      )
        continue;
      const hit = tryIn(expId);
      if (hit) return hit;
    }
    throw MlflowError.notFound(`Run '${runId}' not found`);
  }

  /**
   * `findRun(runId)` for readers: a run never read in full (a run of 27k params is 27k files) is read
   * on a worker thread first, so the event loop only does the stat checks of the deep refresh.
   */
  async findRunAsync(runId: string): Promise<RunEntry> {
    const entry = this.findRun(runId, 'info');
    if (!entry.deepRead) {
      try {
        await prefetchRunDirs([entry.dir], (_start, [raw]) => {
          if (raw && !entry.deepRead) entry.install(raw, this.warn);
        });
      } catch {
        // No worker: the deep refresh below reads it here.
      }
    }
    return this.findRun(runId);
  }

  /** A run that exists, is readable and is active (every write requires that). */
  activeRun(runId: string): RunEntry {
    const run = this.findRun(runId, 'info');
    if (!run.info) throw new MlflowError('INVALID_STATE', `Run '${runId}' metadata is in invalid state: ${run.error}`);
    if (run.info.lifecycle_stage !== 'active') {
      throw MlflowError.invalidParameter(
        `The run ${runId} must be in the 'active' state. Current state is ${run.info.lifecycle_stage}.`,
      );
    }
    return run;
  }

  /**
   * After a write: bump the run and experiment directory mtimes so every other mlflow-ts store (in
   * any process) sees the change with one stat, and drop our own cached view of the run.
   */
  touchRun(run: RunEntry): void {
    const now = Date.now() / 1000;
    try {
      fs.utimesSync(run.dir, now, now);
    } catch {
      // The run may have been moved (experiment deleted) meanwhile; readers re-list anyway.
    }
    // Through our entry of the experiment, so that our own next search knows the bump was ours.
    const exp = this.experiments.get(run.experimentId);
    (exp?.dir === run.experimentDir ? exp : new ExperimentEntry(run.experimentId, run.experimentDir)).bumpDir(
      run.runId,
    );
    run.invalidate();
    run.touched();
  }

  /** Runs `fn` holding an inter-process lock for read-modify-write of a meta.yaml. */
  async withMetaLock<T>(metaFile: string, lockDir: string, fn: () => T | Promise<T>, file = false): Promise<T> {
    try {
      return await withLock(lockDir, fn, { onBreak: this.warn, file });
    } catch (e) {
      if (e instanceof LockedError) {
        const by = e.ownerPid !== null ? ` by process ${e.ownerPid}` : '';
        throw new MlflowError(
          'TEMPORARILY_UNAVAILABLE',
          `${path.basename(path.dirname(metaFile))} is being changed${by}; try again`,
          { cause: e },
        );
      }
      throw e;
    }
  }
}
