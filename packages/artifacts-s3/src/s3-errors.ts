/**
 * S3 failures as MLflow errors, with MLflow's mapping (`BOTO_TO_MLFLOW_ERROR`): NoSuchBucket and
 * NoSuchKey → RESOURCE_DOES_NOT_EXIST, AccessDenied → PERMISSION_DENIED, a bad key or signature →
 * UNAUTHENTICATED; an unreachable endpoint → TEMPORARILY_UNAVAILABLE. Messages name the bucket and
 * the URI, never the credentials.
 */
import { MlflowError } from '@mlflow-ts/format';
import type { ErrorCode } from '@mlflow-ts/format';

const BY_S3_CODE: Record<string, ErrorCode> = {
  AccessDenied: 'PERMISSION_DENIED',
  Forbidden: 'PERMISSION_DENIED',
  AllAccessDisabled: 'PERMISSION_DENIED',
  NoSuchBucket: 'RESOURCE_DOES_NOT_EXIST',
  NoSuchKey: 'RESOURCE_DOES_NOT_EXIST',
  NotFound: 'RESOURCE_DOES_NOT_EXIST',
  InvalidAccessKeyId: 'UNAUTHENTICATED',
  SignatureDoesNotMatch: 'UNAUTHENTICATED',
  ExpiredToken: 'UNAUTHENTICATED',
  InvalidToken: 'UNAUTHENTICATED',
  InvalidBucketName: 'INVALID_PARAMETER_VALUE',
  KeyTooLongError: 'INVALID_PARAMETER_VALUE',
};

const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'TimeoutError',
]);

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

export interface S3ErrorContext {
  bucket: string;
  /** What was being done, e.g. "read s3://b/p/x.txt". */
  action: string;
  endpoint?: string;
}

export function s3Error(e: unknown, ctx: S3ErrorContext): MlflowError {
  if (MlflowError.isInstance(e)) return e;
  const err = (typeof e === 'object' && e !== null ? e : {}) as SdkError;
  const name = err.Code ?? err.name ?? '';
  const status = err.$metadata?.httpStatusCode;
  const where = ctx.endpoint ? ` at ${ctx.endpoint}` : '';
  const code = BY_S3_CODE[name] ?? (status === 403 ? 'PERMISSION_DENIED' : undefined);
  if (name === 'NoSuchBucket' || (name === 'NotFound' && ctx.action.startsWith('check'))) {
    return new MlflowError(
      'RESOURCE_DOES_NOT_EXIST',
      `S3 bucket '${ctx.bucket}' does not exist${where} (while trying to ${ctx.action})`,
      { cause: e },
    );
  }
  if (code === 'UNAUTHENTICATED') {
    return new MlflowError(
      'UNAUTHENTICATED',
      `S3 rejected the credentials for bucket '${ctx.bucket}'${where} (${name}): check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN (while trying to ${ctx.action})`,
      { cause: e },
    );
  }
  if (code === 'PERMISSION_DENIED') {
    return new MlflowError(
      'PERMISSION_DENIED',
      `Access to S3 bucket '${ctx.bucket}'${where} was denied (while trying to ${ctx.action})`,
      { cause: e },
    );
  }
  if (code !== undefined) return new MlflowError(code, `Failed to ${ctx.action}: ${err.message ?? name}`, { cause: e });
  if (NETWORK.has(err.code ?? '') || NETWORK.has(name)) {
    return new MlflowError(
      'TEMPORARILY_UNAVAILABLE',
      `Cannot reach the S3 endpoint${where || ' (AWS)'} for bucket '${ctx.bucket}' (${err.code ?? name}); check MLFLOW_S3_ENDPOINT_URL`,
      { cause: e },
    );
  }
  if (err.message?.includes('credentials')) {
    return new MlflowError(
      'UNAUTHENTICATED',
      `No AWS credentials for bucket '${ctx.bucket}': set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (${err.message})`,
      { cause: e },
    );
  }
  return new MlflowError(
    'INTERNAL_ERROR',
    `Failed to ${ctx.action}: ${name ? `${name}: ` : ''}${err.message ?? String(e)}`,
    { cause: e },
  );
}
