import { MlflowError } from '@mlflow-ts/format';
import { describe, expect, it } from 'vitest';
import { checkLinearModel, predictLinear } from './linear-model.js';
import type { LinearModel } from './linear-model.js';

const rows = (...r: number[][]) => Float64Array.from(r.flat());

describe('predictLinear', () => {
  it('computes x·W + b by hand (identity)', () => {
    const m: LinearModel = { weights: [[2], [3]], bias: [1], activation: 'identity' };
    expect([...predictLinear(m, rows([1, 1]), 1)]).toEqual([6]);
    expect([...predictLinear(m, rows([1, 1], [0, 0], [-1, 2]), 3)]).toEqual([6, 1, 5]);
  });

  it('handles several outputs, weights[i][j] being feature i → output j', () => {
    const m: LinearModel = {
      weights: [
        [1, 10],
        [2, 20],
        [3, 30],
      ],
      bias: [0.5, -1],
      activation: 'identity',
    };
    // [1,1,1]: 1+2+3+0.5, 10+20+30-1; [0,1,2]: 2+6+0.5, 20+60-1.
    expect([...predictLinear(m, rows([1, 1, 1], [0, 1, 2]), 2)]).toEqual([6.5, 59, 8.5, 79]);
  });

  it('applies sigmoid elementwise', () => {
    const m: LinearModel = { weights: [[1], [-1]], bias: [0], activation: 'sigmoid' };
    const p = predictLinear(m, rows([0, 0], [2, 0], [0, 2]), 3);
    expect(p[0]).toBe(0.5);
    expect(p[1]).toBeCloseTo(1 / (1 + Math.exp(-2)), 15);
    expect(p[2]).toBeCloseTo(1 / (1 + Math.exp(2)), 15);
  });

  it('applies a softmax per row that sums to 1 and survives large logits', () => {
    const m: LinearModel = { weights: [[1, 0, -1]], bias: [0, 0, 0], activation: 'softmax' };
    const [a, b, c] = predictLinear(m, rows([1]), 1);
    const z = Math.E + 1 + 1 / Math.E;
    expect(a).toBeCloseTo(Math.E / z, 15);
    expect(b).toBeCloseTo(1 / z, 15);
    expect(c).toBeCloseTo(1 / Math.E / z, 15);
    const big = predictLinear(m, rows([1000]), 1);
    expect([...big]).toEqual([1, 0, 0]);
  });
});

describe('checkLinearModel', () => {
  it('returns the dimensions of a valid model', () => {
    const { nFeatures, nOutputs } = checkLinearModel({
      weights: [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      bias: [0, 0],
      activation: 'softmax',
    });
    expect([nFeatures, nOutputs]).toEqual([3, 2]);
  });

  it.each([
    [{ weights: [[1]], bias: [0] }, /field 'activation'/],
    [{ weights: [[1]], bias: [0], activation: 'relu' }, /field 'activation'/],
    [{ weights: [['x']], bias: [0], activation: 'identity' }, /field 'weights.0.0'/],
    [{ weights: [], bias: [0], activation: 'identity' }, /weights has no rows/],
    [{ weights: [[1]], bias: [], activation: 'identity' }, /bias is empty/],
    [{ weights: [[1, 2], [3]], bias: [0, 0], activation: 'identity' }, /weights\[1\] has 1 values but bias has 2/],
    [
      { weights: [[Infinity]], bias: [0], activation: 'identity' },
      /field 'weights.0.0' is invalid: expected number, received Infinity/,
    ],
    [{ weights: [[1]], bias: [0], activation: 'softmax' }, /softmax needs at least 2 outputs/],
    ['not a model', /Not a linear model/],
  ])('refuses %j', (model, message) => {
    let caught: unknown;
    try {
      checkLinearModel(model);
    } catch (e) {
      caught = e;
    }
    expect(MlflowError.isInstance(caught)).toBe(true);
    expect((caught as MlflowError).code).toBe('INVALID_PARAMETER_VALUE');
    expect((caught as MlflowError).message).toMatch(message);
  });
});
