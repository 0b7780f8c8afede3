import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectMlflowError, readAll, runArtifactRepositoryConformance } from '@mlflow-ts/format/testing';
import {
  MIN_PART_SIZE,
  checkS3ArtifactRoot,
  createS3ArtifactRepository,
  createS3ArtifactRepositoryFactory,
  s3ClientConfigFromEnv,
} from '../src/index.js';
import type { UploadProgress } from '../src/index.js';
import { startS3TestServer } from '../src/testing/index.js';
import type { S3TestServer } from '../src/testing/index.js';

let s3: S3TestServer;
let raw: S3Client;
let n = 0;

beforeAll(async () => {
  s3 = await startS3TestServer({ buckets: ['artifacts'] });
  raw = new S3Client(s3ClientConfigFromEnv(s3.env));
});

afterAll(async () => {
  raw?.destroy();
  await s3?.close();
});

const text = (s: string) => new TextEncoder().encode(s);

runArtifactRepositoryConformance('s3 (prefix)', async () => {
  const factory = createS3ArtifactRepositoryFactory({ env: s3.env });
  return { repo: factory(`s3://artifacts/1/run-${++n}/artifacts`), cleanup: async () => factory.close() };
});

runArtifactRepositoryConformance('s3 (bucket root)', async () => {
  const bucket = `root-${++n}`;
  await s3.createBucket(bucket);
  const repo = createS3ArtifactRepository(`s3://${bucket}`, { env: s3.env });
  return { repo };
});

describe('S3 artifact repository', () => {
  it("stores <prefix>/<path> keys as MLflow's S3 repository does, with a content type", async () => {
    const repo = createS3ArtifactRepository('s3://artifacts/layout/0/abc/artifacts', { env: s3.env });
    await repo.writeArtifact('model/MLmodel', text('flavors: {}\n'));
    await repo.writeArtifact('metrics.json', text('{"a": 1}'));
    const listed = await raw.send(new ListObjectsV2Command({ Bucket: 'artifacts', Prefix: 'layout/' }));
    expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual([
      'layout/0/abc/artifacts/metrics.json',
      'layout/0/abc/artifacts/model/MLmodel',
    ]);
    const head = await raw.send(
      new HeadObjectCommand({ Bucket: 'artifacts', Key: 'layout/0/abc/artifacts/metrics.json' }),
    );
    expect(head.ContentType).toBe('application/json');
    const got = await raw.send(
      new GetObjectCommand({ Bucket: 'artifacts', Key: 'layout/0/abc/artifacts/model/MLmodel' }),
    );
    expect(await got.Body?.transformToString()).toBe('flavors: {}\n');
  });

  it('reads objects another S3 client wrote, listing directories from common prefixes', async () => {
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    await raw.send(new PutObjectCommand({ Bucket: 'artifacts', Key: 'foreign/x/y/z.txt', Body: 'zz' }));
    await raw.send(new PutObjectCommand({ Bucket: 'artifacts', Key: 'foreign/x/marker/', Body: '' }));
    const repo = createS3ArtifactRepository('s3://artifacts/foreign', { env: s3.env });
    expect(await repo.listArtifacts()).toEqual([{ path: 'x', is_dir: true }]);
    expect(await repo.listArtifacts('x')).toEqual([
      { path: 'x/marker', is_dir: true },
      { path: 'x/y', is_dir: true },
    ]);
    expect(await repo.listArtifacts('x/marker')).toEqual([]);
    expect(await repo.listArtifacts('x/y/z.txt')).toEqual([]); // a file is not a directory
  });

  it('pages through listings longer than one ListObjectsV2 page', async () => {
    const repo = createS3ArtifactRepository('s3://artifacts/many', { env: s3.env, listPageSize: 7 });
    const names = Array.from({ length: 25 }, (_, i) => `f${String(i).padStart(2, '0')}`);
    await Promise.all(names.map((f) => repo.writeArtifact(`d/${f}`, text('x'))));
    await Promise.all(['d/sub1/a', 'd/sub2/deeper/b'].map((f) => repo.writeArtifact(f, text('y'))));
    const listed = await repo.listArtifacts('d');
    expect(listed.map((f) => f.path)).toEqual([...names.map((f) => `d/${f}`), 'd/sub1', 'd/sub2']);
    expect(listed[24]).toEqual({ path: 'd/f24', is_dir: false, file_size: 1 });
    await repo.deleteArtifacts?.('d');
    expect(await repo.listArtifacts()).toEqual([]);
  });

  it('deletes a directory without touching siblings that share its name as a prefix', async () => {
    const repo = createS3ArtifactRepository('s3://artifacts/siblings', { env: s3.env });
    await repo.writeArtifact('tree/a.txt', text('a'));
    await repo.writeArtifact('treehouse.txt', text('t'));
    await repo.writeArtifact('tree2/b.txt', text('b'));
    await repo.deleteArtifacts?.('tree');
    expect((await repo.listArtifacts()).map((f) => f.path)).toEqual(['tree2', 'treehouse.txt']);
  });

  it('uploads a file larger than the part size as a multipart upload, pulling the source as parts go out', async () => {
    const partSize = MIN_PART_SIZE;
    const queueSize = 2;
    const chunk = 64 * 1024;
    const size = 4 * partSize + 12345;
    const progress: UploadProgress[] = [];
    let pulled = 0;
    let maxAhead = 0;
    const repo = createS3ArtifactRepository('s3://artifacts/multipart', {
      env: s3.env,
      partSize,
      queueSize,
      onUploadProgress: (p) => {
        progress.push(p);
      },
    });
    let acknowledged = 0;
    const sourceBytes = (i: number) => (i * 31 + 7) & 0xff;
    async function* source(): AsyncIterable<Uint8Array> {
      for (let off = 0; off < size; off += chunk) {
        const len = Math.min(chunk, size - off);
        const buf = new Uint8Array(len);
        for (let i = 0; i < len; i++) buf[i] = sourceBytes(off + i);
        pulled += len;
        acknowledged = progress.reduce((m, p) => Math.max(m, p.loaded), 0);
        maxAhead = Math.max(maxAhead, pulled - acknowledged);
        yield buf;
      }
    }
    await repo.writeArtifact('big.bin', source());
    // One progress event per part, 5 parts; never more than the in-flight parts plus the one
    // being filled were read ahead of what the store acknowledged: memory is bounded by the
    // part size, not the file size.
    const parts = new Set(progress.map((p) => p.part));
    expect([...parts].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(Math.max(...progress.map((p) => p.loaded))).toBe(size);
    expect(pulled).toBe(size);
    expect(maxAhead).toBeLessThanOrEqual(partSize * (queueSize + 1) + chunk);
    expect(maxAhead).toBeLessThan(size);
    expect(await repo.listArtifacts()).toEqual([{ path: 'big.bin', is_dir: false, file_size: size }]);
    const { bytes, chunks } = await readAll(await repo.readArtifact('big.bin'));
    expect(chunks).toBeGreaterThan(1);
    expect(bytes.byteLength).toBe(size);
    let mismatches = 0;
    for (let i = 0; i < size; i++) if (bytes[i] !== sourceBytes(i)) mismatches++;
    expect(mismatches).toBe(0);
  }, 120_000);

  it('writes an empty stream as an empty object (a proxied upload of an empty file)', async () => {
    const repo = createS3ArtifactRepository('s3://artifacts/empty', { env: s3.env });
    async function* nothing(): AsyncIterable<Uint8Array> {}
    await repo.writeArtifact('empty.txt', nothing());
    expect(await repo.listArtifacts()).toEqual([{ path: 'empty.txt', is_dir: false, file_size: 0 }]);
    expect((await readAll(await repo.readArtifact('empty.txt'))).bytes.byteLength).toBe(0);
  });

  it('applies MLFLOW_S3_UPLOAD_EXTRA_ARGS to uploads and refuses malformed ones', async () => {
    const env = { ...s3.env, MLFLOW_S3_UPLOAD_EXTRA_ARGS: '{"Metadata": {"team": "ml"}, "CacheControl": "no-cache"}' };
    const repo = createS3ArtifactRepository('s3://artifacts/extra', { env });
    await repo.writeArtifact('a.txt', text('a'));
    const head = await raw.send(new HeadObjectCommand({ Bucket: 'artifacts', Key: 'extra/a.txt' }));
    expect(head.Metadata).toEqual({ team: 'ml' });
    expect(head.CacheControl).toBe('no-cache');
    const bad = () =>
      createS3ArtifactRepository('s3://artifacts/extra', { env: { ...s3.env, MLFLOW_S3_UPLOAD_EXTRA_ARGS: '{nope' } });
    expect(bad).toThrow(/MLFLOW_S3_UPLOAD_EXTRA_ARGS must be a JSON object/);
    const unknown = () =>
      createS3ArtifactRepository('s3://artifacts/x', {
        env: { ...s3.env, MLFLOW_S3_UPLOAD_EXTRA_ARGS: '{"Bucket": "other"}' },
      });
    expect(unknown).toThrow(/unsupported upload argument 'Bucket'/);
  });

  it('reports a bucket that does not exist as one clear RESOURCE_DOES_NOT_EXIST naming the bucket', async () => {
    const repo = createS3ArtifactRepository('s3://no-such-bucket/prefix', { env: s3.env });
    // One call at a time: a promise made before it is awaited rejects unhandled if an earlier one is slow.
    for (const action of [
      () => repo.listArtifacts(),
      () => repo.readArtifact('a.txt'),
      () => repo.writeArtifact('a.txt', text('a')),
    ]) {
      const e = await expectMlflowError(action(), 'RESOURCE_DOES_NOT_EXIST');
      expect(e.message).toContain("S3 bucket 'no-such-bucket' does not exist");
      expect(e.message).toContain(s3.endpoint);
    }
    const e = await expectMlflowError(
      checkS3ArtifactRoot('s3://no-such-bucket/prefix', { env: s3.env }),
      'RESOURCE_DOES_NOT_EXIST',
    );
    expect(e.message).toContain("'no-such-bucket'");
    await checkS3ArtifactRoot('s3://artifacts/prefix', { env: s3.env });
  });

  it('reports wrong credentials as UNAUTHENTICATED without echoing the secret', async () => {
    const env = { ...s3.env, AWS_ACCESS_KEY_ID: 'NOT-A-KEY', AWS_SECRET_ACCESS_KEY: 'super-secret-value' };
    const repo = createS3ArtifactRepository('s3://artifacts/p', { env });
    const e = await expectMlflowError(repo.listArtifacts(), 'UNAUTHENTICATED');
    expect(e.message).toContain('AWS_ACCESS_KEY_ID');
    expect(e.message).toContain("bucket 'artifacts'");
    expect(e.message).not.toContain('super-secret-value');
    await expectMlflowError(repo.writeArtifact('a.txt', text('a')), 'UNAUTHENTICATED');
    await expectMlflowError(checkS3ArtifactRoot('s3://artifacts/p', { env }), 'UNAUTHENTICATED');
  });

  it('reports an unreachable endpoint clearly', async () => {
    const env = { ...s3.env, MLFLOW_S3_ENDPOINT_URL: 'http://127.0.0.1:1' };
    const e = await expectMlflowError(checkS3ArtifactRoot('s3://artifacts/p', { env }), 'TEMPORARILY_UNAVAILABLE');
    expect(e.message).toContain('http://127.0.0.1:1');
  });

  it('refuses URIs and paths that escape the prefix, in any encoding', async () => {
    for (const uri of [
      's3://artifacts/../x',
      's3://artifacts/a/%2e%2e/b',
      's3://',
      's3://bad bucket/x',
      'file:///tmp/x',
    ]) {
      expect(() => createS3ArtifactRepository(uri, { env: s3.env }), uri).toThrow(/Invalid|Not an S3 URI/);
    }
    const repo = createS3ArtifactRepository('s3://artifacts/safe', { env: s3.env });
    for (const p of ['%2e%2e/x', 'a/%252e%252e/%252e%252e/b', '/abs', 'a\\..\\b', 's3://other/x']) {
      await expectMlflowError(repo.writeArtifact(p, text('x')), 'INVALID_PARAMETER_VALUE');
      await expectMlflowError(repo.readArtifact(p), 'INVALID_PARAMETER_VALUE');
      await expectMlflowError(repo.listArtifacts(p), 'INVALID_PARAMETER_VALUE');
    }
    const all = await raw.send(new ListObjectsV2Command({ Bucket: 'artifacts', Prefix: 'safe' }));
    expect(all.KeyCount ?? 0).toBe(0);
  });
});
