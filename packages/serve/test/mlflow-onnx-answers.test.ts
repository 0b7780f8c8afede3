/**
 * Replays the requests recorded against MLflow 3.6's own `mlflow models serve` (see
 * fixtures/mlflow-onnx-serving/record.py) on the same ONNX model directories, and compares our
 * answers with MLflow's: the status, the error code, and the predictions exactly.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFlavorRegistry } from '@mlflow-ts/format';
import { onnxFlavor } from '@mlflow-ts/flavor-onnx';
import { loadModel } from '../src/load-model.js';
import { createScoringServer } from '../src/scoring-server.js';
import type { ScoringServer } from '../src/scoring-server.js';
import type { ServableModel } from '../src/servable-model.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/mlflow-onnx-serving');

interface Answer {
  model: string;
  case: string;
  content_type: string;
  request: unknown;
  status: number;
  response: { predictions?: unknown; error_code?: string } | string;
  /** MLflow's exact response body, for 200 answers. */
  response_text?: string;
}

/**
 * Where we answer on purpose where MLflow fails: CSV for a tensor signature trips MLflow 3.6's own
 * `Schema.pandas_types()` ("TensorSpec only supports numpy types") before the model is called. We
 * score the CSV as the equivalent `dataframe_split` (the answer recorded for that case), since no
 * MLflow client can depend on that failure.
 */
const DIVERGENCES: Record<string, string> = { 'linear-tensor/csv': 'dataframe-split' };

const recorded = JSON.parse(await readFile(path.join(dir, 'answers.json'), 'utf8')) as { answers: Answer[] };
const modelNames = [...new Set(recorded.answers.map((a) => a.model))];
const servers = new Map<string, { server: ScoringServer; model: ServableModel }>();

beforeAll(async () => {
  const registry = createFlavorRegistry([onnxFlavor()]);
  for (const name of modelNames) {
    const model = await loadModel(path.join(dir, 'models', name), { registry });
    const server = await createScoringServer({ models: [{ name, model }], port: 0, log: () => {} });
    servers.set(name, { server, model });
  }
});

afterAll(async () => {
  for (const { server, model } of servers.values()) {
    await server.close();
    await model.dispose();
  }
});

describe.each(modelNames)('%s: /invocations answers as MLflow 3.6 does', (name) => {
  it.each(recorded.answers.filter((a) => a.model === name).map((a) => [a.case, a] as const))('%s', async (_case, a) => {
    const { server } = servers.get(name)!;
    const body = typeof a.request === 'string' ? a.request : JSON.stringify(a.request);
    const r = await fetch(`${server.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': a.content_type },
      body,
    });
    const text = await r.text();
    const instead = DIVERGENCES[`${name}/${a.case}`];
    if (instead !== undefined) {
      expect(a.status).toBe(400); // still what MLflow does; if a new recording fixes it, drop the divergence
      const same = recorded.answers.find((b) => b.model === name && b.case === instead)!;
      expect(r.status).toBe(same.status);
      expect(JSON.parse(text)).toEqual(same.response);
      return expect(text).toBe(same.response_text);
    }
    expect(r.status).toBe(a.status);
    if (typeof a.response === 'string') return expect(text).toBe(a.response);
    const ours = JSON.parse(text) as { predictions?: unknown; error_code?: string };
    if (a.status === 200) {
      expect(ours).toEqual(a.response);
      expect(text).toBe(a.response_text); // byte for byte: Python's separators, float repr, `4.0`
    } else {
      expect(ours.error_code).toBe(a.response.error_code);
    }
  });
});
