import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlflowClient } from './client.js';

let root: string;
let client: MlflowClient;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'mlflow-ts-register-'));
  client = new MlflowClient({ trackingUri: path.join(root, 'mlruns'), env: {} });
});
afterAll(async () => {
  await client.close();
  await rm(root, { recursive: true, force: true });
});

describe('registerModel', () => {
  it('creates the model once and registers runs:/ URIs at the run artifact location with the run id', async () => {
    const run = await client.createRun('0');
    const v1 = await client.registerModel(`runs:/${run.info.run_id}/model`, 'clf', {
      alias: 'champion',
      tags: { t: '1' },
    });
    const v2 = await client.registerModel(`runs:/${run.info.run_id}/model`, 'clf');
    expect([v1.version, v2.version]).toEqual(['1', '2']);
    expect(v1.source).toBe(`${run.info.artifact_uri}/model`);
    expect(v1.run_id).toBe(run.info.run_id);
    expect(v1.tags).toEqual([{ key: 't', value: '1' }]);
    expect((await client.getModelVersionByAlias('clf', 'champion')).version).toBe('1');
    expect(await client.getModelVersionDownloadUri('clf', '2')).toBe(`${run.info.artifact_uri}/model`);
  });

  it('refuses a source outside the store with the registry error', async () => {
    await expect(client.registerModel('file:///etc/passwd', 'bad')).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
    });
  });
});
