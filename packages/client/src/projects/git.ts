/**
 * The git facts MLflow records for a project run and the git operations that fetch a project, done
 * with the `git` binary (as GitPython does underneath). Every call is bounded by a timeout.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';

export interface GitResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

export function git(args: string[], cwd?: string, timeoutMs = 10 * 60_000): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile(
      'git',
      args,
      {
        cwd,
        timeout: timeoutMs,
        windowsHide: true,
        maxBuffer: 16 * 1024 * 1024,
        // Never prompt for credentials: a project fetch must fail, not hang.
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
      },
      (err, stdout, stderr) => resolve({ ok: !err, stdout: String(stdout ?? ''), stderr: String(stderr ?? '') }),
    );
  });
}

/** The first line git printed on stderr that says what went wrong. */
export function gitReason(r: GitResult): string {
  const lines = r.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.find((l) => /^(fatal|error):/.test(l)) ?? lines[0] ?? 'git failed';
}

/** The working tree root holding `dir`, or undefined when `dir` is not in a git repository. */
export async function gitTopLevel(dir: string): Promise<string | undefined> {
  const r = await git(['rev-parse', '--show-toplevel'], dir, 10_000);
  return r.ok ? r.stdout.trim() || undefined : undefined;
}

/** MLflow's `get_git_commit`: HEAD of the repository holding `dir`, unless `dir` is git-ignored. */
export async function gitCommitOf(dir: string): Promise<string | undefined> {
  const head = await git(['rev-parse', 'HEAD'], dir, 10_000);
  const sha = head.stdout.trim();
  if (!head.ok || !/^[0-9a-f]{40,64}$/.test(sha)) return undefined;
  const ignored = await git(['check-ignore', '-q', dir], dir, 10_000);
  return ignored.ok ? undefined : sha;
}

/** MLflow's `get_git_repo_url`: the URL of the repository's first remote. */
export async function gitRepoUrl(dir: string): Promise<string | undefined> {
  const remotes = await git(['remote'], dir, 10_000);
  const first = remotes.ok
    ? remotes.stdout
        .split('\n')
        .map((l) => l.trim())
        .find(Boolean)
    : undefined;
  if (!first) return undefined;
  const url = await git(['remote', 'get-url', first], dir, 10_000);
  return url.ok ? url.stdout.trim() || undefined : undefined;
}

/** MLflow's `_is_valid_branch_name`: `version` names a local branch of the checkout at `dir`. */
export async function isGitBranch(dir: string, version: string | undefined): Promise<boolean> {
  if (version === undefined) return false;
  return (await git(['rev-parse', '--verify', '--quiet', `refs/heads/${version}`], dir, 10_000)).ok;
}

/** MLflow's `_get_git_url_if_present`: `file://<repo root>#<subdir>` for a directory inside a repo. */
export async function gitUrlIfPresent(dir: string): Promise<string> {
  const top = await gitTopLevel(dir);
  if (top === undefined) return dir;
  const rel = path.relative(top, dir).split(path.sep).join('/');
  return rel === '' ? `file://${top}` : `file://${top}#${rel}`;
}

/** Whether `dir` is a git repository with at least one branch (MLflow's `_is_git_repo`). */
export async function isGitRepo(dir: string): Promise<boolean> {
  const r = await git(['for-each-ref', '--count=1', 'refs/heads'], dir, 10_000);
  return r.ok && r.stdout.trim() !== '';
}
