import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_FIXTURES as fixtures } from '../../test/repo-fixtures.js';
import { parse as parseYaml } from 'yaml';
import { enforceSchema } from './enforce-schema.js';
import {
  loadInputExample,
  loadInputExampleParams,
  saveInputExample,
  type SavedInputExampleInfo,
} from './input-example.js';
import { parseJsonPayload } from './payload.js';
import { parseSignature } from './signature.js';

const pimaDir = path.join(fixtures, 'SubaashNair__pima-diabetes-mlflow/model');
const langchainDir = path.join(fixtures, 'mlflow/tests/resources/example_mlflow_2.12_langchain_model');

function read(dir: string, file: string): string {
  return readFileSync(path.join(dir, file), 'utf8');
}
function mlmodel(dir: string): { signature: Record<string, string>; saved_input_example_info: SavedInputExampleInfo } {
  return parseYaml(read(dir, 'MLmodel'));
}

describe('pima dataframe example (MLflow 3.12)', () => {
  const model = mlmodel(pimaDir);
  const info = model.saved_input_example_info;

  it('loads as a data frame that passes the model signature', () => {
    const input = loadInputExample(read(pimaDir, 'input_example.json'), info);
    expect(input).toMatchObject({
      kind: 'dataframe',
      columns: ['pregnancies', 'glucose', 'diastolic', 'triceps', 'insulin', 'bmi', 'dpf', 'age'],
    });
    const enforced = enforceSchema(input, parseSignature(model.signature).inputs);
    expect(enforced.kind === 'dataframe' && enforced.rows[4]).toEqual([2, 74, 0, 0, 0, 0, 0.102, 22]);
  });

  it('saves back to the same files and info (Python writes 0.0 where JSON numbers only know 0)', () => {
    const input = loadInputExample(read(pimaDir, 'input_example.json'), info);
    const saved = saveInputExample(input);
    expect(saved.info).toEqual(info);
    expect(saved.inputExampleJson).toBe(read(pimaDir, 'input_example.json').replace('0.0,', '0,'));
    expect(saved.servingInputExampleJson).toBe(read(pimaDir, 'serving_input_example.json').replace(' 0.0,', ' 0,'));
    // The serving example is a valid /invocations body giving the same frame.
    expect(parseJsonPayload(JSON.parse(saved.servingInputExampleJson)).input).toEqual(input);
  });
});

describe('langchain json_object example (MLflow 2.12)', () => {
  const model = mlmodel(langchainDir);

  it('loads as a dict input that enforces to one row with an Array(Object) cell', () => {
    const input = loadInputExample(read(langchainDir, 'input_example.json'), model.saved_input_example_info);
    const messages = [{ role: 'user', content: 'What is Retrieval-augmented Generation?' }];
    expect(input).toEqual({ kind: 'tensors', tensors: { messages } });
    expect(enforceSchema(input, parseSignature(model.signature).inputs)).toEqual({
      kind: 'dataframe',
      columns: ['messages'],
      rows: [[messages]],
    });
  });

  it('saves a json_object example; LLM-shaped dicts are served as they are', () => {
    const example = JSON.parse(read(langchainDir, 'input_example.json'));
    const saved = saveInputExample(example);
    expect(saved.info).toEqual({
      artifact_path: 'input_example.json',
      type: 'json_object',
      serving_input_path: 'serving_input_example.json',
    });
    expect(saved.inputExampleJson).toBe(
      '{"messages": [{"role": "user", "content": "What is Retrieval-augmented Generation?"}]}',
    );
    expect(JSON.parse(saved.servingInputExampleJson)).toEqual(example);
  });
});

describe('saveInputExample', () => {
  it('ndarray examples from tensors and typed arrays, NaN written as null', () => {
    const saved = saveInputExample({ dtype: 'float32', shape: [2, 2], data: new Float32Array([1, 2, NaN, 4]) });
    expect(saved.info.type).toBe('ndarray');
    expect(saved.inputExampleJson).toBe('[[1, 2], [null, 4]]');
    expect(saved.servingInputExampleJson).toBe(
      '{\n  "inputs": [\n    [\n      1,\n      2\n    ],\n    [\n      null,\n      4\n    ]\n  ]\n}',
    );
    const named = saveInputExample({ a: new Int32Array([1, 2]), b: new Float64Array([0.5]) });
    expect(named.inputExampleJson).toBe('{"a": [1, 2], "b": [0.5]}');
    expect(loadInputExample(named.inputExampleJson, named.info)).toEqual({
      kind: 'tensors',
      tensors: { a: [1, 2], b: [0.5] },
    });
  });

  it('positional data frames use the values orient', () => {
    const saved = saveInputExample({ kind: 'dataframe', columns: ['0', '1'], rows: [[1, 'x']] });
    expect(saved.info).toMatchObject({ type: 'dataframe', pandas_orient: 'values' });
    expect(saved.inputExampleJson).toBe('{"data": [[1, "x"]]}');
    expect(loadInputExample(saved.inputExampleJson, saved.info)).toEqual({
      kind: 'dataframe',
      columns: ['0', '1'],
      rows: [[1, 'x']],
    });
  });

  it('stores params next to the data', () => {
    const saved = saveInputExample(['hello'], { temperature: 0.5 });
    expect(saved.info.params).toBe('true');
    expect(saved.inputExampleJson).toBe('{"inputs": ["hello"], "params": {"temperature": 0.5}}');
    expect(JSON.parse(saved.servingInputExampleJson)).toEqual({ inputs: ['hello'], params: { temperature: 0.5 } });
    expect(loadInputExample(saved.inputExampleJson, saved.info)).toEqual({ kind: 'tensor', value: ['hello'] });
    expect(loadInputExampleParams(saved.inputExampleJson, saved.info)).toEqual({ temperature: 0.5 });
  });

  it('bytes become base64 and dates ISO strings in json_object examples', () => {
    const saved = saveInputExample({ b: new Uint8Array([1, 2, 3]), t: new Date('2024-01-01T00:00:00Z') });
    expect(saved.inputExampleJson).toBe('{"b": "AQID", "t": "2024-01-01T00:00:00.000Z"}');
  });
});

describe('loadInputExample', () => {
  it('unwraps 2.x tf-serving ndarray examples and densifies sparse ones', () => {
    expect(
      loadInputExample('{"inputs": [[1, 2]]}', {
        artifact_path: 'input_example.json',
        type: 'ndarray',
        format: 'tf-serving',
      }),
    ).toEqual({ kind: 'tensor', value: [[1, 2]] });
    const csr = '{"data": [5, 7], "indices": [1, 0], "indptr": [0, 1, 2], "shape": [2, 2]}';
    expect(loadInputExample(csr, { artifact_path: 'x', type: 'sparse_matrix_csr' })).toEqual({
      kind: 'tensor',
      value: [
        [0, 5],
        [7, 0],
      ],
    });
    expect(loadInputExample(csr, { artifact_path: 'x', type: 'sparse_matrix_csc' })).toEqual({
      kind: 'tensor',
      value: [
        [0, 7],
        [5, 0],
      ],
    });
  });

  it('rejects malformed files and unknown types', () => {
    expect(() => loadInputExample('{', { artifact_path: 'x', type: 'json_object' })).toThrow(
      /Failed to parse input example JSON/,
    );
    expect(() => loadInputExample('[1]', { artifact_path: 'x', type: 'dataframe' })).toThrow(/type dataframe must be/);
    expect(() => loadInputExample('[1]', { artifact_path: 'x', type: 'pydantic' as never })).toThrow(
      /can not load example of type pydantic/,
    );
  });
});
