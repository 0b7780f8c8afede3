import { describe, expect, it } from 'vitest';
import { catchMlflowError } from '../testing/conformance-helpers.js';
import {
  MAX_FILTER_CLAUSES,
  MAX_FILTER_LENGTH,
  MAX_FILTER_NESTING,
  MAX_LIKE_PATTERN_LENGTH,
  MAX_ORDER_BY_CLAUSES,
} from './filter-limits.js';
import { parseOrderBy } from './order-by.js';
import { parseFilter } from './parser.js';

describe('filter limits', () => {
  it('refuses a filter longer than MAX_FILTER_LENGTH, naming the limit', () => {
    const filter = `name = '${'x'.repeat(MAX_FILTER_LENGTH)}'`;
    const err = catchMlflowError(() => parseFilter(filter, 'experiments'));
    expect(err.code).toBe('INVALID_PARAMETER_VALUE');
    expect(err.message).toContain(String(MAX_FILTER_LENGTH));
    expect(err.message).toContain('MAX_FILTER_LENGTH');
  });

  it('refuses more than MAX_FILTER_CLAUSES comparisons', () => {
    const ok = Array.from({ length: MAX_FILTER_CLAUSES }, (_, i) => `name = 'e${i}'`).join(' OR ');
    expect(parseFilter(ok, 'experiments')).not.toBeNull();
    const err = catchMlflowError(() => parseFilter(`${ok} OR name = 'one-more'`, 'experiments'));
    expect(err.code).toBe('INVALID_PARAMETER_VALUE');
    expect(err.message).toContain('MAX_FILTER_CLAUSES');
  });

  it('refuses nesting deeper than MAX_FILTER_NESTING instead of overflowing the stack', () => {
    for (const deep of [`${'('.repeat(50_000)}name = 'a'${')'.repeat(50_000)}`, `${'NOT '.repeat(20_000)}name = 'a'`]) {
      const err = catchMlflowError(() => parseFilter(deep.slice(0, MAX_FILTER_LENGTH), 'experiments'));
      expect(err.code).toBe('INVALID_PARAMETER_VALUE');
      expect(err.message).toContain('MAX_FILTER_NESTING');
    }
    const fine = `${'('.repeat(MAX_FILTER_NESTING)}name = 'a'${')'.repeat(MAX_FILTER_NESTING)}`;
    expect(parseFilter(fine, 'experiments')).not.toBeNull();
  });

  it('refuses a LIKE pattern longer than MAX_LIKE_PATTERN_LENGTH', () => {
    const err = catchMlflowError(() => parseFilter(`tags.t LIKE '${'%_'.repeat(MAX_LIKE_PATTERN_LENGTH)}'`, 'runs'));
    expect(err.code).toBe('INVALID_PARAMETER_VALUE');
    expect(err.message).toContain('MAX_LIKE_PATTERN_LENGTH');
    expect(parseFilter(`tags.t = '${'y'.repeat(MAX_LIKE_PATTERN_LENGTH * 2)}'`, 'runs')).not.toBeNull();
  });

  it('refuses more than MAX_ORDER_BY_CLAUSES order_by clauses', () => {
    const err = catchMlflowError(() =>
      parseOrderBy(
        Array.from({ length: MAX_ORDER_BY_CLAUSES + 1 }, () => 'name'),
        'experiments',
      ),
    );
    expect(err.code).toBe('INVALID_PARAMETER_VALUE');
    expect(err.message).toContain('MAX_ORDER_BY_CLAUSES');
  });
});
