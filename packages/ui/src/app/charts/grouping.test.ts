import { describe, expect, it } from 'vitest';
import { aggregateSeries, dashPattern, groupIndex, groupSettings } from './grouping.js';

const f = (...v: number[]) => Float64Array.from(v);

describe('aggregateSeries', () => {
  it('means the series at every x any has, with a min–max band', () => {
    const g = aggregateSeries([f(0, 1, 2), f(0, 2, 3)], [f(1, 2, 3), f(3, 5, 7)], 'minmax');
    expect([...g.x]).toEqual([0, 1, 2, 3]);
    expect([...g.mean]).toEqual([2, 2, 4, 7]);
    expect([...g.lower]).toEqual([1, 2, 3, 7]);
    expect([...g.upper]).toEqual([3, 2, 5, 7]);
  });

  it('a ±1 std band (population), NaN and infinities left out', () => {
    const g = aggregateSeries(
      [f(0, 1), f(0, 1), f(0, 1)],
      [f(1, Number.NaN), f(3, Number.POSITIVE_INFINITY), f(5, 4)],
      'std',
    );
    const sd = Math.sqrt(((1 - 3) ** 2 + 0 + (5 - 3) ** 2) / 3);
    expect(g.mean[0]).toBe(3);
    expect(g.lower[0]).toBeCloseTo(3 - sd, 12);
    expect(g.upper[0]).toBeCloseTo(3 + sd, 12);
    expect([g.mean[1], g.lower[1], g.upper[1]]).toEqual([4, 4, 4]);
  });

  it('a point with no finite value is NaN; no band is NaN everywhere', () => {
    const g = aggregateSeries([f(0, 1)], [f(2, Number.NaN)], 'none');
    expect([...g.mean]).toEqual([2, Number.NaN]);
    expect([...g.lower].every(Number.isNaN)).toBe(true);
    expect(aggregateSeries([], [], 'minmax').x).toHaveLength(0);
  });
});

describe('groups', () => {
  it('indexes values in first-seen order and cycles dash patterns, solid first', () => {
    expect([...groupIndex(['b', 'a', 'b', 'c'])]).toEqual([
      ['b', 0],
      ['a', 1],
      ['c', 2],
    ]);
    expect(dashPattern(0)).toEqual([]);
    expect(dashPattern(1)).not.toEqual([]);
    expect(dashPattern(5)).toEqual(dashPattern(0));
  });

  it('reads its settings from the URL, min–max band by default', () => {
    expect(groupSettings(new URLSearchParams('groupColor=params.model&groupMean=true'))).toEqual({
      color: 'params.model',
      dash: '',
      facet: '',
      mean: true,
      band: 'minmax',
    });
    expect(groupSettings(new URLSearchParams('groupBand=std')).band).toBe('std');
    expect(groupSettings(new URLSearchParams('groupBand=bogus')).band).toBe('minmax');
  });
});
