import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_FIXTURES as fixtures } from '../../test/repo-fixtures.js';
import { parse as parseYaml } from 'yaml';
import { catchMlflowError } from '../testing/conformance-helpers.js';
import { toPythonJson } from './python-json.js';
import { paramSchemaToJson, parseParamSchemaJson, parseSchemaJson, schemaToJson } from './schema-json.js';
import { parseSignature, signatureToDict } from './signature.js';
import { createSchema, type ColSpec, type TensorSpec } from './types.js';

const MLMODELS_WITH_REQUIRED = [
  'SubaashNair__pima-diabetes-mlflow/model/MLmodel',
  'mlflow/tests/resources/example_mlflow_2.12_langchain_model/MLmodel',
  'zakharovart01__mlops/mlruns/0/53de31024b0c48d7b6e25e6bcb898fac/artifacts/1.joblib/MLmodel',
  '160103126__mlflow-fastapi-wine/mlruns/895387645806649699/models/m-7b5b292a66ea4824a2aaedc5c3ea4bf4/artifacts/MLmodel',
  '160103126__mlflow-fastapi-wine/mlruns/895387645806649699/models/m-7910d94af22749e58b5f73ceb59c19d2/artifacts/MLmodel',
];
const UI_FIXTURE =
  'mlflow/mlflow/server/js/src/experiment-tracking/components/run-page/artifact-fixtures/models/MLmodel';

function signatureOf(rel: string): { inputs: string; outputs: string; params: string | null } {
  return (parseYaml(readFileSync(path.join(fixtures, rel), 'utf8')) as { signature: never }).signature;
}

function expectInvalid(fn: () => unknown, pattern: RegExp): void {
  expect(catchMlflowError(fn, 'INVALID_PARAMETER_VALUE').message).toMatch(pattern);
}

describe('signature round-trip on MLflow-written fixtures', () => {
  it.each(MLMODELS_WITH_REQUIRED)('%s round-trips byte for byte', (rel) => {
    const dict = signatureOf(rel);
    expect(signatureToDict(parseSignature(dict))).toEqual({ inputs: dict.inputs, outputs: dict.outputs, params: null });
  });

  it('reads the pima long/double named columns', () => {
    const sig = parseSignature(signatureOf(MLMODELS_WITH_REQUIRED[0]!));
    expect(sig.inputs).toHaveLength(8);
    expect(sig.inputs[0]).toEqual({ type: 'long', name: 'pregnancies', required: true });
    expect(sig.inputs[5]).toEqual({ type: 'double', name: 'bmi', required: true });
    expect(sig.outputs).toEqual([{ type: 'long', required: true }]);
    expect(sig.params).toBeUndefined();
  });

  it('reads the langchain Array-of-Object column', () => {
    const sig = parseSignature(signatureOf(MLMODELS_WITH_REQUIRED[1]!));
    expect(sig.inputs).toEqual([
      {
        type: 'array',
        items: {
          type: 'object',
          properties: { content: { type: 'string', required: true }, role: { type: 'string', required: true } },
        },
        name: 'messages',
        required: true,
      },
    ]);
  });

  it('reads unnamed TensorSpecs', () => {
    const sig = parseSignature(signatureOf(MLMODELS_WITH_REQUIRED[2]!));
    expect(sig.inputs).toEqual([{ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 10] } }]);
  });

  it('treats a missing `required` (MLflow <= 2.8 writers) as true and writes it back like MLflow does', () => {
    const dict = signatureOf(UI_FIXTURE);
    const sig = parseSignature(dict);
    expect(sig.inputs).toEqual([{ type: 'double', name: 'test_model_input', required: true }]);
    expect(signatureToDict(sig)).toEqual({
      inputs: '[{"type": "double", "name": "test_model_input", "required": true}]',
      // MLflow's TensorSpec.to_dict writes name first.
      outputs: '[{"name": "test_model_output", "type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}}]',
      params: null,
    });
  });
});

describe('schema JSON', () => {
  it('sorts object properties and nests map/any/sparkml types', () => {
    const json =
      '[{"type": "map", "values": {"type": "array", "items": {"type": "any"}}, "name": "m", "required": false}, ' +
      '{"type": "object", "properties": {"z": {"type": "long", "required": true}, "a": {"type": "sparkml_vector", "required": false}}, "name": "o", "required": true}]';
    const schema = parseSchemaJson(json);
    expect(schemaToJson(schema)).toBe(
      '[{"type": "map", "values": {"type": "array", "items": {"type": "any"}}, "name": "m", "required": false}, ' +
        '{"type": "object", "properties": {"a": {"type": "sparkml_vector", "required": false}, "z": {"type": "long", "required": true}}, "name": "o", "required": true}]',
    );
  });

  it('writes non-ASCII names as \\u escapes like json.dumps', () => {
    const schema = createSchema([{ type: 'string', name: 'città', required: true }]);
    expect(schemaToJson(schema)).toBe('[{"type": "string", "name": "citt\\u00e0", "required": true}]');
    expect(parseSchemaJson(schemaToJson(schema))).toEqual(schema);
  });

  it('rejects empty, mixed, partially named, unnamed optional and multi-unnamed-tensor schemas', () => {
    expectInvalid(() => parseSchemaJson('[]'), /empty inputs is not allowed/);
    expectInvalid(
      () =>
        parseSchemaJson(
          '[{"type": "long", "name": "a"}, {"type": "tensor", "name": "b", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]',
        ),
      /combination of ColSpec and TensorSpec/,
    );
    expectInvalid(
      () => parseSchemaJson('[{"type": "long", "name": "a"}, {"type": "long"}]'),
      /named and unnamed inputs.*\['a', None\]/,
    );
    expectInvalid(() => parseSchemaJson('[{"type": "long", "required": false}]'), /unnamed optional inputs/);
    const t: TensorSpec = { type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1] } };
    expectInvalid(() => createSchema([t, t]), /multiple unnamed TensorSpecs/);
    expectInvalid(
      () =>
        createSchema([
          { type: 'long', name: 'a', required: true },
          { type: 'long', name: 'a', required: true } as ColSpec,
        ]),
      /Duplicated input name 'a'/,
    );
  });

  it('rejects unknown types, bad tensor dtypes/shapes and malformed JSON with the offending value', () => {
    expectInvalid(() => parseSchemaJson('[{"type": "decimal", "name": "a"}]'), /Unsupported type 'decimal'/);
    expectInvalid(
      () => parseSchemaJson('[{"type": "tensor", "tensor-spec": {"dtype": "<U10", "shape": [-1]}}]'),
      /Unsupported tensor dtype "<U10"/,
    );
    expectInvalid(
      () => parseSchemaJson('[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-2]}}]'),
      /Invalid tensor shape \[-2\]/,
    );
    expectInvalid(
      () => parseSchemaJson('[{"type": "tensor", "tensor-spec": {"dtype": "int64"}}]'),
      /Expected to find keys `dtype` and `shape`/,
    );
    expectInvalid(() => parseSchemaJson('[{"type": "array", "name": "a"}]'), /Array JSON/);
    expectInvalid(() => parseSchemaJson('[{"type": "object", "name": "o", "properties": {}}]'), /empty properties/);
    expectInvalid(() => parseSchemaJson('{"type": "long"'), /Failed to parse schema JSON/);
  });

  it('parseSignature rejects missing inputs and non-string sections', () => {
    expectInvalid(() => parseSignature({ inputs: null, outputs: '[{"type": "long"}]' }), /no inputs schema/);
    expectInvalid(() => parseSignature({ inputs: 42 as unknown as string }), /JSON strings or null/);
  });
});

describe('param schema JSON', () => {
  it('round-trips scalar, list, datetime and object params in MLflow key order', () => {
    const json =
      '[{"name": "temperature", "default": 0.5, "shape": null, "type": "double"}, ' +
      '{"name": "stop", "default": ["a", "b"], "shape": [-1], "type": "string"}, ' +
      '{"name": "when", "default": "2024-01-02T03:04:05", "shape": null, "type": "datetime"}, ' +
      '{"name": "cfg", "default": {"k": 1}, "shape": null, "type": "object", "properties": {"k": {"type": "long", "required": true}}}]';
    const params = parseParamSchemaJson(json);
    expect(params[0]).toEqual({ name: 'temperature', type: 'double', default: 0.5, shape: null });
    expect(paramSchemaToJson(params)).toBe(json);
    expect(signatureToDict({ inputs: [{ type: 'string', required: true }], params }).params).toBe(json);
  });

  it('accepts the legacy `dtype` key', () => {
    expect(parseParamSchemaJson('[{"name": "n", "dtype": "long", "default": 3}]')).toEqual([
      { name: 'n', type: 'long', default: 3, shape: null },
    ]);
  });

  it('rejects binary params, bad defaults, duplicates and missing keys', () => {
    expectInvalid(
      () => parseParamSchemaJson('[{"name": "b", "type": "binary", "default": null}]'),
      /Binary type is not supported/,
    );
    expectInvalid(
      () => parseParamSchemaJson('[{"name": "n", "type": "long", "default": 1.5}]'),
      /param 'n'.*Can not safely convert float64 to int64/,
    );
    expectInvalid(
      () =>
        parseParamSchemaJson(
          '[{"name": "n", "type": "long", "default": 1}, {"name": "n", "type": "long", "default": 2}]',
        ),
      /Duplicated parameters/,
    );
    expectInvalid(() => parseParamSchemaJson('[{"name": "n", "type": "long"}]'), /Missing keys in ParamSpec JSON/);
    expectInvalid(
      () => parseParamSchemaJson('[{"name": "s", "type": "string", "default": "x", "shape": [2]}]'),
      /Shape must be None/,
    );
  });
});

describe('toPythonJson', () => {
  it('formats numbers like Python repr and nests with indent like json.dumps(indent=2)', () => {
    expect(toPythonJson([1, 0.5, 1e-5, 0.0001, 1.5e16, 1e22, 123456789.125, -0, NaN, Infinity])).toBe(
      '[1, 0.5, 1e-05, 0.0001, 15000000000000000, 1e+22, 123456789.125, 0, NaN, Infinity]',
    );
    expect(toPythonJson(2.5e-7)).toBe('2.5e-07');
    expect(toPythonJson(1.5e300)).toBe('1.5e+300');
    expect(toPythonJson({ a: [1, [2]], b: {}, c: [] }, 2)).toBe(
      '{\n  "a": [\n    1,\n    [\n      2\n    ]\n  ],\n  "b": {},\n  "c": []\n}',
    );
    expect(toPythonJson('tab\t"q" \u007f é 😀')).toBe('"tab\\t\\"q\\" \\u007f \\u00e9 \\ud83d\\ude00"');
  });
});
