/**
 * S3 client settings from MLflow's environment variables, as MLflow's `_get_s3_client` reads them:
 * `MLFLOW_S3_ENDPOINT_URL` (S3-compatible stores: path-style addressing unless
 * `MLFLOW_BOTO_CLIENT_ADDRESSING_STYLE=virtual`), `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` /
 * `AWS_SESSION_TOKEN` (else the SDK's default chain: profiles, SSO, instance roles),
 * `AWS_REGION` / `AWS_DEFAULT_REGION`, `MLFLOW_S3_IGNORE_TLS`, `MLFLOW_S3_UPLOAD_EXTRA_ARGS` and
 * `MLFLOW_S3_EXPECTED_BUCKET_OWNER`.
 */
import { Agent } from 'node:https';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { MlflowError } from '@mlflow-ts/format';

export type Env = Readonly<Record<string, string | undefined>>;

const truthy = (v: string | undefined): boolean => v !== undefined && /^(1|true|yes|on)$/i.test(v.trim());

export function s3ClientConfigFromEnv(env: Env): S3ClientConfig {
  const endpoint = env.MLFLOW_S3_ENDPOINT_URL?.trim() || undefined;
  if (endpoint !== undefined && !/^https?:\/\/[^/]+/i.test(endpoint)) {
    throw MlflowError.invalidParameter(`MLFLOW_S3_ENDPOINT_URL must be an http(s) URL, got '${endpoint}'`);
  }
  const style = env.MLFLOW_BOTO_CLIENT_ADDRESSING_STYLE?.trim().toLowerCase();
  const config: S3ClientConfig = {
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    // A custom endpoint (MinIO, Ceph, …) rarely resolves bucket sub-domains: path-style there.
    forcePathStyle: style === 'path' || (endpoint !== undefined && style !== 'virtual'),
    maxAttempts: 3,
  };
  if (endpoint !== undefined) {
    config.endpoint = endpoint;
    // Most S3-compatible stores do not accept the SDK's default aws-chunked CRC uploads.
    config.requestChecksumCalculation = 'WHEN_REQUIRED';
    config.responseChecksumValidation = 'WHEN_REQUIRED';
  }
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (accessKeyId && secretAccessKey) {
    config.credentials = {
      accessKeyId,
      secretAccessKey,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
  }
  if (truthy(env.MLFLOW_S3_IGNORE_TLS)) {
    config.requestHandler = { httpsAgent: new Agent({ rejectUnauthorized: false, keepAlive: true }) };
  }
  return config;
}

/** Upload parameters allowed in `MLFLOW_S3_UPLOAD_EXTRA_ARGS` (boto3's ExtraArgs names = SDK v3's). */
const EXTRA_ARGS = new Set([
  'ACL',
  'CacheControl',
  'ContentDisposition',
  'ContentEncoding',
  'ContentLanguage',
  'ContentType',
  'Expires',
  'GrantFullControl',
  'GrantRead',
  'GrantReadACP',
  'GrantWriteACP',
  'Metadata',
  'ServerSideEncryption',
  'SSECustomerAlgorithm',
  'SSECustomerKey',
  'SSECustomerKeyMD5',
  'SSEKMSKeyId',
  'SSEKMSEncryptionContext',
  'BucketKeyEnabled',
  'StorageClass',
  'Tagging',
  'WebsiteRedirectLocation',
  'RequestPayer',
  'ExpectedBucketOwner',
  'ObjectLockMode',
  'ObjectLockRetainUntilDate',
  'ObjectLockLegalHoldStatus',
  'ChecksumAlgorithm',
]);

/** `MLFLOW_S3_UPLOAD_EXTRA_ARGS` (a JSON object), e.g. `{"ServerSideEncryption": "aws:kms"}`. */
export function uploadExtraArgsFromEnv(env: Env): Record<string, unknown> {
  const raw = env.MLFLOW_S3_UPLOAD_EXTRA_ARGS;
  if (raw === undefined || raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw MlflowError.invalidParameter(
      'MLFLOW_S3_UPLOAD_EXTRA_ARGS must be a JSON object, e.g. {"ServerSideEncryption": "AES256"}',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw MlflowError.invalidParameter('MLFLOW_S3_UPLOAD_EXTRA_ARGS must be a JSON object');
  }
  for (const key of Object.keys(parsed)) {
    if (!EXTRA_ARGS.has(key))
      throw MlflowError.invalidParameter(`MLFLOW_S3_UPLOAD_EXTRA_ARGS: unsupported upload argument '${key}'`);
  }
  return parsed as Record<string, unknown>;
}

/** `MLFLOW_S3_EXPECTED_BUCKET_OWNER`: sent with every request when set. */
export function expectedBucketOwnerFromEnv(env: Env): { ExpectedBucketOwner?: string } {
  const owner = env.MLFLOW_S3_EXPECTED_BUCKET_OWNER?.trim();
  return owner ? { ExpectedBucketOwner: owner } : {};
}
