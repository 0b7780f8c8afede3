import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_FIXTURES as fixturesRoot } from '../../test/repo-fixtures.js';
import { MlflowError } from '../errors.js';
import { pluginSchemas } from './testdata/plugin-schemas.js';
import { parseMLmodel, serializeMLmodel } from './mlmodel-yaml.js';

// Every MLmodel real MLflow wrote, as listed in the fixtures digest (§12).
const FIXTURES = [
  'SubaashNair__pima-diabetes-mlflow/model/MLmodel',
  'mlflow/mlflow/server/js/src/experiment-tracking/components/run-page/artifact-fixtures/models/MLmodel',
  'mlflow/tests/resources/example_mlflow_1x_sklearn_model/MLmodel',
  'mlflow/tests/resources/example_mlflow_2.12_langchain_model/MLmodel',
  'mlflow/tests/resources/pyfunc_models/2.8.1/MLmodel',
  'mlflow/tests/resources/pyfunc_models/2.7.1/MLmodel',
  'zakharovart01__mlops/mlruns/0/53de31024b0c48d7b6e25e6bcb898fac/artifacts/1.joblib/MLmodel',
  'zakharovart01__mlops/onnx_model/MLmodel',
  '160103126__mlflow-fastapi-wine/mlruns/895387645806649699/models/m-7b5b292a66ea4824a2aaedc5c3ea4bf4/artifacts/MLmodel',
  '160103126__mlflow-fastapi-wine/mlruns/895387645806649699/models/m-7910d94af22749e58b5f73ceb59c19d2/artifacts/MLmodel',
];

/**
 * The UI fixture was written by hand in MLflow's repo, not by PyYAML: its `outputs` line runs to 113
 * columns unbroken where PyYAML folds at the first space past column 80. For it we assert the
 * strongest honest property: every line up to that one is identical, and the only difference is that
 * fold (joining our continuation lines gives back the fixture's line).
 */
const HAND_WRITTEN = new Set([FIXTURES[1]]);

const read = (rel: string) => readFileSync(path.join(fixturesRoot, rel), 'utf8');

describe('MLmodel YAML against every MLflow-written fixture', () => {
  it('covers every MLmodel under the fixtures directory', () => {
    const found = readdirSync(fixturesRoot, { recursive: true, encoding: 'utf8' })
      .filter((p) => path.basename(p) === 'MLmodel')
      .map((p) => p.split(path.sep).join('/'))
      .sort();
    expect(found).toEqual([...FIXTURES].sort());
  });

  for (const rel of FIXTURES) {
    it(`parses, round-trips and re-serializes ${rel}`, () => {
      const text = read(rel);
      const model = parseMLmodel(text);
      expect(Object.keys(model.flavors).length).toBeGreaterThan(0);
      const written = serializeMLmodel(model);
      expect(parseMLmodel(written)).toEqual(model);
      if (!HAND_WRITTEN.has(rel)) {
        expect(written).toBe(text);
      } else {
        const ours = written.split('\n');
        const theirs = text.split('\n');
        const at = theirs.findIndex((line, i) => line !== ours[i]);
        expect(theirs[at]!.startsWith('  outputs: ')).toBe(true);
        expect(ours.slice(0, at)).toEqual(theirs.slice(0, at));
        const folded = ours.slice(at, at + 2);
        expect(`${folded[0]} ${folded[1]!.trimStart()}`).toBe(theirs[at]);
        expect(ours.slice(at + 2)).toEqual(theirs.slice(at + 1));
      }
    });
  }

  it('reads typed fields from the 3.x logged-model fixture', () => {
    const m = parseMLmodel(read(FIXTURES[8]!));
    expect(m.model_id).toBe('m-7b5b292a66ea4824a2aaedc5c3ea4bf4');
    expect(m.model_uuid).toBe(m.model_id);
    expect(m.prompts).toBeNull();
    expect(m.utc_time_created).toBe('2025-08-07 17:55:54.194821');
    expect(m.signature?.inputs).toBe('[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, 11]}}]');
    expect(m.is_signature_from_type_hint).toBe(false);
    expect(m.flavors.python_function!.env).toEqual({ conda: 'conda.yaml', virtualenv: 'python_env.yaml' });
  });

  it('reads the folded signature string of the 3.12 fixture as one JSON string', () => {
    const m = parseMLmodel(read(FIXTURES[0]!));
    const inputs = JSON.parse(m.signature!.inputs!) as Array<{ name: string }>;
    expect(inputs.map((c) => c.name)).toEqual('pregnancies glucose diastolic triceps insulin bmi dpf age'.split(' '));
  });

  it('keeps the 1.x string env, Databricks extras and unknown keys', () => {
    expect(parseMLmodel(read(FIXTURES[2]!)).flavors.python_function!.env).toBe('conda.yaml');
    const lc = parseMLmodel(read(FIXTURES[3]!));
    expect(lc.databricks_runtime).toBe('14.3');
    expect(lc.resources).toEqual({
      api_version: '1',
      databricks: {
        serving_endpoint: [{ name: 'databricks-dbrx-instruct' }, { name: 'databricks-bge-large-en' }],
        vector_search_index: [{ name: 'monitoring.rag.databricks_docs_index__86cecd7f519449e494e8083f8c68741a' }],
      },
    });
    const withExtra = parseMLmodel(`${read(FIXTURES[7]!)}zz_future_field:\n  nested: 1\n`);
    expect(withExtra.zz_future_field).toEqual({ nested: 1 });
    expect(serializeMLmodel(withExtra)).toBe(`${read(FIXTURES[7]!)}zz_future_field:\n  nested: 1\n`);
  });

  it('validates plugin flavor sections when their schemas are passed', () => {
    const onnx = read(FIXTURES[7]!);
    expect(parseMLmodel(onnx, { onnx: pluginSchemas.onnx }).flavors.onnx!.providers).toEqual([
      'CUDAExecutionProvider',
      'CPUExecutionProvider',
    ]);
    const broken = onnx.replace('    data: model.onnx\n    onnx_session_options', '    onnx_session_options');
    expect(() => parseMLmodel(broken)).not.toThrow();
    let error: unknown;
    try {
      parseMLmodel(broken, { onnx: pluginSchemas.onnx });
    } catch (e) {
      error = e;
    }
    expect(MlflowError.isInstance(error) && error.code).toBe('INVALID_PARAMETER_VALUE');
    expect((error as Error).message).toBe("MLmodel field 'flavors.onnx.data' is missing");
  });
});
