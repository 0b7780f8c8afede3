import { describe, expect, it } from 'vitest';
import { enforceSchema } from '@mlflow-ts/format';
import type { ModelInput, TensorSpec } from '@mlflow-ts/format';
import { compileFastEnforce, fastTensor } from './tensor-fast-path.js';

const spec = (dtype: TensorSpec['tensor-spec']['dtype'], shape: number[], name?: string): TensorSpec => ({
  ...(name === undefined ? {} : { name }),
  type: 'tensor',
  'tensor-spec': { dtype, shape },
});

const tensor = (value: unknown): ModelInput => ({ kind: 'tensor', value });

describe('tensor fast path', () => {
  it('gives exactly what enforceSchema gives for rectangular numeric input', () => {
    const cases: [TensorSpec[], ModelInput][] = [
      [
        [spec('float32', [-1, 3], 'x')],
        tensor([
          [0.1, 2, -3.5],
          [4, 5e-8, 6],
        ]),
      ],
      [[spec('float64', [-1, 3])], tensor([[0.1, 2, -3.5]])],
      [
        [spec('float32', [-1, 1, 2, 2], 'img')],
        {
          kind: 'tensors',
          tensors: {
            img: [
              [
                [
                  [1, 2],
                  [3, 4],
                ],
              ],
              [
                [
                  [5, 6],
                  [7, 8],
                ],
              ],
            ],
            extra: 1,
          },
        },
      ],
      [
        [spec('int32', [-1, 2], 'a'), spec('int64', [-1], 'b')],
        {
          kind: 'tensors',
          tensors: {
            a: [
              [1, -2],
              [3, 2147483647],
            ],
            b: [9007199254740991, -1],
          },
        },
      ],
      [
        [spec('float32', [2, -1], 'x')],
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      ],
    ];
    for (const [schema, input] of cases) {
      const fast = compileFastEnforce(schema)!;
      expect(fast, JSON.stringify(schema)).toBeDefined();
      expect(fast(input)).toEqual(enforceSchema(input, schema));
    }
  });

  it('declines whatever the general path must decide, which then fails or converts as before', () => {
    const x = [spec('float32', [-1, 3], 'x')];
    const fast = compileFastEnforce(x)!;
    const declined: ModelInput[] = [
      tensor([[1, 2]]), // wrong fixed dimension
      tensor([
        [1, 2, 3],
        [4, 5],
      ]), // ragged
      tensor([1, 2, 3]), // wrong rank
      tensor([[[1], [2], [3]]]), // too deep
      tensor([[1, '2', 3]]), // numeric string: numpy converts it
      tensor([[1, null, 3]]), // None → nan
      tensor([[true, false, 1]]), // booleans
      tensor([]), // empty
      { kind: 'tensors', tensors: { y: [[1, 2, 3]] } }, // missing input
      { kind: 'dataframe', columns: ['x'], rows: [[[1, 2, 3]]] },
    ];
    for (const input of declined) expect(fast(input), JSON.stringify(input)).toBeUndefined();
    expect(() => enforceSchema(tensor([[1, 2]]), x)).toThrow(/shape/i);
    expect(enforceSchema(tensor([[1, '2', 3]]), x)).toMatchObject({ kind: 'tensors' });

    const ints = compileFastEnforce([spec('int32', [-1])])!;
    expect(ints(tensor([1.5]))).toBeUndefined();
    expect(ints(tensor([2 ** 31]))).toBeUndefined();
    expect(fastTensor([1, 2], spec('int64', [-1]))).toEqual({
      dtype: 'int64',
      shape: [2],
      data: BigInt64Array.from([1n, 2n]),
    });
  });

  it('is not compiled for column schemas, other dtypes or scalar specs', () => {
    expect(compileFastEnforce([{ name: 'a', type: 'double' } as never])).toBeUndefined();
    expect(compileFastEnforce([spec('str', [-1], 's')])).toBeUndefined();
    expect(compileFastEnforce([spec('float32', [], 's')])).toBeUndefined();
    expect(compileFastEnforce([spec('float32', [-1]), spec('float32', [-1])])).toBeUndefined();
  });
});
