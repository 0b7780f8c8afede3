import { describe, expect, it } from 'vitest';
import { markFloatColumns, markFloatList } from '@mlflow-ts/format';
import { serializePredictions } from './serialize-predictions.js';

describe('serializePredictions', () => {
  it("writes Python's json.dump text, as MLflow's scoring server does", () => {
    // Unmarked numbers: integral ones as Python ints; NaN as Python writes it (allow_nan).
    expect(
      serializePredictions([
        [0.5, 1e-7],
        [Number.NaN, 2],
      ]),
    ).toBe('{"predictions": [[0.5, 1e-07], [NaN, 2]]}');
    expect(serializePredictions({ a: [1], b: ['x', 'é'] })).toBe('{"predictions": {"a": [1], "b": ["x", "\\u00e9"]}}');
  });

  it("writes a float tensor's integral values with .0, and float columns of records likewise", () => {
    expect(
      serializePredictions({
        y: markFloatList([
          [4, 5],
          [10, 3e16],
        ]),
        label: [1, 0],
      }),
    ).toBe('{"predictions": {"y": [[4.0, 5.0], [10.0, 3e+16]], "label": [1, 0]}}');
    const rows = markFloatColumns(
      [
        { y: 4, n: 1 },
        { y: 0.5, n: 2 },
      ],
      ['y'],
    );
    expect(serializePredictions(rows)).toBe('{"predictions": [{"y": 4.0, "n": 1}, {"y": 0.5, "n": 2}]}');
  });

  it('writes BigInt values as ints instead of failing', () => {
    expect(JSON.parse(serializePredictions([1n, 2n, 0.5]))).toEqual({ predictions: [1, 2, 0.5] });
  });
});
