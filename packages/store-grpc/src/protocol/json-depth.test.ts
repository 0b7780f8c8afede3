import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, assertJsonDepth } from './json-depth.js';

describe('assertJsonDepth', () => {
  it('accepts nesting up to the limit and ignores brackets inside strings', () => {
    expect(() => assertJsonDepth(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`)).not.toThrow();
    expect(() => assertJsonDepth(JSON.stringify({ a: '['.repeat(10_000), b: 'x\\"[[[[' }))).not.toThrow();
  });

  it('refuses deeper nesting with INVALID_PARAMETER_VALUE naming the limit', () => {
    const deep = `${'{"a":'.repeat(MAX_JSON_DEPTH + 1)}1${'}'.repeat(MAX_JSON_DEPTH + 1)}`;
    expect(() => assertJsonDepth(deep)).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('MAX_JSON_DEPTH') }),
    );
  });
});
