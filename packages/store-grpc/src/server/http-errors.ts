/** Turns anything thrown in a REST handler into MLflow's error body and the one status table. */
import { MlflowError, httpStatusForErrorCode } from '@mlflow-ts/format';
import type { ErrorCode } from '@mlflow-ts/format';

export function toMlflowError(e: unknown): MlflowError {
  if (MlflowError.isInstance(e)) return e;
  const err = e as { code?: string; statusCode?: number; message?: string };
  if (err?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return MlflowError.invalidParameter(`Request body is too large: ${err.message}`);
  if (typeof err?.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return new MlflowError('BAD_REQUEST', err.message ?? 'Bad request');
  }
  return new MlflowError('INTERNAL_ERROR', err?.message ?? String(e));
}

export function errorReply(e: unknown): { status: number; body: string } {
  const err = toMlflowError(e);
  return { status: httpStatusForErrorCode(err.code as ErrorCode), body: JSON.stringify(err.toJSON()) };
}
