/** `s3://` artifact URIs through the CLI: `mlflow-ts artifacts` on a file store and on a server with --default-artifact-root s3://…. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3ClientConfigFromEnv } from '@mlflow-ts/artifacts-s3';
import { startS3TestServer } from '@mlflow-ts/artifacts-s3/testing';
import type { S3TestServer } from '@mlflow-ts/artifacts-s3/testing';
import { createFsTrackingStore } from '@mlflow-ts/store-fs';
import { createRestStore } from '@mlflow-ts/store-grpc';
import { cliOk, startInProcess, tempDir } from '../test/cli-harness.js';
import { createCliContext } from './cli-context.js';
import { resolveModel } from './commands/models/model-location.js';
import { runServer } from './commands/server/index.js';

let dir: string;
let cleanup: () => Promise<void>;
let s3: S3TestServer;
let raw: S3Client;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('mlflow-ts-cli-s3-art-'));
  s3 = await startS3TestServer({ buckets: ['mlflow'] });
  raw = new S3Client(s3ClientConfigFromEnv(s3.env));
});

afterAll(async () => {
  raw?.destroy();
  await s3?.close();
  await cleanup?.();
});

async function keysUnder(prefix: string): Promise<string[]> {
  const listed = await raw.send(new ListObjectsV2Command({ Bucket: 'mlflow', Prefix: prefix }));
  return (listed.Contents ?? []).flatMap((o) => (o.Key === undefined ? [] : [o.Key])).sort();
}

async function logListDownload(backend: string, runId: string, keyPrefix: string): Promise<void> {
  const local = path.join(dir, `local-${runId}`);
  await mkdir(path.join(local, 'nested'), { recursive: true });
  await writeFile(path.join(local, 'weights.bin'), Buffer.alloc(1500, 7));
  await writeFile(path.join(local, 'nested', 'conf.json'), '{"a":1}');
  const cli = (args: string[]) => cliOk([...args, '--backend-store-uri', backend], s3.env);
  expect(await cli(['artifacts', 'log', '-r', runId, '-l', local, '-a', 'model'])).toContain('Logged directory');
  expect(await keysUnder(keyPrefix)).toEqual([`${keyPrefix}/model/nested/conf.json`, `${keyPrefix}/model/weights.bin`]);
  const got = await raw.send(new GetObjectCommand({ Bucket: 'mlflow', Key: `${keyPrefix}/model/nested/conf.json` }));
  expect(await got.Body?.transformToString()).toBe('{"a":1}');

  const listed = JSON.parse(await cli(['artifacts', 'list', '-r', runId, '-a', 'model', '--json'])) as {
    files: unknown[];
  };
  expect(listed.files).toEqual([
    { path: 'model/nested', is_dir: true },
    { path: 'model/weights.bin', is_dir: false, file_size: 1500 },
  ]);
  const dst = path.join(dir, `dst-${runId}`);
  const where = (await cli(['artifacts', 'download', '-r', runId, '-a', 'model', '-d', dst])).trim();
  expect(await readFile(path.join(where, 'nested', 'conf.json'), 'utf8')).toBe('{"a":1}');
  expect((await readFile(path.join(where, 'weights.bin'))).byteLength).toBe(1500);
}

describe('s3:// artifact locations in the CLI', () => {
  it('mlflow-ts artifacts log/list/download on a file store whose experiment lives in S3', async () => {
    const backend = path.join(dir, 'mlruns');
    const store = createFsTrackingStore({ root: backend });
    const exp = await store.createExperiment({ name: 'in-s3', artifact_location: 's3://mlflow/file-store/exp' });
    const run = await store.createRun({ experiment_id: exp, start_time: 1, tags: [] });
    expect(run.info.artifact_uri).toBe(`s3://mlflow/file-store/exp/${run.info.run_id}/artifacts`);
    await store.close?.();
    await logListDownload(backend, run.info.run_id, `file-store/exp/${run.info.run_id}/artifacts`);
  }, 60_000);

  it('a server with --default-artifact-root s3://… gives runs s3:// URIs the client reaches directly', async () => {
    const srv = await startInProcess((ctx, signal) =>
      runServer(
        ctx,
        {
          backendStoreUri: path.join(dir, 'srv-mlruns'),
          defaultArtifactRoot: 's3://mlflow/server-root',
          serveArtifacts: false,
          artifactsDestination: path.join(dir, 'unused'),
          host: '127.0.0.1',
          port: 0,
        },
        signal,
      ),
    );
    try {
      const backend = srv.url;
      const exp = JSON.parse(
        await cliOk(['experiments', 'create', '-n', 'srv-s3', '--json', '--backend-store-uri', backend], s3.env),
      ) as { experiment_id: string };
      const rest = createRestStore({ baseUrl: backend });
      const run = await rest.tracking.createRun({ experiment_id: exp.experiment_id });
      await rest.close();
      expect(run.info.artifact_uri).toBe(`s3://mlflow/server-root/${exp.experiment_id}/${run.info.run_id}/artifacts`);
      await logListDownload(backend, run.info.run_id, `server-root/${exp.experiment_id}/${run.info.run_id}/artifacts`);
    } finally {
      await srv.stop();
    }
  }, 60_000);

  it('loads a model from an s3:// model URI (CLI model resolution, as in models serve -m s3://…)', async () => {
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    const mlmodel = 'artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.pyfunc.model\n';
    await raw.send(new PutObjectCommand({ Bucket: 'mlflow', Key: 'models/m1/MLmodel', Body: mlmodel }));
    await raw.send(
      new PutObjectCommand({ Bucket: 'mlflow', Key: 'models/m1/data/weights.bin', Body: Buffer.alloc(64, 1) }),
    );
    const ctx = createCliContext({
      stdout: () => undefined,
      stderr: () => undefined,
      stderrIsTTY: false,
      env: { ...s3.env },
    });
    try {
      const model = await resolveModel(ctx, path.join(dir, 'no-store'), 's3://mlflow/models/m1');
      try {
        expect(model.remote).toBe(true);
        expect(await readFile(path.join(model.dir, 'MLmodel'), 'utf8')).toBe(mlmodel);
        expect((await readFile(path.join(model.dir, 'data', 'weights.bin'))).byteLength).toBe(64);
      } finally {
        await model.cleanup();
      }
    } finally {
      await ctx.close();
    }
  });
});
