import { describe, expect, it } from 'vitest';
import { catchMlflowError } from '../testing/conformance-helpers.js';
import { canonicalStage, validateModelAlias, validateModelVersion, validateRegisteredModelName } from './registry.js';

describe('registry validation', () => {
  it('registered model names: non-empty, no path separators or %', () => {
    expect(validateRegisteredModelName('my model-1.v2')).toBe('my model-1.v2');
    for (const bad of ['a/b', 'a\\b', '50%', '..', '.']) {
      const e = catchMlflowError(() => validateRegisteredModelName(bad));
      expect(e.code).toBe('INVALID_PARAMETER_VALUE');
      expect(e.message).toContain(`'${bad}'`);
    }
    expect(catchMlflowError(() => validateRegisteredModelName('')).message).toBe(
      "Missing value for required parameter 'name'.",
    );
  });

  it('aliases: charset, length and reserved names', () => {
    expect(validateModelAlias('champion_2-b')).toBe('champion_2-b');
    expect(catchMlflowError(() => validateModelAlias('bad alias')).message).toContain("'bad alias'");
    expect(catchMlflowError(() => validateModelAlias('a'.repeat(256))).code).toBe('INVALID_PARAMETER_VALUE');
    expect(validateModelAlias('a'.repeat(255))).toHaveLength(255);
    expect(catchMlflowError(() => validateModelAlias('')).message).toBe('Registered model alias name cannot be empty.');
    for (const reserved of ['latest', 'LaTeSt', 'v1', 'V42']) {
      expect(catchMlflowError(() => validateModelAlias(reserved)).message).toContain(reserved);
      expect(validateModelAlias(reserved, { allowReserved: true })).toBe(reserved);
    }
    expect(validateModelAlias('v1a')).toBe('v1a');
  });

  it('versions must be integers like Python int()', () => {
    expect(validateModelVersion('3')).toBe(3);
    expect(validateModelVersion(' 12 ')).toBe(12);
    expect(validateModelVersion(7)).toBe(7);
    expect(catchMlflowError(() => validateModelVersion('x')).message).toBe(
      "Parameter 'version' must be an integer, got 'x'.",
    );
    expect(catchMlflowError(() => validateModelVersion('1.5')).message).toContain("got '1.5'");
    expect(catchMlflowError(() => validateModelVersion(1.5)).code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('stages are case-insensitive and canonicalised', () => {
    expect(canonicalStage('staging')).toBe('Staging');
    expect(canonicalStage('PRODUCTION')).toBe('Production');
    expect(canonicalStage('none')).toBe('None');
    expect(canonicalStage('Archived')).toBe('Archived');
    expect(catchMlflowError(() => canonicalStage('prod')).message).toBe(
      'Invalid Model Version stage: prod. Value must be one of None, Staging, Production, Archived.',
    );
  });
});
