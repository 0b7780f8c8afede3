import { describe, expect, it } from 'vitest';
import { catchMlflowError } from '../testing/conformance-helpers.js';
import { validateExperimentId, validateExperimentName, validateRunId } from './experiment.js';
import { validateDataset, validateDatasetInput } from './dataset.js';

describe('experiment and run ids and names', () => {
  it('experiment names are non-empty strings of at most 500 characters', () => {
    expect(validateExperimentName('Default')).toBe('Default');
    expect(validateExperimentName('x'.repeat(500))).toHaveLength(500);
    expect(catchMlflowError(() => validateExperimentName('')).message).toBe("Invalid experiment name: ''");
    expect(catchMlflowError(() => validateExperimentName(42)).message).toContain('Expects a string');
    expect(catchMlflowError(() => validateExperimentName('x'.repeat(501))).message).toContain(
      "'name' exceeds the maximum length of 500 characters",
    );
  });

  it('run ids follow the FileStore pattern', () => {
    expect(validateRunId('0123456789abcdef0123456789abcdef')).toHaveLength(32);
    expect(catchMlflowError(() => validateRunId('../etc')).message).toBe(
      `Invalid value "../etc" for parameter 'run_id' supplied.`,
    );
    expect(catchMlflowError(() => validateRunId('')).message).toBe("Missing value for required parameter 'run_id'.");
    expect(catchMlflowError(() => validateRunId('x'.repeat(257))).code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('experiment ids follow the FileStore pattern', () => {
    expect(validateExperimentId('0')).toBe('0');
    expect(validateExperimentId('123456789012345678')).toBe('123456789012345678');
    expect(catchMlflowError(() => validateExperimentId('a/b')).message).toBe("Invalid experiment ID: 'a/b'");
    expect(catchMlflowError(() => validateExperimentId('x'.repeat(65))).code).toBe('INVALID_PARAMETER_VALUE');
  });
});

describe('datasets', () => {
  const ds = { name: 'train', digest: 'abc123', source_type: 'local', source: '{"uri": "x"}' };

  it('accepts a complete dataset and its input tags', () => {
    expect(() => validateDataset(ds)).not.toThrow();
    expect(() =>
      validateDatasetInput({ dataset: ds, tags: [{ key: 'mlflow.data.context', value: 'train' }] }),
    ).not.toThrow();
  });

  it('requires name, digest, source_type and source', () => {
    const e = catchMlflowError(() => validateDataset({ ...ds, digest: undefined }));
    expect(e.message).toContain('Dataset must have name, digest, source_type and source');
    expect(e.message).toContain('digest');
  });

  it('enforces MLflow size limits', () => {
    expect(catchMlflowError(() => validateDataset({ ...ds, digest: 'd'.repeat(37) })).message).toContain(
      'Dataset digest exceeds the maximum length of 36',
    );
    expect(catchMlflowError(() => validateDataset({ ...ds, name: 'n'.repeat(501) })).code).toBe(
      'INVALID_PARAMETER_VALUE',
    );
    expect(
      catchMlflowError(() => validateDatasetInput({ dataset: ds, tags: [{ key: 'k', value: 'v'.repeat(501) }] }))
        .message,
    ).toContain('InputTag value exceeds the maximum length of 500');
  });
});
