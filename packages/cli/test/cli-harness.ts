/** Runs the CLI in-process with captured output, and makes throwaway mlruns directories. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach } from 'vitest';
import { createFsTrackingStore, type FsTrackingStore } from '@mlflow-ts/store-fs';
import { Command } from 'commander';
import type { CommandGroup } from '../src/cli-context.js';
import { main, type MainOptions } from '../src/main.js';
import { modelsServeCommand } from '../src/commands/models/serve-command.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const fixturesRoot = path.resolve(repoRoot, 'fixtures');

export async function runCli(
  args: string[],
  opts: { env?: Record<string, string>; stderrIsTTY?: boolean } & Omit<MainOptions, 'io'> = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const { env, stderrIsTTY, ...rest } = opts;
  const code = await main(['node', 'mlflow-ts', ...args], {
    ...rest,
    io: {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      stderrIsTTY: stderrIsTTY ?? false,
      env: env ?? {},
    },
  });
  return { code, stdout, stderr };
}

/** Runs the CLI and expects exit 0; returns stdout. */
export async function cliOk(args: string[], env?: Record<string, string>): Promise<string> {
  const r = await runCli(args, env ? { env } : {});
  if (r.code !== 0) throw new Error(`mlflow-ts ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

export async function tempDir(prefix = 'mlflow-ts-cli-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A CliIO that records what is written (for `main(argv, { io })`). */
export function captureIo(env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: (t: string) => void out.push(t),
      stderr: (t: string) => void err.push(t),
      stderrIsTTY: false,
      env,
    },
  };
}

export interface InProcessServer {
  /** What the server printed so far. */
  lines: string[];
  /** http://127.0.0.1:<port> from its first line. */
  url: string;
  /** Waits until a printed line matches `re`. */
  waitForLine(re: RegExp): Promise<RegExpMatchArray>;
  /** Aborts it and waits until it has shut down. */
  stop(): Promise<void>;
}

/** Starts `runServer`/`runUi` in this process; resolves once it has printed where it listens. */
export async function startInProcess(
  run: (ctx: { print: (line: string) => void }, signal: AbortSignal) => Promise<void>,
): Promise<InProcessServer> {
  const lines: string[] = [];
  const controller = new AbortController();
  let failed: unknown;
  const running = run({ print: (l) => lines.push(l) }, controller.signal).catch((e: unknown) => {
    failed = e ?? new Error('server failed');
  });
  const waitForLine = async (re: RegExp): Promise<RegExpMatchArray> => {
    for (;;) {
      for (const l of lines) {
        const m = re.exec(l);
        if (m) return m;
      }
      if (failed) throw failed;
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const url = (await waitForLine(/http:\/\/127\.0\.0\.1:\d+/))[0];
  return {
    lines,
    url,
    waitForLine,
    async stop() {
      controller.abort();
      await running;
      if (failed) throw failed;
    },
  };
}

export interface FileStoreFixture {
  /** This test's temp dir. */
  readonly dir: string;
  /** `<dir>/mlruns`, the file store's root. */
  readonly uri: string;
  readonly store: FsTrackingStore;
  /** Runs the CLI on this store (`--backend-store-uri <uri>` appended); expects exit 0, returns stdout. */
  cli(args: string[]): Promise<string>;
  /** The same, returning the whole result whatever the exit code. */
  run(args: string[]): Promise<CliResult>;
}

/** Per test: a fresh temp dir with a file store at `<dir>/mlruns` (closed and removed after the test). */
export function useFileStore(opts: { prefix?: string; cacheDir?: null } = {}): FileStoreFixture {
  let current: { dir: string; uri: string; store: FsTrackingStore; cleanup: () => Promise<void> } | undefined;
  const get = () => {
    if (!current) throw new Error('useFileStore: only inside a test');
    return current;
  };
  beforeEach(async () => {
    const { dir, cleanup } = await tempDir(opts.prefix);
    const uri = path.join(dir, 'mlruns');
    const store = createFsTrackingStore(opts.cacheDir === null ? { root: uri, cacheDir: null } : { root: uri });
    current = { dir, uri, store, cleanup };
  });
  afterEach(async () => {
    const c = current;
    current = undefined;
    await c?.store.close?.();
    await c?.cleanup();
  });
  return {
    get dir() {
      return get().dir;
    },
    get uri() {
      return get().uri;
    },
    get store() {
      return get().store;
    },
    cli: (args) => cliOk([...args, '--backend-store-uri', get().uri]),
    run: (args) => runCli([...args, '--backend-store-uri', get().uri]),
  };
}

/** Per test: a fresh temp dir (removed after the test). */
export function useTempDir(prefix?: string): { readonly dir: string } {
  let current: { dir: string; cleanup: () => Promise<void> } | undefined;
  beforeEach(async () => {
    current = await tempDir(prefix);
  });
  afterEach(async () => {
    const c = current;
    current = undefined;
    await c?.cleanup();
  });
  return {
    get dir() {
      if (!current) throw new Error('useTempDir: only inside a test');
      return current.dir;
    },
  };
}

/**
 * Runs `mlflow-ts models serve <args>` in-process; once it listens, `check(url)` runs against it and the
 * server is closed. Resolves with the command's result after `check` has finished (its failure rethrown).
 */
export async function serveModelAndCheck(
  args: string[],
  check: (url: string) => Promise<void>,
  env?: Record<string, string>,
): Promise<CliResult> {
  let checked: Promise<void> | undefined;
  const group: CommandGroup = (ctx) =>
    new Command('models').addCommand(
      modelsServeCommand(ctx, {
        onListening: (server) => {
          checked = check(server.url).finally(() => server.close());
        },
      }),
    );
  const r = await runCli(['models', 'serve', ...args], { groups: [group], ...(env ? { env } : {}) });
  await checked;
  return r;
}
