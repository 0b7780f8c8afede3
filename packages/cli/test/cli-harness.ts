/** Runs the CLI in-process with captured output, and makes throwaway mlruns directories. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main, type MainOptions } from '../src/main.js';

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
