/** gRPC specifics: status table + exact code in metadata, malformed protobuf, large streams, graceful close. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRPC_STATUS } from '@mlflow-ts/format';
import { readAll } from '@mlflow-ts/format/testing';
import { createGrpcStore } from '../client/stores.js';
import { rawGrpcCall, startTestServer, type TestServer } from '../../test/helpers.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

const rawCall = async (method: string, body: Buffer) => (await rawGrpcCall(s.grpcAddress, method, body)).error;

describe('gRPC store service', () => {
  it('maps MLflow codes to gRPC statuses and sends the exact code in trailing metadata', async () => {
    // GetExperiment with experiment_id "nope" (field 1, length 4)
    const notFound = await rawCall('/mlflow_ts.Tracking/GetExperiment', Buffer.from([0x0a, 4, ...Buffer.from('nope')]));
    expect(notFound?.code).toBe(GRPC_STATUS.NOT_FOUND);
    expect(notFound?.metadata.get('mlflow-error-code')).toEqual(['RESOURCE_DOES_NOT_EXIST']);

    const missing = await rawCall('/mlflow_ts.Tracking/GetExperiment', Buffer.alloc(0));
    expect(missing?.code).toBe(GRPC_STATUS.INVALID_ARGUMENT);
    expect(missing?.metadata.get('mlflow-error-code')).toEqual(['INVALID_PARAMETER_VALUE']);
    expect(missing?.details).toBe("Missing value for required parameter 'experiment_id'.");
  });

  it('answers malformed protobuf with INVALID_ARGUMENT', async () => {
    // an unknown field 15 with wire type 7, which does not exist
    const garbage = Buffer.from([0x7f, 0x01]);
    const err = await rawCall('/mlflow_ts.Tracking/GetExperiment', garbage);
    expect(err?.code).toBe(GRPC_STATUS.INVALID_ARGUMENT);
    expect(err?.metadata.get('mlflow-error-code')).toEqual(['MALFORMED_REQUEST']);
  });

  it('round-trips the same errors through the client as MlflowError codes', async () => {
    const remote = createGrpcStore({ address: s.grpcAddress });
    const id = await remote.tracking.createExperiment({ name: 'grpc-dup' });
    await expect(remote.tracking.createExperiment({ name: 'grpc-dup' })).rejects.toMatchObject({
      code: 'RESOURCE_ALREADY_EXISTS',
    });
    expect(await remote.tracking.getExperimentByName('grpc-missing')).toBeNull();
    expect((await remote.tracking.getExperiment(id)).name).toBe('grpc-dup');
    await remote.close();
  });

  it('streams a 24 MiB artifact up and down in chunks', async () => {
    const remote = createGrpcStore({ address: s.grpcAddress });
    const repo = remote.artifacts('mlflow-artifacts:/big');
    const chunk = new Uint8Array(1 << 20).map((_, i) => i % 251);
    async function* source() {
      for (let i = 0; i < 24; i++) yield chunk;
    }
    await repo.writeArtifact('blob.bin', source());
    expect(await repo.listArtifacts()).toEqual([{ path: 'blob.bin', is_dir: false, file_size: 24 << 20 }]);
    let total = 0;
    let chunks = 0;
    for await (const c of await repo.readArtifact('blob.bin')) {
      total += c.length;
      chunks++;
    }
    expect(total).toBe(24 << 20);
    expect(chunks).toBeGreaterThan(24);
    await expect(repo.readArtifact('missing.bin')).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
    const { bytes } = await readAll(await repo.readArtifact('blob.bin'));
    expect(bytes.subarray((1 << 20) - 2, (1 << 20) + 2)).toEqual(
      new Uint8Array([((1 << 20) - 2) % 251, ((1 << 20) - 1) % 251, 0, 1]),
    );
    await remote.close();
  });
});

describe('graceful close', () => {
  it('finishes an in-flight REST request, then refuses new connections', async () => {
    const t = await startTestServer({ grpcPort: undefined });
    const slow = t.tracking.searchExperiments.bind(t.tracking);
    let entered!: () => void;
    const inHandler = new Promise<void>((r) => (entered = r));
    t.tracking.searchExperiments = async (req) => {
      entered();
      await new Promise((r) => setTimeout(r, 300));
      return slow(req);
    };
    const inFlight = fetch(`${t.baseUrl}/api/2.0/mlflow/experiments/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"max_results": 5}',
    });
    await inHandler;
    const closing = t.close();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { experiments: unknown[] }).experiments.length).toBeGreaterThan(0);
    await closing;
    await expect(fetch(`${t.baseUrl}/health`)).rejects.toThrow();
  });
});
