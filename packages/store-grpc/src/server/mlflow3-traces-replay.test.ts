/**
 * Replays what MLflow 3.6's Python client sent while tracing (test/fixtures/mlflow3-traces: the
 * script trace_flow.py, recorded through record-proxy.mjs against MLflow's own server on SQLite) to
 * our server, and compares every answer with MLflow's, field by field. Only experiment timestamps
 * and the server version string are normalised; trace ids and times come from the client's requests.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/helpers.js';

interface Exchange {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  status: number;
  response: string;
}

const dir = join(dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/mlflow3-traces');
const exchanges: Exchange[] = readFileSync(join(dir, 'mlflow-server.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Exchange);

const bytes = (s: string): Uint8Array =>
  s.startsWith('base64:') ? Buffer.from(s.slice(7), 'base64') : Buffer.from(s, 'utf8');

function parse(text: string): unknown {
  const raw = Buffer.from(bytes(text)).toString('utf8');
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** Fields that differ between any two servers by nature (clock, version). */
function normalize(v: unknown, url: string): unknown {
  if (url === '/version') return 'VERSION';
  return JSON.parse(
    JSON.stringify(v, (key, value) => (key === 'creation_time' || key === 'last_update_time' ? 'TIME' : value)),
  );
}

for (const store of ['memory', 'fs'] as const) {
  describe(`MLflow 3.6 tracing client replayed against our server (${store} store)`, () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer({ store, grpcPort: undefined });
    });
    afterAll(async () => {
      await s?.close();
    });

    it('answers every recorded request as MLflow did', async () => {
      expect(exchanges.length).toBeGreaterThan(20);
      // The file store picks random experiment ids: requests get ours, answers are compared with MLflow's id.
      let ours: string | undefined;
      const theirs = '1';
      const toOurs = (text: string) =>
        ours === undefined
          ? text
          : text
              .replaceAll(`"experiment_id": "${theirs}"`, `"experiment_id": "${ours}"`)
              .replaceAll(`experiment_id=${theirs}`, `experiment_id=${ours}`);
      for (const [i, ex] of exchanges.entries()) {
        const headers = { ...ex.headers };
        if (ours !== undefined && headers['x-mlflow-experiment-id'] === theirs)
          headers['x-mlflow-experiment-id'] = ours;
        const init: RequestInit = { method: ex.method, headers };
        if (ex.body !== '')
          init.body = ex.body.startsWith('base64:') ? new Uint8Array(bytes(ex.body)) : toOurs(ex.body);
        const res = await fetch(s.baseUrl + toOurs(ex.url), init);
        let text = Buffer.from(await res.arrayBuffer()).toString('utf8');
        if (ex.url.endsWith('/experiments/create') && res.status === 200)
          ours = (JSON.parse(text) as { experiment_id: string }).experiment_id;
        if (ours !== undefined)
          text = text.replaceAll(`"${ours}"`, `"${theirs}"`).replaceAll(`:/${ours}`, `:/${theirs}`);
        const got = normalize(parse(text), ex.url);
        const want = normalize(parse(ex.response), ex.url);
        const label = `#${i} ${ex.method} ${ex.url.slice(0, 90)}`;
        expect(res.status, label).toBe(ex.status);
        expect(got, label).toEqual(want);
      }
    });
  });
}
