import { describe, expect, it } from 'vitest';
import { catchMlflowError } from '../testing/conformance-helpers.js';
import {
  posixNormpath,
  validateExperimentTag,
  validateMetricKey,
  validateParam,
  validateParamKey,
  validateParamValue,
  validateTag,
  validateTagKey,
  validateTagValue,
} from './keys.js';

describe('posixNormpath', () => {
  it.each([
    ['', '.'],
    ['a//b', 'a/b'],
    ['a/./b', 'a/b'],
    ['a/', 'a'],
    ['/a', '/a'],
    ['//a', '//a'],
    ['///a', '/a'],
    ['a/../../b', '../b'],
    ['/../a', '/a'],
    ['../a', '../a'],
    ['a/b/..', 'a'],
    ['.', '.'],
  ])('%j → %j like Python', (input, out) => {
    expect(posixNormpath(input)).toBe(out);
  });
});

describe('keys', () => {
  it('accepts MLflow-legal keys', () => {
    for (const k of ['loss', 'val/loss', 'a b', 'x:y', 'a-b.c_d', 'nested/deep/key']) {
      expect(validateMetricKey(k)).toBe(k);
      expect(validateParamKey(k)).toBe(k);
      expect(validateTagKey(k)).toBe(k);
    }
  });

  it('rejects bad characters with the offending key in the message', () => {
    const e = catchMlflowError(() => validateMetricKey('bad!key'));
    expect(e.code).toBe('INVALID_PARAMETER_VALUE');
    expect(e.message).toBe(
      `Invalid value "bad!key" for parameter 'key' supplied: Names may only contain alphanumerics, underscores (_), ` +
        'dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).',
    );
  });

  it.each(['', 'a//b', 'a/./b', 'a/', '/abs', '..', '../x', '.', 'a/../b'])('rejects non-normalised path %j', (k) => {
    const e = catchMlflowError(() => validateParamKey(k));
    expect(e.code).toBe('INVALID_PARAMETER_VALUE');
    expect(e.message).toContain(JSON.stringify(k));
  });

  it('rejects missing keys with the JSON path', () => {
    expect(catchMlflowError(() => validateTagKey(undefined, 'tags[2].key')).message).toBe(
      "Missing value for required parameter 'tags[2].key'.",
    );
  });

  it('limits keys to 250 characters', () => {
    expect(validateMetricKey('k'.repeat(250))).toHaveLength(250);
    const e = catchMlflowError(() => validateMetricKey('k'.repeat(251)));
    expect(e.message).toContain("'Metric name' exceeds the maximum length of 250 characters");
  });
});

describe('values', () => {
  it('truncates param values over 6000 and tag values over 8000 by default', () => {
    expect(validateParamValue('v'.repeat(6001))).toHaveLength(6000);
    expect(validateParamValue('short')).toBe('short');
    expect(validateTagValue('v'.repeat(9000))).toHaveLength(8000);
    expect(validateParam({ key: 'p', value: 'x'.repeat(7000) }).value).toHaveLength(6000);
    expect(validateTag({ key: 't', value: 'x'.repeat(8001) }).value).toHaveLength(8000);
  });

  it('rejects over-long values when truncation is off', () => {
    const e = catchMlflowError(() => validateParamValue('v'.repeat(6001), 'value', { truncate: false }));
    expect(e.code).toBe('INVALID_PARAMETER_VALUE');
    expect(e.message).toContain("'Param value' exceeds the maximum length of 6000 characters");
  });

  it('rejects non-string values', () => {
    expect(catchMlflowError(() => validateParamValue(5)).message).toContain('Invalid value 5');
    expect(catchMlflowError(() => validateParam({ key: 'p', value: null }, 'params[0]')).message).toBe(
      "Missing value for required parameter 'params[0].value'.",
    );
  });

  it('experiment tags reject values over 5000 instead of truncating', () => {
    expect(validateExperimentTag({ key: 'k', value: 'v'.repeat(5000) }).value).toHaveLength(5000);
    expect(catchMlflowError(() => validateExperimentTag({ key: 'k', value: 'v'.repeat(5001) })).message).toContain(
      "'Tag value' exceeds the maximum length of 5000 characters",
    );
    expect(catchMlflowError(() => validateExperimentTag({ key: 'a//b', value: 'v' })).message).toContain('"a//b"');
  });
});
