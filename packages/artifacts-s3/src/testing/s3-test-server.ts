/**
 * An S3 server for tests: s3rver (npm, pure Node) in a child process on 127.0.0.1, on a free port,
 * over a temp directory, stopped by `close()` (and when the parent exits). It implements S3's REST
 * API (buckets, objects, ListObjectsV2 with delimiters and continuation tokens, multipart uploads,
 * batch deletes, metadata) and checks access key ids (unknown key → InvalidAccessKeyId), though not
 * SigV4 signatures. Why s3rver and not Ceph's radosgw, and the two s3rver bugs the launcher works
 * around: `test/s3rver-process.mjs` and the package README.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { s3ClientConfigFromEnv } from '../s3-config.js';

/** s3rver's built-in account. */
export const S3_TEST_ACCESS_KEY_ID = 'S3RVER';
export const S3_TEST_SECRET_ACCESS_KEY = 'S3RVER';

export interface S3TestServer {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** MLflow's variables pointing a client at this server. */
  env: Record<string, string>;
  /** Where the server keeps buckets and objects. */
  directory: string;
  /** Creates a bucket through the S3 API. */
  createBucket(name: string): Promise<void>;
  close(): Promise<void>;
}

const LAUNCHER = fileURLToPath(new URL('../../test/s3rver-process.mjs', import.meta.url));

function assertS3rverInstalled(): void {
  try {
    createRequire(LAUNCHER).resolve('s3rver');
  } catch {
    throw new Error(
      "The S3 test server needs the npm package 's3rver' (a devDependency of @mlflow-ts/artifacts-s3): run `npm ci` at the repository root",
    );
  }
}

export async function startS3TestServer(opts: { buckets?: string[] } = {}): Promise<S3TestServer> {
  assertS3rverInstalled();
  const directory = await mkdtemp(join(tmpdir(), 'mlflow-ts-s3-'));
  const child = spawn(process.execPath, ['--openssl-legacy-provider', LAUNCHER, directory], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`The S3 test server did not start within 30 s: ${stderr}`)),
      30_000,
    );
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (line === undefined || !out.includes('\n')) return;
      clearTimeout(timer);
      try {
        resolve((JSON.parse(line) as { port: number }).port);
      } catch {
        reject(new Error(`The S3 test server printed '${line}' instead of its port: ${stderr}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The S3 test server exited (${code}) before listening: ${stderr}`));
    });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const env = {
    MLFLOW_S3_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: S3_TEST_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: S3_TEST_SECRET_ACCESS_KEY,
    AWS_REGION: 'us-east-1',
  };
  const client = new S3Client(s3ClientConfigFromEnv(env));
  const createBucket = async (name: string): Promise<void> => {
    await client.send(new CreateBucketCommand({ Bucket: name }));
  };
  const close = async (): Promise<void> => {
    client.destroy();
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(directory, { recursive: true, force: true });
  };
  try {
    for (const name of opts.buckets ?? []) await createBucket(name);
  } catch (e) {
    await close();
    throw e;
  }
  return { endpoint, env, directory, createBucket, close };
}
