import { describe, expect, it } from 'vitest';
import { formatPythonFloat, parsePythonFloat } from './float-repr.js';

describe('Python float repr', () => {
  it.each([
    [15, '15.0'], [1, '1.0'], [0, '0.0'], [-0, '-0.0'], [1e-5, '1e-05'], [0.0001, '0.0001'], [1.5e-7, '1.5e-07'],
    [0.6888929009437561, '0.6888929009437561'], [1e16, '1e+16'], [123456789012345.6, '123456789012345.6'],
    [1234567890123456.0, '1234567890123456.0'], [1.2345678901234568e17, '1.2345678901234568e+17'], [-2.5, '-2.5'],
    [1e100, '1e+100'], [7.589112197954422e-5, '7.589112197954422e-05'], [NaN, 'nan'], [Infinity, 'inf'], [-Infinity, '-inf'],
  ])('%s → %s', (x, text) => {
    expect(formatPythonFloat(x)).toBe(text);
    const back = parsePythonFloat(text);
    if (Number.isNaN(x)) expect(back).toBeNaN();
    else expect(back).toBe(x);
  });

  it('rejects garbage', () => {
    expect(() => parsePythonFloat('abc')).toThrow();
    expect(() => parsePythonFloat('')).toThrow();
  });
});
