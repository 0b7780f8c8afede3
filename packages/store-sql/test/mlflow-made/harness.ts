/**
 * Replays MLflow's recorded REST answers (test/fixtures/mlflow-made/answers-*.json, made by record.py
 * through MLflow 3.6's own server) against our REST server over our SQL stores on the same database.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStoreServer } from '@mlflow-ts/store-grpc/server';
import { createSqlStore } from '../../src/sql-store.js';
import { createSqlRegistryStore } from '../../src/registry/index.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/mlflow-made');

export interface Recorded {
  name: string;
  method: string;
  path: string;
  params: Record<string, string | number | string[]> | null;
  body: unknown;
  status: number;
  response: unknown;
}

export interface Recording {
  mlflow_version: string;
  /** `sqlite` or `postgres` (MLflow-made), `… (written by mlflow-ts)` for ours. */
  backend: string;
  ids: {
    experiments: Record<string, string>;
    runs: Record<string, string>;
    logged_models: Record<string, string>;
    traces: Record<string, string>;
  };
  records: Recorded[];
}

export function loadRecording(file: string): Recording {
  return JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Recording;
}

/** The store capability a recorded read needs (the test names which ones it covers). */
export function capabilityOf(rec: Recorded): 'tracking' | 'registry' | 'logged-models' | 'traces' {
  if (rec.path.includes('/traces')) return 'traces';
  if (rec.path.includes('/logged-models')) return 'logged-models';
  if (rec.path.includes('/registered-models') || rec.path.includes('/model-versions')) return 'registry';
  return 'tracking';
}

export interface OurServer {
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * Our REST server (createStoreServer) on 127.0.0.1:0 over createSqlStore on `uri` (tracking, logged
 * models, traces) and the SQL registry on the same connection.
 */
export async function startOurServer(uri: string): Promise<OurServer> {
  const dir = await mkdtemp(join(tmpdir(), 'mlflow-ts-mlflow-made-'));
  const tracking = await createSqlStore({ uri, defaultArtifactRoot: 'mlflow-artifacts:' });
  const registry = createSqlRegistryStore(tracking.connection, { trackingStore: tracking });
  const server = createStoreServer({ tracking, registry, artifacts: { root: join(dir, 'mlartifacts') }, port: 0 });
  const { httpPort } = await server.listen();
  return {
    baseUrl: `http://127.0.0.1:${httpPort}`,
    async close() {
      await server.close();
      await tracking.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Sends a recorded request as MLflow's client (python `requests`) sent it: list params repeat the key. */
export async function replay(baseUrl: string, rec: Recorded): Promise<{ status: number; response: unknown }> {
  const url = new URL(baseUrl + rec.path);
  for (const [key, value] of Object.entries(rec.params ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(v));
  }
  const init: RequestInit = { method: rec.method };
  if (rec.body !== null && rec.body !== undefined) {
    init.body = JSON.stringify(rec.body);
    init.headers = { 'content-type': 'application/json' };
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let response: unknown = text;
  try {
    response = JSON.parse(text);
  } catch {
    // not JSON: compared as text
  }
  return { status: res.status, response };
}

/** Arrays MLflow's SQL store returns in storage order (a relationship without ORDER BY): compared as sets. */
const UNORDERED = new Set(['tags', 'params', 'aliases']);

function byJson(a: unknown, b: unknown): number {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The one normalisation applied to both sides: arrays whose order MLflow leaves to the database
 * (tags, params, aliases, a run's latest metrics in `data.metrics`) are sorted. Nothing else is touched.
 */
export function normalize(value: unknown, key = '', parent = ''): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => normalize(v));
    return UNORDERED.has(key) || (parent === 'data' && key === 'metrics') ? items.sort(byJson) : items;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = normalize(v, k, key);
    return out;
  }
  return value;
}
