/**
 * MLflow 3.6's prompt registry (`mlflow.genai.register_prompt`, `load_prompt`, `search_prompts`) and
 * its registry searches with the prompt filter the client appends: the requests its Python client
 * sent, replayed against our server, answered as MLflow's own server answered them
 * (test/fixtures/mlflow3-prompts, recorded by hand).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, comparableAnswer, startTestServer, type TestServer } from '../../test/helpers.js';

interface Exchange {
  method: string;
  path: string;
  request?: unknown;
  status: number;
  response?: unknown;
}

const fixture = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../test/fixtures/mlflow3-prompts/exchanges.json',
);
const exchanges = JSON.parse(await readFile(fixture, 'utf8')) as Exchange[];

const normalise = (v: unknown) => comparableAnswer(v, (k) => k.endsWith('_timestamp'));

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ store: 'fs', grpcPort: undefined });
});
afterAll(async () => {
  await s?.close();
});

describe('MLflow 3.6 prompt registry, replayed', () => {
  it('answers every recorded request as MLflow did, in order', async () => {
    expect(exchanges.length).toBeGreaterThan(5);
    for (const x of exchanges) {
      const r = await http(s.baseUrl, x.method, x.path, x.request);
      expect({ call: `${x.method} ${x.path}`, status: r.status }).toEqual({
        call: `${x.method} ${x.path}`,
        status: x.status,
      });
      if (x.status === 200) expect(normalise(r.json), `${x.method} ${x.path}`).toEqual(normalise(x.response));
      else
        expect((r.json as { error_code: string }).error_code).toBe((x.response as { error_code: string }).error_code);
    }
  });

  it('still validates the source of a model version that is not a prompt', async () => {
    await http(s.baseUrl, 'POST', '/api/2.0/mlflow/registered-models/create', { name: 'plain' });
    const r = await http(s.baseUrl, 'POST', '/api/2.0/mlflow/model-versions/create', {
      name: 'plain',
      source: 'dummy-source',
    });
    expect(r.status).toBe(400);
    expect((r.json as { error_code: string }).error_code).toBe('INVALID_PARAMETER_VALUE');
  });
});
