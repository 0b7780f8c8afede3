import { describe, expect, it } from 'vitest';
import type { Metric } from '../entities.js';
import { MlflowError } from '../errors.js';
import { sampleMetricHistoryBulkInterval, validateMetricHistoryBulkIntervalRequest } from './bulk-interval.js';

const point = (step: number, timestamp = step, value = step): Metric => ({ key: 'loss', value, timestamp, step });
const steps = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => point(from + i));

function errorOf(fn: () => unknown): MlflowError {
  try {
    fn();
  } catch (e) {
    if (MlflowError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('expected an MlflowError');
}

describe('sampleMetricHistoryBulkInterval', () => {
  it('returns everything when under max_results, per run sorted by step then timestamp', () => {
    const a = [point(2, 5), point(0, 1), point(1, 9), point(1, 3)];
    const out = sampleMetricHistoryBulkInterval([{ run_id: 'a', history: a }, { run_id: 'b', history: [point(3)] }]);
    expect(out.map((m) => [m.run_id, m.step, m.timestamp])).toEqual([
      ['a', 0, 1], ['a', 1, 3], ['a', 1, 9], ['a', 2, 5], ['b', 3, 3],
    ]);
    expect(out[0].key).toBe('loss');
  });

  it('samples evenly spaced steps from the union and adds each run’s min and max back', () => {
    // Union 0..99 (run a: 0..49, run b: 50..99); 10 samples → every 10th step, plus 49 and 50 and 99.
    const out = sampleMetricHistoryBulkInterval(
      [{ run_id: 'a', history: steps(0, 49) }, { run_id: 'b', history: steps(50, 99) }],
      { max_results: 10 },
    );
    const byRun = (id: string) => out.filter((m) => m.run_id === id).map((m) => m.step);
    expect(byRun('a')).toEqual([0, 10, 20, 30, 40, 49]);
    expect(byRun('b')).toEqual([50, 60, 70, 80, 90, 99]);
  });

  it('keeps only steps within [start_step, end_step], including mins and maxes', () => {
    const out = sampleMetricHistoryBulkInterval([{ run_id: 'a', history: steps(0, 100) }], {
      start_step: 10, end_step: 20, max_results: 5,
    });
    // 11 steps in range, 5 samples: indices 0,2,4,6,8 → 10,12,14,16,18; the run's min 0 and max 100 are outside.
    expect(out.map((m) => m.step)).toEqual([10, 12, 14, 16, 18]);
  });

  it('defaults the range to [0, max step], dropping negative steps that are not a run min', () => {
    const out = sampleMetricHistoryBulkInterval([{ run_id: 'a', history: [point(-5), point(0), point(3)] }]);
    expect(out.map((m) => m.step)).toEqual([0, 3]);
  });

  it('handles runs without history', () => {
    expect(sampleMetricHistoryBulkInterval([{ run_id: 'a', history: [] }])).toEqual([]);
  });

  it('rejects half-open ranges, reversed ranges and bad max_results', () => {
    const h = [{ run_id: 'a', history: [point(1)] }];
    expect(errorOf(() => sampleMetricHistoryBulkInterval(h, { start_step: 1 })).message).toContain(
      'If either start step or end step are specified, both must be specified',
    );
    expect(errorOf(() => sampleMetricHistoryBulkInterval(h, { start_step: 5, end_step: 1 })).message).toContain(
      'end_step must be greater than start_step',
    );
    expect(errorOf(() => sampleMetricHistoryBulkInterval(h, { max_results: 2501 })).code).toBe('INVALID_PARAMETER_VALUE');
    expect(errorOf(() => sampleMetricHistoryBulkInterval(h, { max_results: 0 })).message).toContain('got 0');
  });

  it('validates requests like the handler: 1..100 run ids and a metric key', () => {
    expect(() => validateMetricHistoryBulkIntervalRequest({ run_ids: ['a'], metric_key: 'm' })).not.toThrow();
    expect(errorOf(() => validateMetricHistoryBulkIntervalRequest({ run_ids: [], metric_key: 'm' })).code).toBe(
      'INVALID_PARAMETER_VALUE',
    );
    const many = Array.from({ length: 101 }, (_, i) => `r${i}`);
    expect(errorOf(() => validateMetricHistoryBulkIntervalRequest({ run_ids: many, metric_key: 'm' })).message).toContain(
      'Received 101 run_ids',
    );
    expect(errorOf(() => validateMetricHistoryBulkIntervalRequest({ run_ids: ['a'] })).message).toContain('metric_key');
  });
});
