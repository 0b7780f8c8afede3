import { describe, expect, it } from 'vitest';
import { MlflowError } from '../errors.js';
import { canonicalStage, validateModelAlias, validateModelVersion, validateRegisteredModelName } from './registry.js';

function errorOf(fn: () => unknown): MlflowError {
  try {
    fn();
  } catch (e) {
    if (MlflowError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('expected an MlflowError');
}

describe('registry validation', () => {
  it('registered model names: non-empty, no path separators or %', () => {
    expect(validateRegisteredModelName('my model-1.v2')).toBe('my model-1.v2');
    for (const bad of ['a/b', 'a\\b', '50%', '..', '.']) {
      const e = errorOf(() => validateRegisteredModelName(bad));
      expect(e.code).toBe('INVALID_PARAMETER_VALUE');
      expect(e.message).toContain(`'${bad}'`);
    }
    expect(errorOf(() => validateRegisteredModelName('')).message).toBe("Missing value for required parameter 'name'.");
  });

  it('aliases: charset, length and reserved names', () => {
    expect(validateModelAlias('champion_2-b')).toBe('champion_2-b');
    expect(errorOf(() => validateModelAlias('bad alias')).message).toContain("'bad alias'");
    expect(errorOf(() => validateModelAlias('a'.repeat(256))).code).toBe('INVALID_PARAMETER_VALUE');
    expect(validateModelAlias('a'.repeat(255))).toHaveLength(255);
    expect(errorOf(() => validateModelAlias('')).message).toBe('Registered model alias name cannot be empty.');
    for (const reserved of ['latest', 'LaTeSt', 'v1', 'V42']) {
      expect(errorOf(() => validateModelAlias(reserved)).message).toContain(reserved);
      expect(validateModelAlias(reserved, { allowReserved: true })).toBe(reserved);
    }
    expect(validateModelAlias('v1a')).toBe('v1a');
  });

  it('versions must be integers like Python int()', () => {
    expect(validateModelVersion('3')).toBe(3);
    expect(validateModelVersion(' 12 ')).toBe(12);
    expect(validateModelVersion(7)).toBe(7);
    expect(errorOf(() => validateModelVersion('x')).message).toBe("Parameter 'version' must be an integer, got 'x'.");
    expect(errorOf(() => validateModelVersion('1.5')).message).toContain("got '1.5'");
    expect(errorOf(() => validateModelVersion(1.5)).code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('stages are case-insensitive and canonicalised', () => {
    expect(canonicalStage('staging')).toBe('Staging');
    expect(canonicalStage('PRODUCTION')).toBe('Production');
    expect(canonicalStage('none')).toBe('None');
    expect(canonicalStage('Archived')).toBe('Archived');
    expect(errorOf(() => canonicalStage('prod')).message).toBe(
      'Invalid Model Version stage: prod. Value must be one of None, Staging, Production, Archived.',
    );
  });
});
