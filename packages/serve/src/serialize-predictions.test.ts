import { describe, expect, it } from 'vitest';
import { serializePredictions } from './serialize-predictions.js';

describe('serializePredictions', () => {
  it('writes plain predictions as JSON.stringify does (non-finite numbers as null)', () => {
    const p = [[0.5, 1e-7], [Number.NaN, 2]];
    expect(serializePredictions(p)).toBe(JSON.stringify({ predictions: p }));
    expect(JSON.parse(serializePredictions({ a: [1], b: ['x'] }))).toEqual({ predictions: { a: [1], b: ['x'] } });
  });

  it('writes BigInt values in MLflow conventions instead of failing', () => {
    expect(JSON.parse(serializePredictions([1n, 2n, 0.5]))).toEqual({ predictions: [1, 2, 0.5] });
  });
});
