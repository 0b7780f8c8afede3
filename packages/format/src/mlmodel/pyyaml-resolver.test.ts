import { describe, expect, it } from 'vitest';
import { PYYAML_INT_RE, constructPyyamlInt, constructPyyamlIntExact } from './pyyaml-resolver.js';

describe('PyYAML int construction', () => {
  it('is exact beyond 2^53, as Python ints are, and agrees with constructPyyamlInt below', () => {
    expect(constructPyyamlIntExact('422572303967983220')).toBe('422572303967983220');
    expect(constructPyyamlIntExact('-9_007_199_254_740_993')).toBe('-9007199254740993');
    expect(constructPyyamlInt('422572303967983220')).toBe(Number('422572303967983220')); // the nearest double
    for (const text of ['0', '17', '-3', '0o7'.replace('o', ''), '0x1f', '0b101', '1:30', '+12']) {
      expect(PYYAML_INT_RE.test(text), text).toBe(true);
      expect(constructPyyamlIntExact(text)).toBe(constructPyyamlInt(text));
    }
  });
});
