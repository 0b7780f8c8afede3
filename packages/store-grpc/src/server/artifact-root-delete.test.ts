/**
 * Nothing deletes the artifact root: every spelling of the root (`.`, `./`, percent-encoded, on
 * REST and gRPC) is refused with INVALID_PARAMETER_VALUE and the files under the root survive.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GRPC_STATUS } from '@mlflow-ts/format';
import { createGrpcStore } from '../client/stores.js';
import { rawGrpcCall, rawHttp, startTestServer, type TestServer } from '../../test/helpers.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});
beforeEach(async () => {
  await mkdir(join(s.artifactsDir, 'exp', 'run'), { recursive: true });
  await writeFile(join(s.artifactsDir, 'exp', 'run', 'model.txt'), 'keep me');
  await writeFile(join(s.artifactsDir, 'top.txt'), 'keep me too');
});

const rawDelete = (path: string) => rawHttp(s.baseUrl, 'DELETE', path);

function expectRootIntact(): void {
  expect(existsSync(join(s.artifactsDir, 'top.txt'))).toBe(true);
  expect(existsSync(join(s.artifactsDir, 'exp', 'run', 'model.txt'))).toBe(true);
}

const ROOT_SPELLINGS = [
  '',
  '.',
  '%2e',
  '%2E',
  './',
  '%2e%2f',
  '.%2f',
  './.',
  './/./',
  '%252e',
  '%252e%252f',
  '//',
  '/.',
  '/./',
];

describe('REST DELETE of the artifact root', () => {
  it.each(ROOT_SPELLINGS)('DELETE /api/2.0/mlflow-artifacts/artifacts/%s → 400, root intact', async (spelling) => {
    const res = await rawDelete(`/api/2.0/mlflow-artifacts/artifacts/${spelling}`);
    expect(res.status, res.body).toBe(400);
    expect(JSON.parse(res.body).error_code).toBe('INVALID_PARAMETER_VALUE');
    expectRootIntact();
  });

  it('still deletes a real sub-path, and a sub-path spelled with ./', async () => {
    expect((await rawDelete('/api/2.0/mlflow-artifacts/artifacts/./exp/run/model.txt')).status).toBe(200);
    expect(existsSync(join(s.artifactsDir, 'exp', 'run', 'model.txt'))).toBe(false);
    expect((await rawDelete('/api/2.0/mlflow-artifacts/artifacts/exp')).status).toBe(200);
    expect(existsSync(join(s.artifactsDir, 'exp'))).toBe(false);
    expect(existsSync(join(s.artifactsDir, 'top.txt'))).toBe(true);
  });
});

describe('gRPC Delete of the artifact root', () => {
  async function rawGrpcDelete(path: string): Promise<grpc.ServiceError | null> {
    const bytes = Buffer.from(path, 'utf8');
    // Delete request: field 1 (path), length-delimited.
    const body = Buffer.concat([Buffer.from([0x0a, bytes.length]), bytes]);
    return (await rawGrpcCall(s.grpcAddress, '/mlflow_ts.Artifacts/Delete', body)).error;
  }

  it.each(['', '.', './', './/.', '%2e', '%2e%2f'])(
    'Delete{path: %j} → INVALID_ARGUMENT, root intact',
    async (path) => {
      const err = await rawGrpcDelete(path);
      expect(err?.code).toBe(GRPC_STATUS.INVALID_ARGUMENT);
      expect(err?.metadata.get('mlflow-error-code')).toEqual(['INVALID_PARAMETER_VALUE']);
      expectRootIntact();
    },
  );

  it('the gRPC artifact repository refuses to delete its root too', async () => {
    const { artifacts } = createGrpcStore({ address: s.grpcAddress });
    const repo = artifacts('mlflow-artifacts:/');
    await expect(repo.deleteArtifacts!('.')).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    expectRootIntact();
  });
});

describe('writes that name the root', () => {
  const rawPut = (path: string) => rawHttp(s.baseUrl, 'PUT', path, {}, 'pwned');

  it.each(['.', '%2e', './', 'exp/.', 'exp/./'])(
    'PUT /api/2.0/mlflow-artifacts/artifacts/%s → 400, nothing written beside the root',
    async (spelling) => {
      const res = await rawPut(`/api/2.0/mlflow-artifacts/artifacts/${spelling}`);
      expect(res.status, res.body).toBe(400);
      expect(JSON.parse(res.body).error_code).toBe('INVALID_PARAMETER_VALUE');
      expect((await readdir(s.dir)).filter((name) => name.includes('.tmp-upload-'))).toEqual([]);
      expect((await readdir(join(s.artifactsDir, 'exp'))).filter((name) => name.includes('.tmp-upload-'))).toEqual([]);
      expectRootIntact();
    },
  );
});
