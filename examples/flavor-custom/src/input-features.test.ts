import { toHalfBits } from '@mlflow-ts/format';
import { catchMlflowError } from '@mlflow-ts/format/testing';
import type { EnforcedInput } from '@mlflow-ts/format';
import { describe, expect, it } from 'vitest';
import { inputFeatures } from './input-features.js';

describe('inputFeatures', () => {
  it('reads [rows, n_features] tensors of every numeric storage', () => {
    const cases: EnforcedInput[] = [
      { kind: 'tensor', tensor: { dtype: 'float64', shape: [2, 2], data: Float64Array.from([1, 2, 3, 4]) } },
      { kind: 'tensor', tensor: { dtype: 'float32', shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) } },
      { kind: 'tensor', tensor: { dtype: 'int64', shape: [2, 2], data: BigInt64Array.from([1n, 2n, 3n, 4n]) } },
      { kind: 'tensor', tensor: { dtype: 'object', shape: [2, 2], data: [1, 2, 3, 4] } },
      { kind: 'tensor', tensor: { dtype: 'float16', shape: [2, 2], data: Uint16Array.from([1, 2, 3, 4], toHalfBits) } },
      { kind: 'tensors', tensors: { x: { dtype: 'int32', shape: [2, 2], data: Int32Array.from([1, 2, 3, 4]) } } },
    ];
    for (const input of cases) {
      const m = inputFeatures(input, 2);
      expect(m.nRows).toBe(2);
      expect([...m.features]).toEqual([1, 2, 3, 4]);
    }
  });

  it('reads data frame rows in column order; booleans count as 0/1', () => {
    const m = inputFeatures(
      {
        kind: 'dataframe',
        columns: ['a', 'b', 'c'],
        rows: [
          [1, 2.5, true],
          [0, -1, false],
        ],
      },
      3,
    );
    expect(m.nRows).toBe(2);
    expect([...m.features]).toEqual([1, 2.5, 1, 0, -1, 0]);
  });

  it('refuses tensors of the wrong shape or several tensors, naming them', () => {
    const t = (shape: number[], n: number) => ({ dtype: 'float64' as const, shape, data: new Float64Array(n) });
    expect(catchMlflowError(() => inputFeatures({ kind: 'tensor', tensor: t([4], 4) }, 2)).message).toMatch(
      /shaped \[rows, 2\], got \[4\]/,
    );
    expect(catchMlflowError(() => inputFeatures({ kind: 'tensor', tensor: t([2, 3], 6) }, 2)).message).toMatch(
      /got \[2, 3\]/,
    );
    expect(catchMlflowError(() => inputFeatures({ kind: 'tensor', tensor: t([2, 2], 3) }, 2)).message).toMatch(
      /has 3 values but its shape \[2, 2\] needs 4/,
    );
    const two = catchMlflowError(() =>
      inputFeatures({ kind: 'tensors', tensors: { a: t([1, 2], 2), b: t([1, 2], 2) } }, 2),
    );
    expect(two.code).toBe('INVALID_PARAMETER_VALUE');
    expect(two.message).toMatch(/one input tensor, got 2: \[a, b\]/);
    expect(catchMlflowError(() => inputFeatures({ kind: 'tensors', tensors: { x: t([1, 3], 3) } }, 2)).message).toMatch(
      /input tensor 'x'/,
    );
  });

  it('refuses non-numeric values and wrong column counts, naming the cell', () => {
    const text = catchMlflowError(() =>
      inputFeatures(
        {
          kind: 'dataframe',
          columns: ['a', 'b'],
          rows: [
            [1, 2],
            [3, 'x'],
          ],
        },
        2,
      ),
    );
    expect(text.code).toBe('INVALID_PARAMETER_VALUE');
    expect(text.message).toMatch(/column 'b' in row 1 is the string 'x'/);
    expect(
      catchMlflowError(() => inputFeatures({ kind: 'dataframe', columns: ['a', 'b'], rows: [[null, 2]] }, 2)).message,
    ).toMatch(/column 'a' in row 0 is null/);
    expect(
      catchMlflowError(() => inputFeatures({ kind: 'dataframe', columns: ['a'], rows: [[1]] }, 2)).message,
    ).toMatch(/needs 2 feature columns, got 1: \[a\]/);
    expect(
      catchMlflowError(() => inputFeatures({ kind: 'dataframe', columns: ['a', 'b'], rows: [[1]] }, 2)).message,
    ).toMatch(/Row 0 has 1 values, expected 2/);
    const obj = { kind: 'tensor' as const, tensor: { dtype: 'object' as const, shape: [1, 2], data: [1, { v: 2 }] } };
    expect(catchMlflowError(() => inputFeatures(obj, 2)).message).toMatch(
      /element 1 of the input tensor is a value of type object/,
    );
  });
});
