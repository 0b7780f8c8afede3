import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_FIXTURES as fixtures } from '../../test/repo-fixtures.js';
import { parse as parseYaml } from 'yaml';
import { MlflowError } from '../errors.js';
import { inferParamSchema, inferSchema, inferSignature } from './infer.js';
import { loadInputExample, type SavedInputExampleInfo } from './input-example.js';
import { schemaToJson } from './schema-json.js';
import { signatureToDict } from './signature.js';

function modelDir(rel: string): {
  mlmodel: { signature: Record<string, string>; saved_input_example_info: SavedInputExampleInfo };
  example: string;
} {
  const dir = path.join(fixtures, rel);
  return {
    mlmodel: parseYaml(readFileSync(path.join(dir, 'MLmodel'), 'utf8')),
    example: readFileSync(path.join(dir, 'input_example.json'), 'utf8'),
  };
}

describe('inferSchema: columns', () => {
  it('infers long/double/string/boolean/binary/datetime from row objects, optional where values are missing', () => {
    const schema = inferSchema([
      { a: 1, b: 1.5, s: 'x', f: true, bin: new Uint8Array([1]), t: new Date(0) },
      { a: 2, b: 2, s: null, f: false, bin: new Uint8Array([2]), t: new Date(1) },
    ]);
    expect(schema).toEqual([
      { type: 'long', name: 'a', required: true },
      { type: 'double', name: 'b', required: true },
      { type: 'string', name: 's', required: false },
      { type: 'boolean', name: 'f', required: true },
      { type: 'binary', name: 'bin', required: true },
      { type: 'datetime', name: 't', required: true },
    ]);
  });

  it('infers arrays and objects, merging object properties across rows', () => {
    const schema = inferSchema([
      { tags: ['a'], meta: { k: 1 } },
      { tags: [], meta: { k: 2.5, extra: 'x' } },
    ]);
    expect(schemaToJson(schema)).toBe(
      '[{"type": "array", "items": {"type": "string"}, "name": "tags", "required": true}, ' +
        '{"type": "object", "properties": {"extra": {"type": "string", "required": false}, "k": {"type": "double", "required": true}}, "name": "meta", "required": true}]',
    );
  });

  it('reads {columns, data} and DataFrameInput; positional data is unnamed', () => {
    expect(inferSchema({ columns: ['x', 'y'], data: [[1, 'a']] })).toEqual([
      { type: 'long', name: 'x', required: true },
      { type: 'string', name: 'y', required: true },
    ]);
    expect(inferSchema({ kind: 'dataframe', columns: ['x'], rows: [[1.5]] })).toEqual([
      { type: 'double', name: 'x', required: true },
    ]);
    expect(inferSchema({ data: [[1, 2]] })).toEqual([
      { type: 'long', required: true },
      { type: 'long', required: true },
    ]);
  });

  it('a scalar or a list of strings is one unnamed column', () => {
    expect(inferSchema('hello')).toEqual([{ type: 'string', required: true }]);
    expect(inferSchema(['a', 'b'])).toEqual([{ type: 'string', required: true }]);
  });

  it('rejects incompatible mixes and nulls', () => {
    expect(() => inferSchema([{ a: 1 }, { a: 'x' }])).toThrow(/column 'a' mix incompatible types long and string/);
    expect(() => inferSchema(null)).toThrow(MlflowError);
  });
});

describe('inferSchema: tensors', () => {
  it('typed arrays, Tensors and nested numeric lists are tensors with a variable first dim', () => {
    expect(inferSchema(new Float32Array(4))).toEqual([
      { type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1] } },
    ]);
    expect(inferSchema({ dtype: 'int64', shape: [3, 2], data: new BigInt64Array(6) })).toEqual([
      { type: 'tensor', 'tensor-spec': { dtype: 'int64', shape: [-1, 2] } },
    ]);
    expect(
      inferSchema([
        [1, 2.5],
        [3, 4],
      ]),
    ).toEqual([{ type: 'tensor', 'tensor-spec': { dtype: 'float64', shape: [-1, 2] } }]);
    expect(
      inferSchema([
        [1, 2],
        [3, 4],
      ]),
    ).toEqual([{ type: 'tensor', 'tensor-spec': { dtype: 'int64', shape: [-1, 2] } }]);
  });

  it('a record of typed arrays is named TensorSpecs', () => {
    const s = inferSchema({
      a: new Float64Array(3),
      b: { dtype: 'float32', shape: [3, 4], data: new Float32Array(12) },
    });
    expect(schemaToJson(s)).toBe(
      '[{"name": "a", "type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}}, {"name": "b", "type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}]',
    );
  });
});

describe('inferSignature', () => {
  it('reproduces the langchain fixture signature from its input example', () => {
    const { mlmodel, example } = modelDir('mlflow/tests/resources/example_mlflow_2.12_langchain_model');
    const sig = inferSignature(JSON.parse(example), 'some answer');
    expect(signatureToDict(sig)).toEqual(mlmodel.signature);
  });

  it('reproduces the pima inputs from its dataframe example (double columns need a non-integer value)', () => {
    const { mlmodel, example } = modelDir('SubaashNair__pima-diabetes-mlflow/model');
    const input = loadInputExample(example, mlmodel.saved_input_example_info);
    const sig = inferSignature(input, new BigInt64Array([1n, 0n]));
    // JSON cannot tell 0.0 from 0, but every double column here has a non-integer value somewhere.
    expect(signatureToDict(sig).inputs).toBe(mlmodel.signature.inputs);
    expect(sig.outputs).toEqual([{ type: 'tensor', 'tensor-spec': { dtype: 'int64', shape: [-1] } }]);
  });

  it('infers params: scalars, lists ([-1]) and datetimes', () => {
    const params = inferParamSchema({ temperature: 0.5, n: 3, stop: ['a'], when: new Date('2024-01-01T00:00:00Z') });
    expect(params).toEqual([
      { type: 'double', name: 'temperature', default: 0.5, shape: null },
      { type: 'long', name: 'n', default: 3, shape: null },
      { type: 'string', name: 'stop', default: ['a'], shape: [-1] },
      { type: 'datetime', name: 'when', default: '2024-01-01T00:00:00.000Z', shape: null },
    ]);
    expect(signatureToDict(inferSignature([1.5], undefined, { k: true })).params).toBe(
      '[{"name": "k", "default": true, "shape": null, "type": "boolean"}]',
    );
    expect(() => inferParamSchema({ b: new Uint8Array(1) })).toThrow(/unsupported type binary/);
  });
});
