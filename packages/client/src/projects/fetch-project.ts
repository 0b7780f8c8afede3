/**
 * Getting a project onto this machine (MLflow's `_fetch_project`): a local directory is used in
 * place; a git URI (or a local repository with `--version`) is checked out from a per-URI mirror kept
 * in a cache directory, into a fresh working tree per run, so concurrent runs never share a tree and a
 * second run of the same repository fetches only what changed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MlflowError } from '@mlflow-ts/format';
import { git, gitReason, isGitRepo } from './git.js';

export interface FetchedProject {
  /** The project directory (subdirectory applied). */
  workDir: string;
  /** The URI without `#subdir`, and the subdirectory. */
  repoUri: string;
  subdirectory: string;
  /** True when `uri` is a local directory (then `workDir` is inside it, not a checkout). */
  local: boolean;
}

export interface FetchOptions {
  version?: string;
  /** Where mirrors and checkouts go (default `$MLFLOW_TS_PROJECTS_CACHE`, else ~/.cache/mlflow-ts/projects). */
  cacheDir?: string;
  cwd?: string;
  env?: Readonly<Record<string, string | undefined>>;
}

export function defaultProjectsCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env.MLFLOW_TS_PROJECTS_CACHE) return path.resolve(env.MLFLOW_TS_PROJECTS_CACHE);
  const base = env.XDG_CACHE_HOME ? path.resolve(env.XDG_CACHE_HOME) : path.join(os.homedir(), '.cache');
  return path.join(base, 'mlflow-ts', 'projects');
}

/** MLflow's `_parse_subdirectory`: `uri#sub/dir`, quotes stripped; `.` is refused in the subdirectory. */
export function parseSubdirectory(uri: string): { uri: string; subdirectory: string } {
  const unquoted = uri.replace(/^['"]+|['"]+$/g, '');
  const hash = unquoted.indexOf('#');
  if (hash < 0) return { uri: unquoted, subdirectory: '' };
  const subdirectory = unquoted.slice(hash + 1);
  if (subdirectory.includes('.')) {
    throw MlflowError.invalidParameter("'.' is not allowed in project subdirectory paths.");
  }
  return { uri: unquoted.slice(0, hash), subdirectory };
}

/** A `file://` URI as a path; anything else unchanged. */
function fileUriPath(uri: string): string {
  if (/^file:\/\/.+/i.test(uri)) {
    try {
      return fileURLToPath(uri.replace(/^file:\/\/(?!\/)/i, 'file:///'));
    } catch {
      return uri;
    }
  }
  return uri;
}

async function isDirectory(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isDirectory() ?? false;
}

/** Looks like a path rather than a remote git URI (no scheme, no `host:path` scp form). */
function looksLikePath(uri: string): boolean {
  return !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri) || /^file:/i.test(uri) || /^[A-Za-z]:[\\/]/.test(uri);
}

async function withDirLock<T>(lock: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') throw e;
      const age = Date.now() - ((await stat(lock).catch(() => undefined))?.mtimeMs ?? Date.now());
      if (age > 15 * 60_000) await rmdir(lock).catch(() => undefined); // left by a killed process
      if (Date.now() > deadline) throw new MlflowError('INTERNAL_ERROR', `Timed out waiting for the lock ${lock}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    await rmdir(lock).catch(() => undefined);
  }
}

/** Clones or updates the cache's mirror of `repoUri`; returns its path. */
async function updateMirror(repoUri: string, cacheDir: string): Promise<string> {
  const key = createHash('sha256').update(repoUri).digest('hex').slice(0, 20);
  const mirrors = path.join(cacheDir, 'mirrors');
  await mkdir(mirrors, { recursive: true });
  const mirror = path.join(mirrors, `${key}.git`);
  await withDirLock(`${mirror}.lock`, async () => {
    if (existsSync(mirror)) {
      const r = await git(['--git-dir', mirror, 'remote', 'update', '--prune']);
      if (!r.ok) throw fetchError(repoUri, r.stderr ? gitReason(r) : 'git remote update failed');
      return;
    }
    const tmp = `${mirror}.tmp-${randomBytes(4).toString('hex')}`;
    const r = await git(['clone', '--mirror', '--quiet', repoUri, tmp]);
    if (!r.ok) {
      await rm(tmp, { recursive: true, force: true });
      throw fetchError(repoUri, gitReason(r));
    }
    await rename(tmp, mirror);
  });
  return mirror;
}

function fetchError(repoUri: string, reason: string): MlflowError {
  return new MlflowError('RESOURCE_DOES_NOT_EXIST', `Could not fetch the git repository ${repoUri}: ${reason}`);
}

/** A fresh working tree of `repoUri` at `version` (default: the remote's HEAD branch). */
export async function checkoutGitRepo(repoUri: string, version: string | undefined, cacheDir: string): Promise<string> {
  const mirror = await updateMirror(repoUri, cacheDir);
  const checkouts = path.join(cacheDir, 'checkouts');
  await mkdir(checkouts, { recursive: true });
  const dst = path.join(checkouts, `${path.basename(mirror, '.git')}-${Date.now()}-${randomBytes(4).toString('hex')}`);
  const clone = await git(['clone', '--quiet', '--shared', mirror, dst]);
  if (!clone.ok) throw fetchError(repoUri, gitReason(clone));
  // The checkout's origin is the project's URI (MLflow records it as mlflow.source.git.repoURL).
  await git(['remote', 'set-url', 'origin', repoUri], dst);
  if (version !== undefined) {
    const co = version.startsWith('-') ? undefined : await git(['checkout', '--quiet', version, '--'], dst);
    if (!co?.ok) {
      await rm(dst, { recursive: true, force: true });
      throw new MlflowError(
        'RESOURCE_DOES_NOT_EXIST',
        `Unable to checkout version '${version}' of git repo ${repoUri} - please ensure that the version exists in the repo.`,
      );
    }
  }
  if (existsSync(path.join(dst, '.gitmodules'))) {
    const sub = await git(['submodule', 'update', '--init', '--recursive'], dst);
    if (!sub.ok) throw fetchError(repoUri, gitReason(sub));
  }
  return dst;
}

export async function fetchProject(uri: string, opts: FetchOptions = {}): Promise<FetchedProject> {
  const cwd = opts.cwd ?? process.cwd();
  const { uri: repoUri, subdirectory } = parseSubdirectory(uri);
  if (/\.zip$/i.test(repoUri)) {
    throw MlflowError.invalidParameter(`ZIP project URIs are not supported by mlflow-ts (got ${repoUri})`);
  }
  const localPath = path.resolve(cwd, fileUriPath(repoUri));
  const local = await isDirectory(localPath);
  let root: string;
  if (local && opts.version === undefined) {
    root = localPath;
  } else if (local) {
    if (!(await isGitRepo(localPath))) {
      throw MlflowError.invalidParameter('Setting a version is only supported for Git project URIs');
    }
    root = await checkoutGitRepo(localPath, opts.version, opts.cacheDir ?? defaultProjectsCacheDir(opts.env));
  } else if (looksLikePath(repoUri)) {
    throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `No project directory at ${localPath}`);
  } else {
    root = await checkoutGitRepo(repoUri, opts.version, opts.cacheDir ?? defaultProjectsCacheDir(opts.env));
  }
  const workDir = path.resolve(root, subdirectory);
  if (!(await isDirectory(workDir))) {
    throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `Could not find subdirectory ${subdirectory} of ${root}`);
  }
  return { workDir, repoUri: local ? localPath : repoUri, subdirectory, local };
}
