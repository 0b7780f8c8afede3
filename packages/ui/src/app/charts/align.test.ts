import { describe, expect, it } from 'vitest';
import { alignSeries } from './align.js';

describe('alignSeries', () => {
  it('merges x values and fills gaps with null', () => {
    expect(
      alignSeries(
        [
          [0, 2],
          [1, 2],
        ],
        [
          [10, 12],
          [21, 22],
        ],
      ),
    ).toEqual([
      [0, 1, 2],
      [10, null, 12],
      [null, 21, 22],
    ]);
  });
  it('turns non-finite values into gaps', () => {
    expect(alignSeries([[0, 1]], [[Number.NaN, 1]])).toEqual([
      [0, 1],
      [null, 1],
    ]);
  });
});
