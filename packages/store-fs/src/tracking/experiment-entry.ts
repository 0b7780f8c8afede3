/**
 * The cached view of one experiment directory: its meta.yaml, tags and the RunEntry of every run
 * directory in it. A sync lists the directory again only when its mtime changed, and checks each run
 * cheaply (run dir mtime) or deeply (every file) — see RunEntry.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Experiment } from '@mlflow-ts/format';
import { isTempName, parseYaml } from '../yaml-file.js';
import { type FileStamp, KeyValueFiles, sameStamp, stampOf, statOrNull } from './key-tree.js';
import { experimentFromMeta } from './meta-files.js';
import { RACY_MS, RunEntry, type RunSnapshot } from './run-entry.js';
import { prefetchRunDirs } from './run-prefetch.js';
import { readSnapshot, writeSnapshot } from './snapshot-file.js';

/** How long one slice of a background sweep may hold the event loop (about 12 stat calls a run). */
const SWEEP_SLICE_MS = 4;

/** Folders inside an experiment directory that are not runs. */
export const RESERVED_EXPERIMENT_FOLDERS = new Set(['tags', 'datasets', 'traces', 'models']);

/**
 * The experiment directory's stat, exact enough to tell two changes apart: mtime is a value we chose
 * (or the kernel's clock), ctime the kernel's clock at the last change of any kind.
 */
interface DirMark {
  mtimeMs: number;
  ctimeMs: number;
  size: number;
  ino: number;
}

const markOf = (st: fs.Stats): DirMark => ({ mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, size: st.size, ino: st.ino });

const sameMark = (a: DirMark | undefined, b: DirMark | fs.Stats | null): boolean =>
  !!a && !!b && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.size === b.size && a.ino === b.ino;

export class ExperimentEntry {
  experiment: Experiment | null = null;
  error: string | null = null;
  readonly tags: KeyValueFiles;
  readonly runs = new Map<string, RunEntry>();
  private metaStamp: FileStamp | undefined;
  private dirStamp: FileStamp | undefined;
  private checkedAt = 0;
  private deepAt = 0;
  private restored = false;
  /** Entries came from a snapshot and are not deep-checked yet (see syncRuns). */
  private unverified = false;
  /** A background deep sweep is under way (see syncRuns). */
  private sweeping = false;
  /** Run versions at the last snapshot write; a different sum means the snapshot is stale. */
  private snapshotVersion = -1;
  /**
   * Our own bumps (see bumpDir): the directory's mark at which `runs` was complete and current
   * (`verified`), the mark right after our latest bump when nothing but our own bumps changed the
   * directory since `verified` (`ownBump`), the runs those bumps were for (`ownRuns`), and the mark
   * after our latest bump, accepted or not (`lastBump`).
   */
  private verified: DirMark | undefined;
  private ownBump: DirMark | undefined;
  private readonly ownRuns = new Set<string>();
  private lastBump: DirMark | undefined;

  constructor(
    readonly id: string,
    readonly dir: string,
    /** Where this experiment's run snapshot lives; null disables snapshots. */
    readonly snapshotFile: string | null = null,
  ) {
    this.tags = new KeyValueFiles(path.join(dir, 'tags'));
  }

  private versionSum(): number {
    let v = this.runs.size;
    for (const r of this.runs.values()) v += r.version;
    return v;
  }

  /** Writes the run snapshot if anything changed since the last one. */
  saveSnapshot(): void {
    if (!this.snapshotFile || !this.restored) return;
    const version = this.versionSum();
    if (version === this.snapshotVersion) return;
    const stableBefore = Date.now() - RACY_MS;
    const runs: RunSnapshot[] = [];
    let allTrusted = true;
    for (const r of this.runs.values()) {
      const s = r.snapshot(stableBefore);
      if (s) runs.push(s);
      allTrusted &&= s?.dirStamp !== undefined;
    }
    // The listing may be trusted on reopen only if it holds every run, each trusted itself.
    const d = this.dirStamp;
    const trusted = allTrusted && d && d.mtimeMs < stableBefore && this.checkedAt - d.mtimeMs > RACY_MS;
    writeSnapshot(this.snapshotFile, this.dir, trusted ? { runs, dirStamp: d } : { runs });
    this.snapshotVersion = version;
  }

  get snapshotStale(): boolean {
    return this.restored && this.snapshotFile !== null && this.versionSum() !== this.snapshotVersion;
  }

  private restoreSnapshot(): void {
    this.restored = true;
    if (!this.snapshotFile) return;
    let restored = 0;
    const hadRuns = this.runs.size > 0;
    const snap = readSnapshot(this.snapshotFile, this.dir);
    const added: string[] = [];
    try {
      for (const s of snap.runs) {
        if (this.runs.has(s.runId)) continue;
        const entry = new RunEntry(s.runId, this.dir + path.sep + s.runId, this.dir, this.id);
        entry.restore(s);
        this.runs.set(s.runId, entry);
        added.push(s.runId);
      }
    } catch {
      // A corrupt line: none of it is used.
      for (const id of added) this.runs.delete(id);
      added.length = 0;
      snap.dirStamp = undefined;
    }
    restored = added.length;
    this.unverified = restored > 0;
    // Every mlflow-ts writer bumps the experiment directory: while it has the stamp the snapshot saw
    // (and every run was in the snapshot), no run was added, removed or changed by one of them.
    if (snap.dirStamp && !hadRuns && this.dirStamp === undefined) {
      this.dirStamp = snap.dirStamp;
      this.checkedAt = snap.dirStamp.mtimeMs + RACY_MS + 1;
    }
    // Entries loaded before the snapshot was read are not in it: then it is stale already.
    this.snapshotVersion = restored === this.runs.size ? this.versionSum() : -1;
  }

  /** Re-reads meta.yaml and tags if they changed. Returns false when the directory is gone. */
  refreshMeta(warn: (msg: string) => void): boolean {
    const st = statOrNull(path.join(this.dir, 'meta.yaml'));
    if (!st) {
      if (!fs.existsSync(this.dir)) return false;
      this.experiment = null;
      this.error = 'missing meta.yaml';
      this.metaStamp = undefined;
      return true;
    }
    this.tags.sync();
    const stamp = stampOf(st);
    const tagList = [...this.tags.values.keys()].sort().map((key) => ({ key, value: this.tags.values.get(key)! }));
    if (!sameStamp(this.metaStamp, stamp)) {
      this.metaStamp = stamp;
      try {
        this.experiment = experimentFromMeta(
          parseYaml(fs.readFileSync(path.join(this.dir, 'meta.yaml'), 'utf8')),
          tagList,
          this.id,
        );
        this.error = null;
      } catch (e) {
        this.experiment = null;
        this.error = `malformed meta.yaml: ${(e as Error).message}`;
        warn(`skipping experiment ${this.dir}: ${this.error}`);
      }
    } else if (this.experiment) {
      this.experiment = { ...this.experiment, tags: tagList };
    }
    return true;
  }

  /**
   * Brings the run entries up to date. `deepEveryMs` bounds how stale a change by a writer that does
   * not bump directory mtimes (MLflow itself) can be; 0 checks every file every time.
   */
  // The deep check after a snapshot restore stays serial on purpose: it is ~12 stat calls a run and
  // little else, and on the 2-core VMs this was measured on, stat throughput does not grow with
  // threads or processes (two processes statting half the files each took as long as one statting
  // all), so moving it to workers would only add message traffic.
  //
  // In an experiment of at least `backgroundMinRuns` runs, the periodic deep checks run in the
  // background instead, in slices of SWEEP_SLICE_MS between other work (100k runs are over a million
  // stat calls: seconds a search would otherwise wait). That includes the deep check of a restored
  // snapshot: its runs are checked cheaply first (the experiment directory's stamp, then each run
  // directory's stamp: every mlflow-ts writer bumps both), so what any mlflow-ts store wrote is seen
  // at once, and what a writer that bumps nothing (MLflow itself) changed while we were closed is seen
  // after one sweep, as it is while we are open (sweeps are revalidateMs apart, or as far apart as
  // the last one took if that was longer). getRun always checks its run deeply. A smaller
  // experiment, or revalidateMs 0, verifies a snapshot completely before the search answers.
  syncRuns(
    deepEveryMs: number,
    warn: (msg: string) => void,
    onRun?: (e: RunEntry) => void,
    backgroundMinRuns = Infinity,
  ): void {
    const now = Date.now();
    const st = statOrNull(this.dir);
    if (!st) {
      this.runs.clear();
      return;
    }
    if (!this.restored) this.restoreSnapshot();
    const stamp = stampOf(st);
    let deep = now - this.deepAt >= deepEveryMs;
    const background = this.deepAt !== 0 || this.unverified;
    if (deep && background && deepEveryMs > 0 && !onRun && this.runs.size >= backgroundMinRuns) {
      this.sweepInBackground(warn, deepEveryMs);
      deep = false;
    }
    if (!deep && !onRun) {
      if (sameMark(this.ownBump, st)) {
        // Only our own writes since the last complete sync: read just the runs they were for.
        for (const id of this.ownRuns) {
          const entry = this.runEntry(id);
          if (entry && !entry.refresh(false, warn)) this.runs.delete(id);
        }
        this.ownRuns.clear();
        this.verified = this.ownBump;
        this.ownBump = undefined;
        return;
      }
      if (sameMark(this.verified, st)) return;
    }
    if (!deep && sameStamp(this.dirStamp, stamp) && this.checkedAt - stamp.mtimeMs > RACY_MS) return;
    const listChanged = !sameStamp(this.dirStamp, stamp) || this.checkedAt - stamp.mtimeMs <= RACY_MS;
    if (listChanged) this.relist(warn);
    for (const [id, entry] of this.runs) {
      if (!entry.refresh(deep, warn)) this.runs.delete(id);
      else onRun?.(entry);
    }
    this.dirStamp = stamp;
    this.checkedAt = now;
    // This listing holds every change made before `st` was taken. A later change gets another mark
    // unless it lands in the same kernel tick: not so when the last change is older than RACY_MS, nor
    // when `st` is our own bump (its mtime is ours alone, see bumpDir; others write another mtime).
    this.verified = now - st.ctimeMs > RACY_MS || sameMark(this.lastBump, st) ? markOf(st) : undefined;
    this.ownBump = undefined;
    this.ownRuns.clear();
    // Measured from the end: a sweep slower than deepEveryMs must not make every search a sweep.
    if (deep) {
      this.deepAt = Date.now();
      this.unverified = false;
    }
  }

  /**
   * Before the first sync of an experiment with at least `minRuns` never-read runs (opening a big
   * store without a usable snapshot), reads them on worker threads. That read counts as the deep
   * check (every file read, its stamp taken), so `syncRuns` afterwards only does its cheap per-run
   * check; like a deep sweep in syncRuns, the next one is due revalidateMs after it ended.
   * Returns whether it read runs in parallel.
   */
  async prefetchRuns(minRuns: number, warn: (msg: string) => void): Promise<boolean> {
    if (!Number.isFinite(minRuns)) return false;
    if (!this.restored) this.restoreSnapshot();
    if (this.dirStamp !== undefined) return false;
    // Stamped before listing, as syncRuns does: a run created after this changes the mtime again.
    const listedAt = Date.now();
    const dirSt = statOrNull(this.dir);
    if (!dirSt) return false;
    this.relist(warn);
    const total = this.runs.size;
    const cold = [...this.runs.values()].filter((r) => r.cold);
    if (cold.length < Math.max(1, minRuns)) return false;
    try {
      await prefetchRunDirs(
        cold.map((r) => r.dir),
        (start, raws) => {
          raws.forEach((raw, i) => {
            const entry = cold[start + i]!;
            if (this.runs.get(entry.runId) !== entry || !entry.cold) return; // changed meanwhile
            if (raw) entry.install(raw, warn);
            else this.runs.delete(entry.runId);
          });
        },
      );
    } catch {
      // No worker threads (or one died): the serial reads in syncRuns do the same work.
      return false;
    }
    if (cold.length === total) {
      // Every run was just read in full: this counts as a complete sync (listing and deep check), so
      // the first syncRuns need not list the directory again nor stat 10k run directories.
      this.dirStamp = stampOf(dirSt);
      this.checkedAt = listedAt;
      this.deepAt = Date.now();
    }
    return true;
  }

  /** The deep check of every run, SWEEP_SLICE runs per turn of the event loop. */
  private sweepInBackground(warn: (msg: string) => void, deepEveryMs: number): void {
    if (this.sweeping) return;
    this.sweeping = true;
    const ids = [...this.runs.keys()];
    const started = Date.now();
    let i = 0;
    const slice = () => {
      try {
        const until = performance.now() + SWEEP_SLICE_MS;
        while (i < ids.length && (i % 16 !== 0 || performance.now() < until)) {
          const id = ids[i++]!;
          const entry = this.runs.get(id);
          if (entry && !entry.refresh(true, warn)) this.runs.delete(id);
        }
      } catch (e) {
        warn(`background check of ${this.dir} stopped: ${(e as Error).message}`);
        i = ids.length;
      }
      if (i < ids.length) {
        setTimeout(slice, 0).unref();
        return;
      }
      this.sweeping = false;
      // The next sweep waits at least as long as this one took, so sweeping a huge experiment
      // takes at most half of the event loop (one sweep of 100k runs is seconds of stat calls).
      const now = Date.now();
      this.deepAt = now + Math.max(0, now - started - deepEveryMs);
      this.unverified = false;
    };
    setTimeout(slice, 0).unref();
  }

  private relist(warn: (msg: string) => void): void {
    const seen = new Set<string>();
    let dirents: fs.Dirent[];
    try {
      dirents = fs.readdirSync(this.dir, { withFileTypes: true });
    } catch {
      dirents = [];
    }
    for (const d of dirents) {
      if (!d.isDirectory() || RESERVED_EXPERIMENT_FOLDERS.has(d.name) || isTempName(d.name) || d.name.startsWith('.'))
        continue;
      seen.add(d.name);
      if (!this.runs.has(d.name))
        this.runs.set(d.name, new RunEntry(d.name, this.dir + path.sep + d.name, this.dir, this.id));
    }
    for (const id of [...this.runs.keys()]) if (!seen.has(id)) this.runs.delete(id);
    void warn;
  }

  /**
   * Bumps the directory's mtime after our write to run `runId` (so other stores see it with one stat)
   * and remembers the mark it left, so that our own next search need not list the directory again
   * nor stat every run: while the directory has that mark, only `runId` (and runs of earlier own
   * bumps) changed since our last complete sync.
   *
   * Why a change by someone else is not taken for ours: we accept the bump only when the stat just
   * before it is the mark we already know (`verified`, or our previous bump) — so nobody changed the
   * directory in between — and the stat just after it has the mtime we wrote. That mtime carries a
   * random microsecond part (1..999): other mlflow-ts stores write their own (older ones whole
   * milliseconds), the kernel writes its clock, so a later change by anyone, even in the same
   * millisecond or the same coarse ctime tick, leaves another mtime; ctime (kernel time of any
   * change) must match too. What remains is a change landing between our pre-stat and our utimes
   * (two system calls): it is hidden as a writer that bumps nothing is, until the next deep check
   * (revalidateMs) or the next bump by anyone else.
   */
  bumpDir(runId: string): void {
    const pre = statOrNull(this.dir);
    const mtimeMs = Date.now() + (1 + Math.floor(Math.random() * 999)) / 1000;
    try {
      fs.utimesSync(this.dir, mtimeMs / 1000, mtimeMs / 1000);
    } catch {
      // The experiment may have been moved (deleted) meanwhile; readers re-list anyway.
    }
    const post = statOrNull(this.dir);
    this.lastBump = post && Math.abs(post.mtimeMs - mtimeMs) < 0.001 ? markOf(post) : undefined;
    if (this.lastBump && sameMark(this.ownBump ?? this.verified, pre)) {
      this.ownBump = this.lastBump;
      this.ownRuns.add(runId);
    } else {
      this.verified = undefined;
      this.ownBump = undefined;
      this.ownRuns.clear();
    }
  }

  /** A run entry by id, loaded on demand even if the listing has not seen it yet. */
  runEntry(runId: string): RunEntry | null {
    let entry = this.runs.get(runId);
    if (!entry) {
      const dir = path.join(this.dir, runId);
      if (!fs.existsSync(path.join(dir, 'meta.yaml'))) return null;
      entry = new RunEntry(runId, dir, this.dir, this.id);
      this.runs.set(runId, entry);
    }
    return entry;
  }
}
