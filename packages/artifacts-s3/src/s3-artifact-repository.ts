/**
 * An ArtifactRepository on S3 (and S3-compatible stores), like MLflow's S3ArtifactRepository:
 * `s3://bucket/prefix` roots, `<prefix>/<path>` object keys, one-level listings from
 * ListObjectsV2 with '/' as delimiter (common prefixes are directories), deletes by prefix.
 *
 * Uploads stream through `@aws-sdk/lib-storage`: a body smaller than one part is one PutObject,
 * a larger one a multipart upload of `partSize` parts with at most `queueSize` in flight, so memory
 * stays near `partSize × (queueSize + 1)` whatever the file size. A PUT or a completed multipart
 * upload replaces the object atomically; a failed source aborts the multipart upload and leaves
 * the old object. Downloads hand back the response body as it arrives.
 */
import { Readable } from 'node:stream';
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { ListObjectsV2CommandOutput, PutObjectCommandInput } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { MlflowError, assertSafeArtifactPath } from '@mlflow-ts/format';
import type { ArtifactRepository, ArtifactRepositoryFactory, ByteSource, FileInfo } from '@mlflow-ts/format';
import { guessContentType } from './content-type.js';
import { expectedBucketOwnerFromEnv, s3ClientConfigFromEnv, uploadExtraArgsFromEnv } from './s3-config.js';
import type { Env } from './s3-config.js';
import { s3Error } from './s3-errors.js';
import { keyFor, parseS3Uri } from './s3-uri.js';

/** S3's minimum part size (except the last part). */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
export const DEFAULT_QUEUE_SIZE = 4;

export interface UploadProgress {
  /** The artifact path relative to the repository root. */
  path: string;
  /** Bytes the store has acknowledged so far. */
  loaded: number;
  /** The part just acknowledged (1-based; 1 for a single PUT). */
  part?: number;
}

export interface S3ArtifactRepositoryOptions {
  /** Environment with MLflow's S3 variables (default: process.env). */
  env?: Env;
  /** A client to use instead of one built from `env` (its settings win). */
  client?: S3Client;
  /** Multipart part size in bytes (default: MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE, else 8 MiB; at least 5 MiB). */
  partSize?: number;
  /** Parts uploaded concurrently (default 4). */
  queueSize?: number;
  /** Called as parts are acknowledged. */
  onUploadProgress?: (p: UploadProgress) => void;
  /** Keys per ListObjectsV2 page (default: the store's, 1000 on S3). */
  listPageSize?: number;
}

/**
 * MLflow's MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE (bytes). S3 allows 10,000 parts, so the part size
 * bounds one upload: 8 MiB parts reach 78 GiB; larger files need a larger part size.
 */
function partSizeFromEnv(env: Env): number | undefined {
  const raw = env.MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw))
    throw MlflowError.invalidParameter(`MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE must be a number of bytes, got '${raw}'`);
  return Number(raw);
}

/** Checks the caller's path as given (a leading '/' is an error, not something to strip). */
const normalized = (p: string | undefined): string => (p === undefined || p === '' ? '' : assertSafeArtifactPath(p));

const byPath = (a: FileInfo, b: FileInfo): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

async function* mapErrors(
  body: AsyncIterable<Uint8Array>,
  onError: (e: unknown) => MlflowError,
): AsyncIterable<Uint8Array> {
  try {
    for await (const chunk of body) yield chunk;
  } catch (e) {
    throw onError(e);
  }
}

function endpointOf(client: S3Client, env: Env): string | undefined {
  return env.MLFLOW_S3_ENDPOINT_URL?.trim() || (client.config.endpoint ? 'a custom endpoint' : undefined);
}

export function createS3ArtifactRepository(
  rootUri: string,
  opts: S3ArtifactRepositoryOptions = {},
): ArtifactRepository {
  const env = opts.env ?? process.env;
  const { bucket, prefix } = parseS3Uri(rootUri);
  const client = opts.client ?? new S3Client(s3ClientConfigFromEnv(env));
  const owner = expectedBucketOwnerFromEnv(env);
  const extraArgs = uploadExtraArgsFromEnv(env);
  const partSize = Math.max(MIN_PART_SIZE, opts.partSize ?? partSizeFromEnv(env) ?? DEFAULT_PART_SIZE);
  const queueSize = Math.max(1, opts.queueSize ?? DEFAULT_QUEUE_SIZE);
  const endpoint = endpointOf(client, env);
  const uriOf = (rel: string) => `s3://${bucket}/${keyFor(prefix, rel)}`;
  const fail = (action: string) => (e: unknown) => s3Error(e, { bucket, action, endpoint });

  async function* pages(listPrefix: string, delimiter: string | undefined): AsyncIterable<ListObjectsV2CommandOutput> {
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: listPrefix,
          Delimiter: delimiter,
          ContinuationToken: token,
          MaxKeys: opts.listPageSize,
          ...owner,
        }),
      );
      yield page;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  const relativeOf = (key: string): string => {
    const base = prefix === '' ? '' : `${prefix}/`;
    // MLflow's _verify_listed_object_contains_artifact_path_prefix: a store answering with keys
    // outside the prefix is refused rather than mapped to surprising paths.
    if (!key.startsWith(base)) {
      throw new MlflowError(
        'INTERNAL_ERROR',
        `The listed S3 object '${key}' does not begin with the artifact path '${prefix}'`,
      );
    }
    return key.slice(base.length);
  };

  return {
    specificationVersion: 'v1',
    rootUri,

    async listArtifacts(artifactPath?: string): Promise<FileInfo[]> {
      const rel = normalized(artifactPath);
      const dir = keyFor(prefix, rel);
      const listPrefix = dir === '' ? '' : `${dir}/`;
      const out: FileInfo[] = [];
      const dirs = new Set<string>();
      try {
        for await (const page of pages(listPrefix, '/')) {
          for (const p of page.CommonPrefixes ?? []) {
            if (p.Prefix === undefined) continue;
            const path = relativeOf(p.Prefix).replace(/\/+$/, '');
            if (path !== rel && !dirs.has(path)) {
              dirs.add(path);
              out.push({ path, is_dir: true });
            }
          }
          for (const o of page.Contents ?? []) {
            // A zero-byte "folder" marker (`dir/`) some tools create is the directory itself.
            if (o.Key === undefined || o.Key.endsWith('/')) continue;
            out.push({ path: relativeOf(o.Key), is_dir: false, file_size: Number(o.Size ?? 0) });
          }
        }
      } catch (e) {
        throw fail(`list artifacts in ${uriOf(rel)}`)(e);
      }
      return out.sort(byPath);
    },

    async readArtifact(artifactPath: string): Promise<AsyncIterable<Uint8Array>> {
      const rel = normalized(artifactPath);
      if (rel === '') throw MlflowError.invalidParameter('An artifact path is required to read an artifact');
      const onError = fail(`read ${uriOf(rel)}`);
      try {
        const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: keyFor(prefix, rel), ...owner }));
        if (res.Body === undefined) return mapErrors(Readable.from([]), onError);
        return mapErrors(res.Body as AsyncIterable<Uint8Array>, onError);
      } catch (e) {
        const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
        if (err.name === 'NoSuchKey' || (err.name !== 'NoSuchBucket' && err.$metadata?.httpStatusCode === 404)) {
          throw MlflowError.notFound(`No such artifact file: '${artifactPath}' under ${rootUri}`);
        }
        throw onError(e);
      }
    },

    async writeArtifact(artifactPath: string, data: ByteSource): Promise<void> {
      const rel = normalized(artifactPath);
      if (rel === '') throw MlflowError.invalidParameter('An artifact path is required to write an artifact');
      const contentType = guessContentType(rel);
      const params: PutObjectCommandInput = {
        Bucket: bucket,
        Key: keyFor(prefix, rel),
        Body: data instanceof Uint8Array ? data : Readable.from(data, { objectMode: false }),
        ...(contentType ? { ContentType: contentType } : {}),
        ...owner,
        ...extraArgs,
      };
      const upload = new Upload({ client, params, partSize, queueSize, leavePartsOnError: false });
      if (opts.onUploadProgress) {
        const report = opts.onUploadProgress;
        upload.on('httpUploadProgress', (p) => report({ path: rel, loaded: p.loaded ?? 0, part: p.part }));
      }
      try {
        await upload.done();
      } catch (e) {
        throw fail(`write ${uriOf(rel)}`)(e);
      }
    },

    async deleteArtifacts(artifactPath: string): Promise<void> {
      const rel = normalized(artifactPath);
      const target = keyFor(prefix, rel);
      const onError = fail(`delete ${uriOf(rel)}`);
      try {
        // The object itself (a file) and everything below `<target>/` (a directory), but not
        // siblings that merely share the name's start (`tree` must not take `treehouse.txt`).
        const listPrefix = target === '' ? '' : `${target}/`;
        const batches: string[][] = target === '' ? [] : [[target]];
        for await (const page of pages(listPrefix, undefined)) {
          const keys = (page.Contents ?? []).flatMap((o) => (o.Key === undefined ? [] : [o.Key]));
          for (const key of keys) relativeOf(key);
          if (keys.length > 0) batches.push(keys);
        }
        for (const keys of batches) {
          const res = await client.send(
            new DeleteObjectsCommand({
              Bucket: bucket,
              Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
              ...owner,
            }),
          );
          const failed = (res.Errors ?? []).filter((x) => x.Code !== 'NoSuchKey');
          if (failed.length > 0) {
            const first = failed[0];
            throw new MlflowError(
              'INTERNAL_ERROR',
              `Failed to delete ${failed.length} object(s) under ${uriOf(rel)}: ${first?.Key}: ${first?.Code} ${first?.Message ?? ''}`.trim(),
            );
          }
        }
      } catch (e) {
        throw onError(e);
      }
    },
  };
}

/**
 * Checks that the bucket of `rootUri` exists and the credentials may list it: for a server's
 * start, so a typo'd bucket is one clear error instead of a failure on the first upload.
 */
export async function checkS3ArtifactRoot(
  rootUri: string,
  opts: Pick<S3ArtifactRepositoryOptions, 'env' | 'client'> = {},
): Promise<void> {
  const env = opts.env ?? process.env;
  const { bucket, prefix } = parseS3Uri(rootUri);
  const client = opts.client ?? new S3Client(s3ClientConfigFromEnv(env));
  try {
    await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix === '' ? '' : `${prefix}/`,
        MaxKeys: 1,
        ...expectedBucketOwnerFromEnv(env),
      }),
    );
  } catch (e) {
    throw s3Error(e, { bucket, action: `check the artifact root ${rootUri}`, endpoint: endpointOf(client, env) });
  } finally {
    if (opts.client === undefined) client.destroy();
  }
}

/**
 * A factory for `s3://` URIs sharing one S3 client (connection pool) across repositories. Other
 * schemes are refused with INVALID_PARAMETER_VALUE.
 */
export function createS3ArtifactRepositoryFactory(
  opts: S3ArtifactRepositoryOptions = {},
): ArtifactRepositoryFactory & { close(): void } {
  let client = opts.client;
  const factory = (rootUri: string): ArtifactRepository => {
    if (!/^s3:\/\//i.test(rootUri)) throw MlflowError.invalidParameter(`Not an S3 URI: '${rootUri}'`);
    client ??= new S3Client(s3ClientConfigFromEnv(opts.env ?? process.env));
    return createS3ArtifactRepository(rootUri, { ...opts, client });
  };
  return Object.assign(factory, {
    close() {
      if (opts.client === undefined) client?.destroy();
      client = opts.client;
    },
  });
}
