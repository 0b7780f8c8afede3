import { describe, expect, it } from 'vitest';
import { catchMlflowError } from '../testing/conformance-helpers.js';
import { LOG_BATCH_LIMITS, validateLogBatch } from './log-batch.js';

const metric = (i: number) => ({ key: `m${i}`, value: i, timestamp: 1, step: 0 });
const kv = (p: string, i: number) => ({ key: `${p}${i}`, value: 'v' });
const times = <T>(n: number, f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));

describe('validateLogBatch', () => {
  it('accepts a batch at every limit', () => {
    expect(LOG_BATCH_LIMITS).toEqual({ metrics: 1000, params: 100, tags: 100, total: 1000 });
    expect(() => validateLogBatch({ metrics: times(1000, metric) })).not.toThrow();
    expect(() =>
      validateLogBatch({ params: times(100, (i) => kv('p', i)), tags: times(100, (i) => kv('t', i)) }),
    ).not.toThrow();
    expect(validateLogBatch({})).toEqual({ metrics: [], params: [], tags: [] });
  });

  it('rejects too many metrics, params, tags or entities with MLflow messages', () => {
    expect(catchMlflowError(() => validateLogBatch({ metrics: times(1001, metric) })).message).toBe(
      'A batch logging request can contain at most 1000 metrics. Got 1001 metrics. ' +
        'Please split up metrics across multiple requests and try again.',
    );
    expect(catchMlflowError(() => validateLogBatch({ params: times(101, (i) => kv('p', i)) })).message).toContain(
      'at most 100 params. Got 101 params.',
    );
    expect(catchMlflowError(() => validateLogBatch({ tags: times(101, (i) => kv('t', i)) })).message).toContain(
      'at most 100 tags. Got 101 tags.',
    );
    const e = catchMlflowError(() =>
      validateLogBatch({ metrics: times(950, metric), params: times(51, (i) => kv('p', i)) }),
    );
    expect(e.code).toBe('INVALID_PARAMETER_VALUE');
    expect(e.message).toContain('at most 1000 metrics, params, and tags. Got 1001 metrics, params, and tags.');
  });

  it('names the failing entry by its JSON path', () => {
    const bad = { key: 'm', value: 'nope' as unknown as number, timestamp: 1, step: 0 };
    expect(catchMlflowError(() => validateLogBatch({ metrics: [metric(0), bad] })).message).toContain(
      "'metrics[1].value'",
    );
    expect(catchMlflowError(() => validateLogBatch({ params: [{ key: 'a//b', value: 'x' }] })).message).toContain(
      `Invalid value "a//b" for parameter 'params[0].key'`,
    );
    expect(
      catchMlflowError(() => validateLogBatch({ tags: [{ key: 't', value: undefined as unknown as string }] })).message,
    ).toBe("Missing value for required parameter 'tags[0].value'.");
  });

  it('rejects duplicate param keys, naming them', () => {
    const e = catchMlflowError(() =>
      validateLogBatch({ params: [kv('p', 1), kv('p', 2), { key: 'p1', value: 'other' }] }),
    );
    expect(e.message).toBe(
      "Duplicate parameter keys have been submitted: ['p1']. Please ensure the request contains only one param value per param key.",
    );
  });

  it('returns the batch with long values truncated and steps defaulted', () => {
    const out = validateLogBatch({
      metrics: [{ key: 'm', value: 1, timestamp: 2 } as never],
      params: [{ key: 'p', value: 'x'.repeat(6500) }],
      tags: [{ key: 't', value: 'y'.repeat(8500) }],
    });
    expect(out.metrics[0]?.step).toBe(0);
    expect(out.params[0]?.value).toHaveLength(6000);
    expect(out.tags[0]?.value).toHaveLength(8000);
  });
});
