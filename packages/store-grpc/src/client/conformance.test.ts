/**
 * Every conformance suite through the REST and the gRPC client → one real server → store-fs in a temp
 * dir (registry: the memory registry store; artifacts: the proxied API / the Artifacts streams; traces:
 * MLflow's trace routes + OTLP/HTTP / the Traces service + OTLP/gRPC), and logging a saved model.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { downloadModel, logSavedModel } from '@mlflow-ts/format/node';
import {
  runArtifactRepositoryConformance,
  runLoggedModelStoreConformance,
  runRegistryStoreConformance,
  runTraceStoreConformance,
  runTrackingStoreConformance,
} from '@mlflow-ts/format/testing';
import { startTestServer, type TestServer } from '../../test/helpers.js';
import { createGrpcStore, createRestStore } from './stores.js';
import type { RemoteStore } from './stores.js';

let shared: Promise<TestServer> | undefined;
const server = () => (shared ??= startTestServer({ store: 'fs' }));
afterAll(async () => {
  await (await shared)?.close();
});

const CLIENTS = [
  ['REST', async () => createRestStore({ baseUrl: (await server()).baseUrl })],
  ['gRPC', async () => createGrpcStore({ address: (await server()).grpcAddress })],
] as const satisfies readonly (readonly [string, () => Promise<RemoteStore>])[];

for (const [kind, connect] of CLIENTS) {
  const suite = `${kind} client → server → store-fs`;
  const tracking = async () => {
    const remote = await connect();
    return { store: remote.tracking, cleanup: () => remote.close() };
  };
  runTrackingStoreConformance(suite, tracking);
  runLoggedModelStoreConformance(suite, tracking);
  runTraceStoreConformance(suite, tracking);
  runRegistryStoreConformance(`${kind} client → server → memory registry`, async () => {
    const remote = await connect();
    return { store: remote.registry, cleanup: () => remote.close() };
  });
  runArtifactRepositoryConformance(`${kind} client → server → artifact destination`, async () => {
    const remote = await connect();
    const repo = remote.artifacts(`mlflow-artifacts:/conformance/${globalThis.crypto.randomUUID()}`);
    return { repo, cleanup: () => remote.close() };
  });
}

describe('our TypeScript client logs MLflow 3 models to our server', () => {
  for (const [kind, connect] of CLIENTS) {
    it(`${kind}: logSavedModel → models:/<model_id> downloads, registers and lists under the run`, async () => {
      const remote = await connect();
      try {
        const run = await remote.tracking.createRun({});
        const save = async (dir: string, extra: Record<string, unknown>) => {
          await mkdir(dir, { recursive: true });
          await writeFile(path.join(dir, 'MLmodel'), `flavors: {}\nmodel_id: ${String(extra.model_id)}\n`);
          await writeFile(path.join(dir, 'weights.bin'), 'w1');
          return { flavors: {}, ...extra } as never;
        };
        const info = await logSavedModel({ ...remote, artifacts: remote.artifacts }, run.info.run_id, 'model', save, {
          registeredModelName: `lm-${kind}`,
        });
        expect(info.modelUri).toMatch(/^models:\/m-[0-9a-f]{32}$/);
        const model = await remote.tracking.getLoggedModel!(info.modelId!);
        expect(model.info.status).toBe('LOGGED_MODEL_READY');
        expect(info.modelVersion).toMatchObject({
          source: info.modelUri,
          model_id: info.modelId,
          run_id: run.info.run_id,
        });
        const local = await downloadModel(info.modelUri, { tracking: remote.tracking, artifacts: remote.artifacts });
        try {
          expect(await readFile(path.join(local.dir, 'weights.bin'), 'utf8')).toBe('w1');
        } finally {
          await local.cleanup();
        }
        const tags = (await remote.tracking.getLoggedModel!(info.modelId!)).info.tags;
        // our server's handler and our client each record the version, as MLflow's server and client do
        expect(tags.find((t) => t.key === 'mlflow.modelVersions')?.value).toBe(
          `[{"name": "lm-${kind}", "version": 1}, {"name": "lm-${kind}", "version": "1"}]`,
        );
        expect((await remote.tracking.getRun(run.info.run_id)).outputs?.model_outputs).toEqual([
          { model_id: info.modelId, step: 0 },
        ]);
      } finally {
        await remote.close();
      }
    });
  }
});
