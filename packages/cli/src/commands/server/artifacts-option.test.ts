/** `mlflow-ts server --artifacts-destination s3://…`: the artifact proxy on a real S3 server (s3rver on 127.0.0.1). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3ClientConfigFromEnv } from '@mlflow-ts/artifacts-s3';
import { startS3TestServer } from '@mlflow-ts/artifacts-s3/testing';
import type { S3TestServer } from '@mlflow-ts/artifacts-s3/testing';
import { readAll } from '@mlflow-ts/format/testing';
import { createRestStore } from '@mlflow-ts/store-grpc';
import { main } from '../../main.js';
import { s3ArtifactsOption } from './artifacts-option.js';
import { captureIo, startInProcess } from '../../../test/cli-harness.js';
import { runServer, serverCommand } from './index.js';

let dir: string;
let s3: S3TestServer;
let raw: S3Client;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlflow-ts-cli-s3-'));
  s3 = await startS3TestServer({ buckets: ['mlflow'] });
  raw = new S3Client(s3ClientConfigFromEnv(s3.env));
  // The server reads MLflow's S3 variables from its environment, as `mlflow server` does.
  for (const [k, v] of Object.entries(s3.env)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
});

afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  raw?.destroy();
  await s3?.close();
  await rm(dir, { recursive: true, force: true });
});

const capture = () => captureIo(process.env);

/** `mlflow-ts server <args> --port 0` expected to refuse to start: exit 1, one stderr line (returned), nothing listening. */
async function startError(...args: string[]): Promise<string> {
  const c = capture();
  const code = await main(['node', 'mlflow-ts', 'server', ...args, '--port', '0'], {
    io: c.io,
    groups: [serverCommand],
  });
  expect(code).toBe(1);
  const err = c.err.join('');
  expect(err.trim().split('\n')).toHaveLength(1);
  expect(c.out.join('')).not.toContain('listening');
  return err;
}

function pattern(size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 131 + (i >> 11)) & 0xff;
  return out;
}

describe('mlflow-ts server --artifacts-destination s3://bucket/prefix', () => {
  it('proxies uploads and downloads to the bucket under the prefix', async () => {
    const srv = await startInProcess((ctx, signal) =>
      runServer(
        ctx,
        {
          backendStoreUri: join(dir, 'mlruns'),
          artifactsDestination: 's3://mlflow/proxied',
          serveArtifacts: true,
          host: '127.0.0.1',
          port: 0,
        },
        signal,
      ),
    );
    try {
      const rest = createRestStore({ baseUrl: srv.url });
      const id = await rest.tracking.createExperiment({ name: 's3-proxy' });
      const run = await rest.tracking.createRun({ experiment_id: id });
      expect(run.info.artifact_uri).toBe(`mlflow-artifacts:/${id}/${run.info.run_id}/artifacts`);
      const repo = rest.artifacts(run.info.artifact_uri);
      await repo.writeArtifact('notes.txt', new TextEncoder().encode('hello s3'));
      const big = pattern(9 * 1024 * 1024 + 17); // above the 8 MiB part size: a multipart upload behind the proxy
      await repo.writeArtifact('model/model.bin', big);

      const key = `proxied/${id}/${run.info.run_id}/artifacts`;
      const listed = await raw.send(new ListObjectsV2Command({ Bucket: 'mlflow', Prefix: `${key}/` }));
      expect((listed.Contents ?? []).map((o) => [o.Key, o.Size]).sort()).toEqual([
        [`${key}/model/model.bin`, big.byteLength],
        [`${key}/notes.txt`, 8],
      ]);
      const obj = await raw.send(new GetObjectCommand({ Bucket: 'mlflow', Key: `${key}/notes.txt` }));
      expect(await obj.Body?.transformToString()).toBe('hello s3');

      expect(new TextDecoder().decode((await readAll(await repo.readArtifact('notes.txt'))).bytes)).toBe('hello s3');
      const back = (await readAll(await repo.readArtifact('model/model.bin'))).bytes;
      expect(back.byteLength).toBe(big.byteLength);
      expect(Buffer.compare(Buffer.from(back), Buffer.from(big))).toBe(0);
      expect((await repo.listArtifacts()).map((f) => [f.path, f.is_dir])).toEqual([
        ['model', true],
        ['notes.txt', false],
      ]);
      const missing = await fetch(`${srv.url}/api/2.0/mlflow-artifacts/artifacts/${id}/nope.txt`);
      expect(missing.status).toBe(404);
      const traversal = await fetch(
        `${srv.url}/api/2.0/mlflow-artifacts/artifacts/${id}/%252e%252e%252f%252e%252e%252fx`,
      );
      expect(traversal.status).toBe(400);
      await rest.close();
    } finally {
      await srv.stop();
    }
  }, 60_000);

  it('serves s3:// run URIs only inside the destination or an s3:// default artifact root', async () => {
    await s3.createBucket('other');
    const option = await s3ArtifactsOption('s3://mlflow/proxied', s3.env, 's3://mlflow/runs-root');
    if (typeof option !== 'function') throw new Error('expected a repository factory');
    expect(option('mlflow-artifacts:/1/r/artifacts').rootUri).toBe('s3://mlflow/proxied/1/r/artifacts');
    expect(option('s3://mlflow/proxied/1/r/artifacts').rootUri).toBe('s3://mlflow/proxied/1/r/artifacts');
    expect(option('s3://mlflow/runs-root/2/r/artifacts').rootUri).toBe('s3://mlflow/runs-root/2/r/artifacts');
    for (const uri of [
      's3://other/x',
      's3://mlflow/proxied-evil/x',
      's3://mlflow/x',
      'mlflow-artifacts:/%2e%2e/x',
      's3://mlflow/proxied/../x',
      'file:///etc',
    ]) {
      expect(() => option(uri), uri).toThrow(/outside this server's artifact destination|Invalid/);
    }
    expect(await s3ArtifactsOption('./local-dir', s3.env)).toBeUndefined();
  });

  it('refuses a bucket that does not exist with one error line at start', async () => {
    const err = await startError(
      '--backend-store-uri',
      join(dir, 'other'),
      '--artifacts-destination',
      's3://no-such-bucket/p',
    );
    expect(err).toContain('Error (RESOURCE_DOES_NOT_EXIST): --artifacts-destination s3://no-such-bucket/p:');
    expect(err).toContain("S3 bucket 'no-such-bucket' does not exist");
  });

  it('with --workers, the primary checks the bucket once: one error line, no workers started', async () => {
    const db = `sqlite:///${join(dir, 'workers.db')}`;
    const err = await startError(
      '--backend-store-uri',
      db,
      '--workers',
      '2',
      '--artifacts-destination',
      's3://no-such-bucket/w',
    );
    expect(err).toContain("S3 bucket 'no-such-bucket' does not exist");
  });

  it('refuses wrong credentials with one error line at start', async () => {
    const prev = process.env.AWS_ACCESS_KEY_ID;
    process.env.AWS_ACCESS_KEY_ID = 'WRONG-KEY';
    try {
      const err = await startError(
        '--backend-store-uri',
        join(dir, 'other2'),
        '--artifacts-destination',
        's3://mlflow/p',
      );
      expect(err).toMatch(
        /^Error \(UNAUTHENTICATED\): --artifacts-destination s3:\/\/mlflow\/p: S3 rejected the credentials/,
      );
    } finally {
      process.env.AWS_ACCESS_KEY_ID = prev;
    }
  });
});
