/** Experiment names and the id formats the FileStore accepts. */
import { MlflowError } from '../errors.js';
import { exceedsMaximumLength, invalidValue, missingValue } from './messages.js';

export const MAX_EXPERIMENT_NAME_LENGTH = 500;

const RUN_ID = /^[a-zA-Z0-9][\w-]{0,255}$/;
const EXPERIMENT_ID = /^[a-zA-Z0-9][\w-]{0,63}$/;

export function validateExperimentName(name: unknown): string {
  if (name === undefined || name === null || name === '') {
    throw new MlflowError('INVALID_PARAMETER_VALUE', `Invalid experiment name: '${name ?? ''}'`);
  }
  if (typeof name !== 'string') {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `Invalid experiment name: ${JSON.stringify(name)}. Expects a string.`,
    );
  }
  if (name.length > MAX_EXPERIMENT_NAME_LENGTH) {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `${exceedsMaximumLength('name', MAX_EXPERIMENT_NAME_LENGTH)}: '${name.slice(0, 40)}...' has ${name.length} characters`,
    );
  }
  return name;
}

/** Run ids are path segments in the FileStore: `^[a-zA-Z0-9][\w-]{0,255}$`. */
export function validateRunId(runId: unknown, path = 'run_id'): string {
  if (runId === undefined || runId === null || runId === '')
    throw new MlflowError('INVALID_PARAMETER_VALUE', missingValue(path));
  if (typeof runId !== 'string' || !RUN_ID.test(runId)) {
    throw new MlflowError('INVALID_PARAMETER_VALUE', invalidValue(path, runId));
  }
  return runId;
}

/** Experiment ids: `^[a-zA-Z0-9][\w-]{0,63}$`. */
export function validateExperimentId(experimentId: unknown): string {
  if (typeof experimentId !== 'string' || !EXPERIMENT_ID.test(experimentId)) {
    throw new MlflowError('INVALID_PARAMETER_VALUE', `Invalid experiment ID: '${String(experimentId)}'`);
  }
  return experimentId;
}
