/**
 * The compiled CLI as a user runs it: `node packages/cli/bin/mlflow-ts.js …` in its own process.
 * Tests do not build anything: turbo runs `build` before this package's `test` (see turbo.json), and
 * by hand `npx turbo run build --filter=@mlflow-ts/cli...` does the same. `ensureCliBuilt()` and
 * `ensurePackageBuilt()` only check that dist/ is there and not older than src/, so a stale binary
 * fails with that command instead of testing old code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from './cli-harness.js';

export const cliRoot = path.join(repoRoot, 'packages/cli');
export const cliBin = path.join(cliRoot, 'bin/mlflow-ts.js');

async function mtime(file: string): Promise<number> {
  return (await stat(file).catch(() => undefined))?.mtimeMs ?? -1;
}

/** src/**.ts (not tests) of the package at `root` with no dist/**.js at least as new. */
async function staleSources(root: string, dir = 'src'): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await staleSources(root, rel)));
    else if (/\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name)) {
      const js = path.join(root, 'dist', path.relative('src', rel).replace(/\.tsx?$/, '.js'));
      if ((await mtime(js)) < (await mtime(path.join(root, rel)))) out.push(rel);
    }
  }
  return out;
}

/** Fails, naming the turbo command to run, when the workspace package at `root` has no fresh dist/. */
export async function ensurePackageBuilt(root: string): Promise<void> {
  const stale = await staleSources(root);
  if (stale.length === 0) return;
  const { name } = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { name: string };
  const shown = stale.slice(0, 5).join(', ') + (stale.length > 5 ? `, … (${stale.length} files)` : '');
  throw new Error(
    `${name} is not built or its dist/ is older than ${shown}; run: npx turbo run build --filter=${name}...`,
  );
}

/** Fails when packages/cli's dist/ is missing or stale; a no-op otherwise. */
export function ensureCliBuilt(): Promise<void> {
  return ensurePackageBuilt(cliRoot);
}

export interface CliProcess {
  child: ChildProcess;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `mlflow-ts …` as its own process. `env` is added to a copy of process.env. */
export function spawnCli(args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}): CliProcess {
  const child = spawn(process.execPath, [cliBin, ...args], {
    cwd: opts.cwd ?? cliRoot,
    env: { ...process.env, NODE_OPTIONS: '', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => void (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => void (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Runs `mlflow-ts …` to completion. */
export async function runBuiltCli(args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}) {
  const p = spawnCli(args, opts);
  const { code } = await p.exited;
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

/** Waits until the process's stderr or stdout matches `re`; fails with its output if it exits first. */
export async function waitForOutput(p: CliProcess, re: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = re.exec(p.stderr()) ?? re.exec(p.stdout());
    if (m) return m;
    if (p.child.exitCode !== null || p.child.signalCode !== null) {
      throw new Error(
        `mlflow-ts exited (${p.child.exitCode ?? p.child.signalCode}) before printing ${re}:\n${p.stderr()}${p.stdout()}`,
      );
    }
    if (Date.now() > deadline)
      throw new Error(`mlflow-ts printed nothing matching ${re} in ${timeoutMs} ms:\n${p.stderr()}${p.stdout()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves with how it exited. */
export async function stopProcess(p: CliProcess, graceMs = 10_000) {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
  try {
    return await p.exited;
  } finally {
    clearTimeout(timer);
  }
}
