/**
 * What the built-CLI server tests share: a suite's temp dir, the built CLI, the servers and PostgreSQL
 * databases it started (all stopped and dropped after), the REST call, and the "log batches until
 * SIGKILL" load of the fault tests.
 */
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@mlflow-ts/store-sql/testing';
import { tempDir } from './cli-harness.js';
import { ensureCliBuilt, spawnCli, stopProcess, waitForOutput, type CliProcess } from './built-cli.js';

export interface BuiltCliSuite {
  /** The suite's temp dir (set once `beforeAll` has run). */
  readonly tmp: string;
  /** Starts `mlflow-ts server <args>` and waits for its address; stopped after the suite. */
  startServer(args: string[], opts?: { cwd?: string }): Promise<{ p: CliProcess; url: string }>;
  /** A fresh PostgreSQL database, dropped after the suite. */
  postgres(prefix?: string): Promise<string>;
}

/** Registers the suite's set-up and tear-down; call at module level. */
export function builtCliSuite(prefix: string): BuiltCliSuite {
  let tmp = '';
  let cleanup: () => Promise<void> = async () => {};
  const servers: CliProcess[] = [];
  const dbs: TestDatabase[] = [];
  beforeAll(async () => {
    ({ dir: tmp, cleanup } = await tempDir(prefix));
    await ensureCliBuilt();
  }, 180_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => stopProcess(s)));
    await cleanup();
    for (const d of dbs) await d.drop();
  });
  return {
    get tmp() {
      return tmp;
    },
    async startServer(args, opts = {}) {
      const p = spawnCli(['server', ...args], opts.cwd ? { cwd: opts.cwd } : {});
      servers.push(p);
      const m = await waitForOutput(p, /listening on (http:\/\/127\.0\.0\.1:\d+)/, 60_000);
      return { p, url: m[1]! };
    },
    async postgres(dbPrefix) {
      const tdb = await createTestDatabase(dbPrefix);
      dbs.push(tdb);
      return tdb.uri;
    },
  };
}

/** POSTs `body` (or GETs without one) to MLflow's REST API; a non-2xx answer throws with its error code. */
export async function callApi<T>(url: string, route: string, body?: unknown): Promise<T> {
  const res =
    body === undefined
      ? await fetch(`${url}/api/2.0/mlflow/${route}`)
      : await fetch(`${url}/api/2.0/mlflow/${route}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
  const json = (await res.json()) as T & { error_code?: string };
  if (!res.ok)
    throw Object.assign(new Error(`${route}: ${res.status} ${JSON.stringify(json)}`), { code: json.error_code });
  return json;
}

/**
 * Four clients log 100-metric batches (metric `m<c>`, step = batch number, param `c<c>.p<b>`, tag
 * `c<c>.t<b>`) into one run until `minAcked` batches are acknowledged, then the server is SIGKILLed.
 * Returns, per client, the batch numbers the server acknowledged.
 */
export async function logBatchesUntilKilled(
  p: CliProcess,
  url: string,
  runId: string,
  minAcked: number,
): Promise<number[][]> {
  const acked: number[][] = [[], [], [], []];
  let killed = false;
  const client = async (c: number) => {
    for (let b = 0; !killed; b++) {
      const metrics = Array.from({ length: 100 }, (_, i) => ({ key: `m${c}`, value: i, timestamp: 1000 + b, step: b }));
      try {
        await callApi(url, 'runs/log-batch', {
          run_id: runId,
          metrics,
          params: [{ key: `c${c}.p${b}`, value: String(b) }],
          tags: [{ key: `c${c}.t${b}`, value: 'x' }],
        });
      } catch {
        return; // the server is gone
      }
      acked[c]!.push(b);
    }
  };
  const clients = [0, 1, 2, 3].map(client);
  while (acked.reduce((n, a) => n + a.length, 0) < minAcked) await new Promise((r) => setTimeout(r, 20));
  p.child.kill('SIGKILL');
  killed = true;
  await p.exited;
  await Promise.all(clients);
  return acked;
}
