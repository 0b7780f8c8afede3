import { describe, expect, it } from 'vitest';
import { createMLmodel, formatUtcTimeCreated, MLFLOW_COMPAT_VERSION, newModelUuid } from './create-mlmodel.js';
import { PYFUNC_FLAVOR_NAME, createPythonFunctionFlavorConfig } from './flavor-configs.js';
import { parseMLmodel, serializeMLmodel } from './mlmodel-yaml.js';

describe('formatUtcTimeCreated', () => {
  it('writes Python str(datetime) of the UTC time, fraction in microseconds', () => {
    expect(formatUtcTimeCreated(new Date(Date.UTC(2025, 7, 7, 17, 55, 54, 194)))).toBe('2025-08-07 17:55:54.194000');
    expect(formatUtcTimeCreated(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 0)))).toBe('2024-01-02 03:04:05');
  });
});

describe('newModelUuid', () => {
  it('returns fresh uuid4 hex strings', () => {
    const a = newModelUuid();
    expect(a).toMatch(/^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
    expect(newModelUuid()).not.toBe(a);
  });
});

describe('createMLmodel', () => {
  const onnx = {
    onnx_version: '1.17.0',
    data: 'model.onnx',
    providers: ['CPUExecutionProvider'],
    onnx_session_options: null,
    code: null,
  };
  const pyfunc = createPythonFunctionFlavorConfig({
    loaderModule: 'mlflow.onnx',
    pythonVersion: '3.11.5',
    data: 'model.onnx',
  });
  const created = new Date(Date.UTC(2025, 7, 7, 17, 55, 54, 194));

  it('writes what MLflow 3.x writes for a saved (not logged) model', () => {
    const m = createMLmodel({ flavors: { onnx, [PYFUNC_FLAVOR_NAME]: pyfunc }, created, model_size_bytes: 298 });
    const text = serializeMLmodel({ ...m, model_uuid: 'dee6c8aa41614ea88cc567b295cb1df1' });
    // Layout of a real 3.x save_model MLmodel; no artifact_path/run_id, nulls for model_id and prompts.
    expect(text).toBe(`flavors:
  onnx:
    code: null
    data: model.onnx
    onnx_session_options: null
    onnx_version: 1.17.0
    providers:
    - CPUExecutionProvider
  python_function:
    data: model.onnx
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.onnx
    python_version: 3.11.5
mlflow_version: ${MLFLOW_COMPAT_VERSION}
model_id: null
model_size_bytes: 298
model_uuid: dee6c8aa41614ea88cc567b295cb1df1
prompts: null
utc_time_created: '2025-08-07 17:55:54.194000'
`);
    expect(m.model_uuid).toMatch(/^[0-9a-f]{32}$/);
    expect(parseMLmodel(text).flavors.python_function).toEqual(pyfunc);
  });

  it('uses the logged model id as model_uuid and adds the signature flags', () => {
    const m = createMLmodel({
      flavors: { [PYFUNC_FLAVOR_NAME]: pyfunc },
      model_id: 'm-7b5b292a66ea4824a2aaedc5c3ea4bf4',
      run_id: 'a300d8876f2042bf86eb8cee1c072d55',
      artifact_path: 'file:///tmp/mlruns/1/models/m-7b5b292a66ea4824a2aaedc5c3ea4bf4/artifacts',
      signature: { inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, 11]}}]' },
      saved_input_example_info: {
        artifact_path: 'input_example.json',
        type: 'ndarray',
        serving_input_path: 'serving_input_example.json',
      },
      metadata: { owner: 'me' },
      created,
    });
    expect(m).toMatchObject({
      model_id: 'm-7b5b292a66ea4824a2aaedc5c3ea4bf4',
      model_uuid: 'm-7b5b292a66ea4824a2aaedc5c3ea4bf4',
      run_id: 'a300d8876f2042bf86eb8cee1c072d55',
      signature: { inputs: expect.any(String), outputs: null, params: null },
      is_signature_from_type_hint: false,
      type_hint_from_example: false,
      metadata: { owner: 'me' },
      prompts: null,
    });
    expect(parseMLmodel(serializeMLmodel(m))).toEqual(m);
  });
});
