/**
 * A directory of one-file-per-key entries (params/, tags/, metrics/) where a key with '/' is a nested
 * path. Keeps the listing of every directory with its mtime so a re-sync reads a directory again only
 * when it changed, and stats each file so in-place rewrites (as MLflow does them) are seen too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isTempName } from '../yaml-file.js';
import { pidAlive } from './pid-lock.js';

/** `<target>.~<pid>-<thread>-<hex>-<n>` (yaml-file.ts tempNameFor): the pid of the writer. */
const TEMP_PID = /\.~(\d+)-\d+-[0-9a-f]+-[0-9a-z]+$/;

/**
 * Removes a temp file left in a params/ or tags/ folder by a writer that died (older versions wrote
 * temps there; MLflow's FileStore would read one as a param or tag). Temps of live writers stay.
 */
function removeIfOrphanTemp(dir: string, name: string): void {
  const m = TEMP_PID.exec(name);
  if (!m || pidAlive(Number(m[1]))) return;
  try {
    fs.unlinkSync(path.join(dir, name));
  } catch {
    // Gone already, or not ours to remove.
  }
}

/** Distinct names and short values kept once (a key of 100k runs is one string, not 100k). */
const interned = new Map<string, string>();
const INTERN_MAX = 100_000;
const INTERN_MAX_LENGTH = 64;

/**
 * The one copy of `s` shared by every entry: keys and short values repeat across runs. The table is
 * capped (once full, new strings are kept as they are), so churn cannot grow it without bound.
 */
export function intern(s: string): string {
  if (s.length > INTERN_MAX_LENGTH) return s;
  const got = interned.get(s);
  if (got !== undefined) return got;
  if (interned.size < INTERN_MAX) interned.set(s, s);
  return s;
}

const internAll = (xs: string[]): string[] => {
  for (let i = 0; i < xs.length; i++) xs[i] = intern(xs[i]!);
  return xs;
};

/**
 * An mtime this close to the moment we looked at it may still change without its value changing
 * (coarse kernel clocks, two writes in one millisecond), so it does not prove freshness.
 */
export const RACY_MS = 100;

export interface FileStamp {
  mtimeMs: number;
  size: number;
  ino: number;
}

export function stampOf(st: fs.Stats): FileStamp {
  return { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino };
}

export function sameStamp(a: FileStamp | undefined, b: FileStamp): boolean {
  return !!a && a.mtimeMs === b.mtimeMs && a.size === b.size && a.ino === b.ino;
}

/**
 * Reads a whole file and its stamp with one open: open, fstat, one pread of the size fstat gave
 * (more only for a file that grows meanwhile, whose newer stamp the next check then sees), close.
 * Self-contained — it uses only its arguments — because a prefetch worker runs its text too
 * (run-prefetch.ts); `buf.scratch` is a reusable read buffer.
 */
export function readFileStamped(
  fsm: typeof import('node:fs'),
  p: string,
  buf: { scratch: Buffer },
): [text: string, stamp: FileStamp] | null {
  let fd: number;
  try {
    fd = fsm.openSync(p, 'r');
  } catch {
    return null;
  }
  try {
    const st = fsm.fstatSync(fd);
    if (!st.isFile()) return null;
    if (st.size > buf.scratch.length) buf.scratch = Buffer.allocUnsafe(st.size);
    let got = 0;
    while (got < st.size) {
      const n = fsm.readSync(fd, buf.scratch, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    return [buf.scratch.toString('utf8', 0, got), { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino }];
  } finally {
    fsm.closeSync(fd);
  }
}

const readBuffer = { scratch: Buffer.allocUnsafe(1 << 16) };

export function readWithStamp(p: string): { text: string; stamp: FileStamp } | null {
  const got = readFileStamped(fs, p, readBuffer);
  return got && { text: got[0], stamp: got[1] };
}

export function statOrNull(p: string): fs.Stats | null {
  try {
    // Not throwing for a missing path matters: an ENOENT exception costs several stat calls.
    return fs.statSync(p, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}

interface DirListing {
  stamp: FileStamp;
  files: string[];
  dirs: string[];
}

export interface KeyTreeSnapshot {
  listings: [string, DirListing][];
}

/** Walks `root`, reusing the listing of every directory whose stamp did not change. */
export class KeyTree {
  /**
   * Directory listings by relative path. Almost every tree is one directory (params/, tags/ and
   * metrics/ without '/' keys): that one is kept without a Map (three Maps less per cached run).
   */
  private one: [string, DirListing] | undefined;
  private many: Map<string, DirListing> | undefined;

  /** `parent` + `name` (when given) rather than the joined path: one string less per tree kept. */
  constructor(
    private readonly parent: string,
    private readonly name = '',
  ) {}

  get root(): string {
    return this.name === '' ? this.parent : this.parent + path.sep + this.name;
  }

  snapshot(stableBefore: number): KeyTreeSnapshot {
    return { listings: this.allListings().filter(([, l]) => l.stamp.mtimeMs < stableBefore) };
  }

  /** Whether `s` (from `snapshot()`) left no listing out. */
  complete(s: KeyTreeSnapshot): boolean {
    return s.listings.length === (this.many ? this.many.size : this.one ? 1 : 0);
  }

  restore(s: KeyTreeSnapshot): void {
    for (const [rel, l] of s.listings) {
      internAll(l.files);
      internAll(l.dirs);
      this.setListing(intern(rel), l);
    }
  }

  /** Takes listings read elsewhere (a prefetch worker) in place of all it had. */
  install(listings: KeyTreeSnapshot['listings']): void {
    this.one = undefined;
    this.many = undefined;
    this.restore({ listings });
  }

  /** All keys now present ('/'-separated relative paths); `[]` when the root does not exist. */
  keys(): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    this.walk('', out, seen);
    if (this.many) {
      for (const rel of this.many.keys()) if (!seen.has(rel)) this.many.delete(rel);
    } else if (this.one && !seen.has(this.one[0])) this.one = undefined;
    return out;
  }

  private walk(rel: string, out: string[], seen: Set<string>): void {
    const abs = this.abs(rel);
    const st = statOrNull(abs);
    if (!st || !st.isDirectory()) return;
    seen.add(rel);
    const stamp = stampOf(st);
    let listing = this.many ? this.many.get(rel) : this.one?.[0] === rel ? this.one[1] : undefined;
    if (!listing || !sameStamp(listing.stamp, stamp)) {
      listing = { stamp, files: [], dirs: [] };
      for (const d of fs.readdirSync(abs, { withFileTypes: true })) {
        if (isTempName(d.name)) {
          if (d.isFile()) removeIfOrphanTemp(abs, d.name);
          continue;
        }
        if (d.isDirectory()) listing.dirs.push(intern(d.name));
        else if (d.isFile()) listing.files.push(intern(d.name));
      }
      this.setListing(rel, listing);
    }
    for (const f of listing.files) out.push(rel === '' ? f : `${rel}/${f}`);
    for (const d of listing.dirs) this.walk(rel === '' ? d : `${rel}/${d}`, out, seen);
  }

  private allListings(): [string, DirListing][] {
    return this.many ? [...this.many] : this.one ? [this.one] : [];
  }

  private setListing(rel: string, l: DirListing): void {
    if (this.many) this.many.set(rel, l);
    else if (!this.one || this.one[0] === rel) this.one = [rel, l];
    else {
      this.many = new Map([this.one, [rel, l]]);
      this.one = undefined;
    }
  }

  fileOf(key: string): string {
    return this.abs(key);
  }

  /** `root` + a '/'-separated relative path of names read from the directories (no '.', '..', ''). */
  private abs(rel: string): string {
    // Plain concatenation: path.join's normalisation showed up in profiles of 10k-run opens.
    if (rel === '') return this.root;
    return this.root + path.sep + (path.sep === '/' ? rel : rel.split('/').join(path.sep));
  }
}

export interface KeyValueSnapshot {
  tree: KeyTreeSnapshot;
  entries: [string, FileStamp, string][];
}

/** A key → raw file content map kept in sync with a KeyTree (params and tags). */
export class KeyValueFiles {
  readonly tree: KeyTree;
  readonly values = new Map<string, string>();
  private readonly stamps = new Map<string, FileStamp>();

  constructor(parent: string, name = '') {
    this.tree = new KeyTree(parent, name);
  }

  /** Re-reads what changed; returns whether any key or value changed. */
  sync(): boolean {
    const keys = this.tree.keys();
    const live = new Set(keys);
    let changed = false;
    for (const k of [...this.values.keys()]) {
      if (!live.has(k)) {
        this.values.delete(k);
        this.stamps.delete(k);
        changed = true;
      }
    }
    for (const k of keys) {
      const file = this.tree.fileOf(k);
      const known = this.stamps.get(k);
      if (known) {
        // Cached: one stat proves it unchanged.
        const st = statOrNull(file);
        if (st && sameStamp(known, stampOf(st))) continue;
      }
      // MLflow reads the whole file as the value (no newline stripping).
      const got = readWithStamp(file);
      if (!got) {
        changed ||= this.values.delete(k);
        this.stamps.delete(k);
        continue;
      }
      if (this.values.get(k) !== got.text) changed = true;
      this.values.set(k, intern(got.text));
      // A racy stamp is not remembered, so the next sync reads the file again.
      if (Date.now() - got.stamp.mtimeMs > RACY_MS) this.stamps.set(k, got.stamp);
      else this.stamps.delete(k);
    }
    return changed;
  }

  snapshot(stableBefore: number): KeyValueSnapshot {
    const entries: [string, FileStamp, string][] = [];
    for (const [k, stamp] of this.stamps)
      if (stamp.mtimeMs < stableBefore) entries.push([k, stamp, this.values.get(k)!]);
    return { tree: this.tree.snapshot(stableBefore), entries };
  }

  /** Takes a tree read elsewhere (a prefetch worker) at `readAt`, as `sync()` would have read it. */
  install(raw: { listings: KeyTreeSnapshot['listings']; files: [string, string, FileStamp][] }, readAt: number): void {
    this.tree.install(raw.listings);
    this.values.clear();
    this.stamps.clear();
    for (const [k, text, stamp] of raw.files) {
      this.values.set(intern(k), intern(text));
      if (readAt - stamp.mtimeMs > RACY_MS) this.stamps.set(k, stamp);
    }
  }

  restore(s: KeyValueSnapshot): void {
    this.tree.restore(s.tree);
    for (const [key, stamp, value] of s.entries) {
      const k = intern(key);
      this.stamps.set(k, stamp);
      this.values.set(k, intern(value));
    }
  }
}
