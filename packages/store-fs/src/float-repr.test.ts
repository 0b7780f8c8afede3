import { describe, expect, it } from 'vitest';
import { formatPythonFloat, parsePythonFloat } from './float-repr.js';

describe('Python float repr', () => {
  it.each([
    [15, '15.0'],
    [1, '1.0'],
    [0, '0.0'],
    [-0, '-0.0'],
    [1e-5, '1e-05'],
    [0.0001, '0.0001'],
    [1.5e-7, '1.5e-07'],
    [0.6888929009437561, '0.6888929009437561'],
    [1e16, '1e+16'],
    [123456789012345.6, '123456789012345.6'],
    [1234567890123456.0, '1234567890123456.0'],
    [1.2345678901234568e17, '1.2345678901234568e+17'],
    [-2.5, '-2.5'],
    [1e100, '1e+100'],
    [7.589112197954422e-5, '7.589112197954422e-05'],
    [NaN, 'nan'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
  ])('%s → %s', (x, text) => {
    expect(formatPythonFloat(x)).toBe(text);
    const back = parsePythonFloat(text);
    if (Number.isNaN(x)) expect(back).toBeNaN();
    else expect(back).toBe(x);
  });

  it('the fast path agrees with digit-by-digit formatting across the decimal range', () => {
    // Reference: Python's rule spelled out from the shortest round-trip digits (toExponential).
    const reference = (x: number): string => {
      const [mantissa, expText] = x.toExponential().split('e') as [string, string];
      const exp = Number(expText);
      const digits = mantissa.replace('-', '').replace('.', '');
      const text =
        exp >= 0
          ? `${digits.slice(0, exp + 1).padEnd(exp + 1, '0')}.${digits.slice(exp + 1) || '0'}`
          : `0.${'0'.repeat(-exp - 1)}${digits}`;
      return x < 0 ? `-${text}` : text;
    };
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 5000; i++) {
      const x = (rnd() < 0.5 ? -1 : 1) * 10 ** (-4 + rnd() * 20) * (i % 7 === 0 ? 1 : rnd() + 0.5);
      const v = i % 11 === 0 ? Math.round(x) : x;
      if (Math.abs(v) < 1e-4 || Math.abs(v) >= 1e16 || v === 0) continue;
      expect(formatPythonFloat(v)).toBe(reference(v));
    }
  });

  it('rejects garbage', () => {
    expect(() => parsePythonFloat('abc')).toThrow();
    expect(() => parsePythonFloat('')).toThrow();
  });
});
