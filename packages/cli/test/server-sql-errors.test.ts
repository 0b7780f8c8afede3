/**
 * `mlflow-ts server` on a SQL backend refuses bad input at start with one clear line and exit code 1 (no
 * stack trace, nothing listening): a wrong password, an unreachable host, a read-only SQLite file, an older
 * MLflow schema revision (naming `mlflow-ts db upgrade`), and `--workers` on the single-writer file store.
 */
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './cli-harness.js';
import { builtCliSuite } from './server-harness.js';
import { cliBin, cliRoot, runBuiltCli } from './built-cli.js';

const fixtures = path.join(repoRoot, 'packages/store-sql/test/fixtures');
const suite = builtCliSuite('mlflow-ts-server-sql-');

const serve = (uri: string, ...more: string[]) =>
  runBuiltCli(['server', '--backend-store-uri', uri, '--port', '0', '--no-ui', ...more]);

function expectOneLine(r: { code: number | null; stdout: string; stderr: string }, re: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).not.toMatch(/listening/);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(re);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('mlflow-ts server: bad SQL backends are one line at start', () => {
  it('a wrong password (redacted in the message)', async () => {
    const bad = new URL(await suite.postgres());
    bad.password = 'not-the-password';
    const r = await serve(bad.toString());
    expectOneLine(
      r,
      /^Error \(TEMPORARILY_UNAVAILABLE\): Cannot connect to postgresql:\/\/mlflow_ts_test:\*\*\*@127\.0\.0\.1:5432\/.*password authentication failed/,
    );
    expect(r.stderr).not.toContain('not-the-password');
  });

  it('an unreachable host', async () => {
    expectOneLine(
      await serve('postgresql://u:p@127.0.0.1:1/mlflow'),
      /^Error \(TEMPORARILY_UNAVAILABLE\): Cannot connect to postgresql:\/\/u:\*\*\*@127\.0\.0\.1:1\/mlflow: connect ECONNREFUSED/,
    );
  });

  it('a read-only SQLite file', async () => {
    const file = path.join(suite.tmp, 'readonly.db');
    copyFileSync(path.join(fixtures, 'mlflow-2.22.db'), file);
    chmodSync(file, 0o444);
    chmodSync(suite.tmp, 0o755);
    // root writes any file: run the server as nobody then, as a user whose database is read-only.
    const asRoot = process.getuid?.() === 0;
    const child = spawn(
      process.execPath,
      [cliBin, 'server', '--backend-store-uri', `sqlite:///${file}`, '--port', '0', '--no-ui'],
      {
        cwd: cliRoot,
        env: { ...process.env, NODE_OPTIONS: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => void (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
    const code = await new Promise<number | null>((done) => child.once('close', (c) => done(c)));
    expectOneLine(
      { code, stdout, stderr },
      /^Error \(INVALID_PARAMETER_VALUE\): Cannot open database sqlite:\/\/\/.*readonly\.db: attempt to write a readonly database/,
    );
  });

  it('an older MLflow revision names mlflow-ts db upgrade, and the database stays at it', async () => {
    const file = path.join(suite.tmp, 'old.db');
    copyFileSync(path.join(fixtures, 'mlflow-2.22.db'), file);
    const uri = `sqlite:///${file}`;
    expectOneLine(
      await serve(uri),
      /^Error \(INVALID_STATE\): Database sqlite:\/\/\/.*old\.db has MLflow schema revision 0584bdc529eb; .*run: mlflow-ts db upgrade sqlite:\/\/\//,
    );
    // Also with --workers: the primary checks once, so still one line.
    expectOneLine(await serve(uri, '--workers', '2'), /^Error \(INVALID_STATE\): .*mlflow-ts db upgrade/);
    const up = await runBuiltCli(['db', 'upgrade', uri]);
    expect(up.stdout).toContain('from 0584bdc529eb to bf29a5ff90ea');
  });

  it('--workers above 1 on the file store is refused', async () => {
    expectOneLine(
      await serve(path.join(suite.tmp, 'mlruns'), '--workers', '2'),
      /^Error: --workers 2 needs a SQL backend .*takes one writer process/,
    );
  });
});
