/** What every tracking operation needs: the connection and the default artifact root. */
import { MlflowError } from '@mlflow-ts/format';
import type { SqlConnection } from '../connect.js';

export interface TrackingContext {
  conn: SqlConnection;
  /** New experiments' artifact location is `<artifactRoot>/<experiment_id>` (no trailing slash). */
  artifactRoot: string;
}

const INT32_MAX = 2147483647;

/** MLflow's experiment ids are INTEGER columns: a non-numeric or out-of-range id names no experiment. */
export function experimentIdNumber(id: string | undefined): number | null {
  if (typeof id !== 'string' || !/^\d{1,10}$/.test(id)) return null;
  const n = Number(id);
  return n <= INT32_MAX ? n : null;
}

export function noSuchExperiment(id: string): MlflowError {
  return new MlflowError('RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${id} exists`);
}

export function noSuchRun(id: string): MlflowError {
  return new MlflowError('RESOURCE_DOES_NOT_EXIST', `Run with id=${id} not found`);
}

/** MLflow's `append_to_uri_path`: one slash between the parts. */
export function appendUriPath(base: string, ...parts: string[]): string {
  return [base.replace(/\/+$/, ''), ...parts].join('/');
}

/** `mlflow gc` removes only what was deleted first (MLflow's message). */
export function assertDeletedForGc(kind: 'Run' | 'Experiment', id: string, stage: string | null): void {
  if (stage !== 'deleted') {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `${kind} ${id} must be deleted before it can be permanently removed.`,
    );
  }
}
