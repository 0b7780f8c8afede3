import { describe, expect, it } from 'vitest';
import type { Metric } from '../entities.js';
import { catchMlflowError } from '../testing/conformance-helpers.js';
import { latestMetrics, validateMetric } from './metric.js';

const messageOf = (fn: () => unknown): string => catchMlflowError(fn, 'INVALID_PARAMETER_VALUE').message;

describe('validateMetric', () => {
  it('accepts NaN and infinities as values', () => {
    for (const value of [NaN, Infinity, -Infinity, 0, -1.5e300]) {
      expect(() => validateMetric({ key: 'm', value, timestamp: 0, step: 0 })).not.toThrow();
    }
  });

  it('defaults a missing step to 0 and accepts negative steps', () => {
    expect(() => validateMetric({ key: 'm', value: 1, timestamp: 5 })).not.toThrow();
    expect(() => validateMetric({ key: 'm', value: 1, timestamp: 5, step: -3 })).not.toThrow();
  });

  it('rejects non-numeric values, naming the value and the path', () => {
    expect(messageOf(() => validateMetric({ key: 'acc', value: true, timestamp: 1 }, 'metrics[2]'))).toBe(
      "Invalid value true for parameter 'metrics[2].value' supplied: metric 'acc' (timestamp=1). " +
        'Please specify value as a valid double (64-bit floating point)',
    );
    expect(messageOf(() => validateMetric({ key: 'acc', value: '0.5', timestamp: 1 }))).toContain('"0.5"');
    expect(messageOf(() => validateMetric({ key: 'acc', value: undefined, timestamp: 1 }))).toBe(
      "Missing value for required parameter 'value'.",
    );
  });

  it('rejects negative or missing timestamps and non-numeric steps', () => {
    expect(messageOf(() => validateMetric({ key: 'm', value: 1, timestamp: -1 }))).toContain(
      "Invalid value -1 for parameter 'timestamp'",
    );
    expect(messageOf(() => validateMetric({ key: 'm', value: 1, timestamp: undefined }))).toContain("'timestamp'");
    expect(messageOf(() => validateMetric({ key: 'm', value: 1, timestamp: 1, step: 'x' }))).toContain(
      `Invalid value "x" for parameter 'step'`,
    );
  });

  it('applies key rules', () => {
    expect(messageOf(() => validateMetric({ key: 'a//b', value: 1, timestamp: 1 }))).toContain('"a//b"');
  });
});

describe('latestMetrics', () => {
  const m = (key: string, value: number, timestamp: number, step: number): Metric => ({ key, value, timestamp, step });

  it('takes the max by step, then timestamp, then value per key', () => {
    const latest = latestMetrics([
      m('loss', 1, 100, 5),
      m('loss', 2, 50, 7),
      m('loss', 3, 10, 6),
      m('acc', 0.1, 10, 1),
      m('acc', 0.3, 20, 1),
      m('acc', 0.2, 20, 1),
    ]);
    expect(latest).toEqual([m('loss', 2, 50, 7), m('acc', 0.3, 20, 1)]);
  });

  it('keeps the first point on a full tie and never prefers NaN by value', () => {
    const first = m('x', 5, 1, 1);
    expect(latestMetrics([first, m('x', NaN, 1, 1)])[0]).toBe(first);
    const later = m('x', NaN, 2, 1);
    expect(Number.isNaN(latestMetrics([first, later])[0]?.value)).toBe(true);
  });

  it('returns nothing for an empty history', () => {
    expect(latestMetrics([])).toEqual([]);
  });
});
