import { describe, expect, it } from 'vitest';
import type { MlflowError } from '../errors.js';
import { catchMlflowError } from '../testing/conformance-helpers.js';
import type { ModelInput } from '../model-input.js';
import { enforceSchema } from './enforce-schema.js';
import { parseSchemaJson } from './schema-json.js';
import type { ColSpec, Schema, TensorSpec } from './types.js';

function df(columns: string[], rows: unknown[][]): ModelInput {
  return { kind: 'dataframe', columns, rows };
}

const err = (fn: () => unknown): MlflowError => catchMlflowError(fn, 'INVALID_PARAMETER_VALUE');

const col = (name: string, type: ColSpec['type'], required = true): ColSpec => ({ name, type, required }) as ColSpec;
const tensor = (dtype: TensorSpec['tensor-spec']['dtype'], shape: number[], name?: string): TensorSpec =>
  name === undefined
    ? { type: 'tensor', 'tensor-spec': { dtype, shape } }
    : { name, type: 'tensor', 'tensor-spec': { dtype, shape } };

describe('named column schema', () => {
  const schema: Schema = [col('a', 'long'), col('b', 'double'), col('c', 'string', false)];

  it('drops extra columns and reorders to schema order', () => {
    expect(enforceSchema(df(['x', 'b', 'a'], [[9, 1.5, 1]]), schema)).toEqual({
      kind: 'dataframe',
      columns: ['a', 'b'],
      rows: [[1, 1.5]],
    });
  });

  it('keeps a supplied optional column and skips a missing one', () => {
    expect(enforceSchema(df(['c', 'a', 'b'], [['x', 1, 2]]), schema)).toEqual({
      kind: 'dataframe',
      columns: ['a', 'b', 'c'],
      rows: [[1, 2, 'x']],
    });
  });

  it('reports missing required columns and extra inputs like MLflow', () => {
    expect(err(() => enforceSchema(df(['b', 'z'], [[1, 2]]), schema)).message).toBe(
      "Model is missing inputs ['a']. Note that there were extra inputs: ['z']",
    );
    expect(err(() => enforceSchema(df(['b'], [[1]]), schema)).message).toBe("Model is missing inputs ['a'].");
  });

  it('allows null in an optional column but not in a required one', () => {
    expect(enforceSchema(df(['a', 'b', 'c'], [[1, 2, null]]), schema)).toMatchObject({ rows: [[1, 2, null]] });
    const e = err(() => enforceSchema(df(['a', 'b'], [[null, 2]]), schema));
    expect(e.message).toMatch(/column a.*required \(expected type long\).*row 0/);
  });

  it('turns a dict of scalars into one row and a dict of lists into columns', () => {
    expect(enforceSchema({ kind: 'tensors', tensors: { a: 1, b: 2 } }, schema)).toMatchObject({
      columns: ['a', 'b'],
      rows: [[1, 2]],
    });
    expect(enforceSchema({ kind: 'tensors', tensors: { a: [1, 2], b: [3, 4.5] } }, schema)).toMatchObject({
      rows: [
        [1, 3],
        [2, 4.5],
      ],
    });
    expect(err(() => enforceSchema({ kind: 'tensors', tensors: { a: [1, 2], b: [3] } }, schema)).message).toMatch(
      /length of values/,
    );
  });

  it('turns a list of records into rows and assigns a bare list to a single-column schema', () => {
    expect(
      enforceSchema(
        {
          kind: 'tensor',
          value: [
            { a: 1, b: 2 },
            { b: 3, a: 4 },
          ],
        },
        schema,
      ),
    ).toMatchObject({
      rows: [
        [1, 2],
        [4, 3],
      ],
    });
    expect(enforceSchema({ kind: 'tensor', value: [1, 2, 3] }, [col('x', 'long')])).toEqual({
      kind: 'dataframe',
      columns: ['x'],
      rows: [[1], [2], [3]],
    });
  });
});

describe('unnamed column schema', () => {
  const schema: Schema = [
    { type: 'double', required: true },
    { type: 'long', required: true },
  ];

  it('uses the first N columns and keeps their names', () => {
    expect(enforceSchema(df(['p', 'q', 'r'], [[1.5, 2, 'x']]), schema)).toEqual({
      kind: 'dataframe',
      columns: ['p', 'q'],
      rows: [[1.5, 2]],
    });
  });

  it('accepts a list of lists as positional columns', () => {
    expect(
      enforceSchema(
        {
          kind: 'tensor',
          value: [
            [1, 2],
            [3, 4],
          ],
        },
        schema,
      ),
    ).toEqual({
      kind: 'dataframe',
      columns: ['0', '1'],
      rows: [
        [1, 2],
        [3, 4],
      ],
    });
  });

  it('fails when there are fewer columns than declared', () => {
    expect(err(() => enforceSchema(df(['p'], [[1]]), schema)).message).toMatch(
      /declares 2 inputs {2}but the provided value only has 1 inputs/,
    );
  });
});

describe('column type rules', () => {
  const one = (type: ColSpec['type'], v: unknown) =>
    (enforceSchema(df(['x'], [[v]]), [col('x', type)]) as { rows: unknown[][] }).rows[0]![0];

  it('long: integers pass, numeric strings are cast, non-integers fail with the MLflow message', () => {
    expect(one('long', 7)).toBe(7);
    expect(one('long', '42')).toBe(42);
    expect(err(() => one('long', 1.5)).message).toBe(
      'Incompatible input types for column x. Can not safely convert float64 to int64.',
    );
    expect(err(() => one('long', 'abc')).message).toMatch(/column x.*Expected type long, got str value "abc"/);
    expect(err(() => one('long', true)).message).toMatch(/column x.*Expected type long/);
  });

  it('integer: int32 range only', () => {
    expect(one('integer', 2 ** 31 - 1)).toBe(2 ** 31 - 1);
    expect(err(() => one('integer', 2 ** 31)).message).toMatch(/column x.*int64 to int32/);
    expect(err(() => one('integer', 0.5)).message).toBe(
      'Incompatible input types for column x. Can not safely convert float64 to int32.',
    );
  });

  it('double/float: integers widen, strings parse, float rounds to float32, booleans fail', () => {
    expect(one('double', 3)).toBe(3);
    expect(one('double', '2.5')).toBe(2.5);
    expect(one('float', 0.1)).toBe(Math.fround(0.1));
    expect(err(() => one('double', false)).message).toMatch(/column x.*Expected type double, got bool/);
    expect(err(() => one('double', 'x1')).message).toMatch(/column x.*Expected type double/);
  });

  it('boolean: booleans, 0/1 and "true"/"false"', () => {
    expect(one('boolean', true)).toBe(true);
    expect(one('boolean', 0)).toBe(false);
    expect(one('boolean', 'TRUE')).toBe(true);
    expect(err(() => one('boolean', 2)).message).toMatch(/column x.*Expected type boolean/);
  });

  it('string: strings pass, numbers become strings, objects fail', () => {
    expect(one('string', 'hi')).toBe('hi');
    expect(one('string', 12)).toBe('12');
    expect(err(() => one('string', { a: 1 })).message).toMatch(/column x.*Expected type string, got dict/);
  });

  it('binary: base64 strings decode to bytes', () => {
    expect(one('binary', 'AQID')).toEqual(new Uint8Array([1, 2, 3]));
    expect(one('binary', new Uint8Array([9]))).toEqual(new Uint8Array([9]));
    expect(err(() => one('binary', 'not base64!')).message).toMatch(/column x.*Expected type binary/);
  });

  it('datetime: ISO strings become Dates (naive = UTC), garbage fails', () => {
    expect(one('datetime', '2024-01-02T03:04:05')).toEqual(new Date('2024-01-02T03:04:05Z'));
    expect(one('datetime', '2024-01-02')).toEqual(new Date('2024-01-02T00:00:00Z'));
    expect(err(() => one('datetime', 'yesterday')).message).toMatch(/column x.*to datetime/);
  });

  it('array / object / map / any / sparkml_vector', () => {
    const messages = parseSchemaJson(
      '[{"type": "array", "items": {"type": "object", "properties": {"content": {"type": "string", "required": true}, "role": {"type": "string", "required": true}}}, "name": "messages", "required": true}]',
    );
    const msgs = [{ role: 'user', content: 'hi' }];
    expect(enforceSchema({ kind: 'tensors', tensors: { messages: msgs } }, messages)).toEqual({
      kind: 'dataframe',
      columns: ['messages'],
      rows: [[msgs]],
    });
    expect(
      err(() => enforceSchema({ kind: 'tensors', tensors: { messages: [{ role: 'user' }] } }, messages)).message,
    ).toMatch(/column messages\[0\].*Missing required properties: \['content'\]/);
    expect(
      err(() =>
        enforceSchema({ kind: 'tensors', tensors: { messages: [{ role: 'u', content: 'c', x: 1 }] } }, messages),
      ).message,
    ).toMatch(/Invalid properties not defined in the schema found: \['x'\]/);
    const arr = (v: unknown) =>
      enforceSchema(df(['x'], [[v]]), [{ name: 'x', type: 'array', items: { type: 'long' }, required: true }]);
    expect(arr([1, '2'])).toMatchObject({ rows: [[[1, 2]]] });
    expect(err(() => arr(3)).message).toMatch(/column x.*Expected type Array\(long\), got int64/);
    expect(err(() => arr([1, 2.5])).message).toMatch(/column x\[1\].*float64 to int64/);
    const map = (v: unknown) =>
      enforceSchema(df(['m'], [[v]]), [{ name: 'm', type: 'map', values: { type: 'double' }, required: true }]);
    expect(map({ a: 1, b: '2' })).toMatchObject({ rows: [[{ a: 1, b: 2 }]] });
    expect(err(() => map([1])).message).toMatch(/column m.*Map\(str -> double\)/);
    expect(
      enforceSchema(df(['x'], [[{ any: ['thing'] }]]), [{ name: 'x', type: 'any', required: true }]),
    ).toMatchObject({ rows: [[{ any: ['thing'] }]] });
    const vec = (v: unknown) =>
      enforceSchema(df(['v'], [[v]]), [{ name: 'v', type: 'sparkml_vector', required: true }]);
    expect(vec([1, 2.5])).toMatchObject({ rows: [[[1, 2.5]]] });
    expect(err(() => vec(['a'])).message).toMatch(/column v\[0\].*Expected type double/);
  });
});

describe('tensor schema', () => {
  it('builds the typed array of each dtype', () => {
    const t = (dtype: TensorSpec['tensor-spec']['dtype'], value: unknown) => {
      const out = enforceSchema({ kind: 'tensor', value }, [tensor(dtype, [-1])]);
      return out.kind === 'tensor' ? out.tensor : undefined;
    };
    expect(t('float32', [1, 2.5])).toEqual({ dtype: 'float32', shape: [2], data: new Float32Array([1, 2.5]) });
    expect(t('float64', [1, null])!.data).toEqual(new Float64Array([1, NaN]));
    expect(t('int32', [1, -2])!.data).toEqual(new Int32Array([1, -2]));
    expect(t('int64', [1, 2])!.data).toEqual(new BigInt64Array([1n, 2n]));
    expect(t('uint8', [255])!.data).toEqual(new Uint8Array([255]));
    expect(t('bool', [true, false])!.data).toEqual(new Uint8Array([1, 0]));
    expect(t('str', ['a', 1])!.data).toEqual(['a', '1']);
    expect(t('float16', [1.5])!.data).toEqual(new Uint16Array([0x3e00]));
  });

  it('checks rank and fixed dimensions, naming the input, expected and actual shape', () => {
    const schema = [tensor('float32', [-1, 4], 'x')];
    const ok = enforceSchema(
      {
        kind: 'tensors',
        tensors: {
          x: [
            [1, 2, 3, 4],
            [5, 6, 7, 8],
          ],
        },
      },
      schema,
    );
    expect(ok).toMatchObject({ kind: 'tensors', tensors: { x: { shape: [2, 4] } } });
    expect(err(() => enforceSchema({ kind: 'tensors', tensors: { x: [[1, 2, 3]] } }, schema)).message).toBe(
      "Failed to enforce schema of input 'x' with expected Tensor('float32', (-1, 4)). Shape of input (1, 3) does not match expected shape (-1, 4).",
    );
    expect(err(() => enforceSchema({ kind: 'tensors', tensors: { x: [1, 2, 3, 4] } }, schema)).message).toMatch(
      /\(4,\) does not match expected shape \(-1, 4\)/,
    );
    expect(err(() => enforceSchema({ kind: 'tensors', tensors: { x: [[1, 2, 3, 4], [1]] } }, schema)).message).toMatch(
      /input 'x'.*ragged/,
    );
  });

  it('casts numbers to float dtypes but refuses non-integers and overflow for int dtypes', () => {
    expect(err(() => enforceSchema({ kind: 'tensor', value: [1.5] }, [tensor('int64', [-1])])).message).toMatch(
      /unnamed input.*Tensor\('int64', \(-1,\)\).*non-integer value 1.5/,
    );
    expect(err(() => enforceSchema({ kind: 'tensor', value: [300] }, [tensor('int8', [-1])])).message).toMatch(
      /int8.*out of range/,
    );
    expect(err(() => enforceSchema({ kind: 'tensor', value: ['x'] }, [tensor('float32', [-1])])).message).toMatch(
      /float32.*not a number/,
    );
    expect(err(() => enforceSchema({ kind: 'tensor', value: [2] }, [tensor('bool', [-1])])).message).toMatch(
      /bool.*not a boolean/,
    );
  });

  it('accepts Tensor and typed-array inputs, converting dtype', () => {
    const out = enforceSchema(
      { kind: 'tensor', value: { dtype: 'float64', shape: [1, 2], data: new Float64Array([1, 2]) } },
      [tensor('float32', [-1, 2])],
    );
    expect(out).toEqual({
      kind: 'tensor',
      tensor: { dtype: 'float32', shape: [1, 2], data: new Float32Array([1, 2]) },
    });
    expect(enforceSchema({ kind: 'tensor', value: new Int32Array([4, 5]) }, [tensor('int64', [-1])])).toMatchObject({
      tensor: { data: new BigInt64Array([4n, 5n]) },
    });
  });

  it('single named input accepts an unnamed value; several named inputs need a dict', () => {
    expect(enforceSchema({ kind: 'tensor', value: [[1, 2]] }, [tensor('float32', [-1, 2], 'in')])).toMatchObject({
      kind: 'tensors',
      tensors: { in: { shape: [1, 2] } },
    });
    const two = [tensor('float32', [-1], 'a'), tensor('float32', [-1], 'b')];
    expect(err(() => enforceSchema({ kind: 'tensor', value: [1] }, two)).message).toMatch(
      /input names \['a', 'b'\].*single unnamed value/,
    );
    expect(err(() => enforceSchema({ kind: 'tensors', tensors: { a: [1], c: [2] } }, two)).message).toBe(
      "Model is missing inputs ['b']. Note that there were extra inputs: ['c']",
    );
    const both = enforceSchema({ kind: 'tensors', tensors: { b: [2], a: [1], extra: [0] } }, two);
    expect(both.kind === 'tensors' && Object.keys(both.tensors)).toEqual(['a', 'b']);
  });

  it('unnamed tensor schema refuses a dict of inputs', () => {
    expect(
      err(() => enforceSchema({ kind: 'tensors', tensors: { a: [1] } }, [tensor('float32', [-1])])).message,
    ).toMatch(/no input names.*Tensor\('float32', \(-1,\)\).*\['a'\]/);
  });

  it('object dtype with shape (-1,) passes ragged values', () => {
    expect(enforceSchema({ kind: 'tensor', value: [[1], [2, 3]] }, [tensor('object', [-1])])).toEqual({
      kind: 'tensor',
      tensor: { dtype: 'object', shape: [2], data: [[1], [2, 3]] },
    });
  });

  it('data frames feed tensor schemas of shape (-1,), (-1, 1) and (-1, ncols)', () => {
    const frame = df(
      ['a', 'b'],
      [
        [1, 2],
        [3, 4],
      ],
    );
    expect(enforceSchema(frame, [tensor('float64', [-1, 2])])).toEqual({
      kind: 'tensor',
      tensor: { dtype: 'float64', shape: [2, 2], data: new Float64Array([1, 2, 3, 4]) },
    });
    expect(err(() => enforceSchema(frame, [tensor('float64', [-1, 3])])).message).toMatch(
      /unnamed input.*\(-1, 2\).*\(-1, 3\)/,
    );
    expect(enforceSchema(df(['a'], [[1], [2]]), [tensor('int32', [-1])])).toMatchObject({
      tensor: { shape: [2], data: new Int32Array([1, 2]) },
    });
    expect(enforceSchema(df(['a'], [[1], [2]]), [tensor('int32', [-1, 1])])).toMatchObject({
      tensor: { shape: [2, 1] },
    });
    expect(err(() => enforceSchema(df(['a'], [[1]]), [tensor('int32', [-1, 3])])).message).toMatch(
      /scalar values.*\(-1, 3\)/,
    );
    const named = enforceSchema(
      df(
        ['x', 'y'],
        [
          [[1, 2], 5],
          [[3, 4], 6],
        ],
      ),
      [tensor('float32', [-1, 2], 'x'), tensor('int64', [-1], 'y')],
    );
    expect(named).toMatchObject({
      kind: 'tensors',
      tensors: { x: { shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) }, y: { data: new BigInt64Array([5n, 6n]) } },
    });
    expect(
      err(() => enforceSchema(df(['x'], [[1]]), [tensor('float32', [-1], 'x'), tensor('float32', [-1], 'y')])).message,
    ).toBe("Model is missing inputs ['y'].");
    expect(err(() => enforceSchema(df(['x'], [[1]]), [tensor('float32', [2], 'x')])).message).toMatch(
      /first dimension of shape must be a variable/,
    );
    expect(err(() => enforceSchema(df(['a'], []), [tensor('float32', [-1])])).message).toMatch(
      /Input DataFrame is empty/,
    );
  });
});
