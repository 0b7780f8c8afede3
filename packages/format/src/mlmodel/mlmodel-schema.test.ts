import { describe, expect, it } from 'vitest';
import { catchMlflowError } from '../testing/conformance-helpers.js';
import { pluginSchemas } from './testdata/plugin-schemas.js';
import { MLmodelSchema, createMLmodelSchema, validateMLmodel } from './mlmodel-schema.js';

const pyfunc = {
  loader_module: 'mlflow.onnx',
  python_version: '3.11.5',
  data: 'model.onnx',
  env: { conda: 'conda.yaml', virtualenv: 'python_env.yaml' },
};
const onnx = {
  onnx_version: '1.15.0',
  data: 'model.onnx',
  providers: ['CPUExecutionProvider'],
  onnx_session_options: null,
  code: null,
};
const tfjs = { tfjs_version: '4.22.0', model_type: 'graph-model', data: 'tfjs-model' };
const base = {
  flavors: { python_function: pyfunc, onnx },
  utc_time_created: '2023-12-03 11:02:19.020322',
  model_uuid: 'dee6c8aa41614ea88cc567b295cb1df1',
};

describe('validateMLmodel', () => {
  it('returns the model with unknown top-level and flavor keys kept', () => {
    const input = {
      ...base,
      future_key: [1, 2],
      flavors: {
        ...base.flavors,
        python_function: { ...pyfunc, streamable: true, predict_fn: 'predict' },
        sklearn: { pickled_model: 'model.pkl' },
      },
    };
    expect(validateMLmodel(input)).toEqual(input);
  });

  it('checks python_function always, naming the field', () => {
    const { loader_module: _lm, ...noLoader } = pyfunc;
    expect(catchMlflowError(() => validateMLmodel({ ...base, flavors: { python_function: noLoader } })).message).toBe(
      "MLmodel field 'flavors.python_function.loader_module' is missing",
    );
    const e = catchMlflowError(() => validateMLmodel({ ...base, flavors: { python_function: { ...pyfunc, env: 5 } } }));
    expect(e.code).toBe('INVALID_PARAMETER_VALUE');
    expect(e.message).toMatch(/^MLmodel field 'flavors\.python_function\.env' is invalid: /);
  });

  it('accepts the pre-2.0 string env and the {conda, virtualenv} map', () => {
    expect(
      validateMLmodel({ flavors: { python_function: { ...pyfunc, env: 'conda.yaml' } } }).flavors.python_function!.env,
    ).toBe('conda.yaml');
  });

  it('rejects non-mappings and wrong top-level types', () => {
    expect(catchMlflowError(() => validateMLmodel(null)).message).toBe('MLmodel must be a mapping, got null');
    expect(catchMlflowError(() => validateMLmodel(['a'])).message).toBe('MLmodel must be a mapping, got a list');
    expect(catchMlflowError(() => validateMLmodel({})).message).toBe("MLmodel field 'flavors' is missing");
    expect(catchMlflowError(() => validateMLmodel({ ...base, model_size_bytes: -1 })).message).toMatch(
      /^MLmodel field 'model_size_bytes' is invalid/,
    );
    expect(catchMlflowError(() => validateMLmodel({ ...base, prompts: ['a', 3] })).message).toMatch(
      /^MLmodel field 'prompts\[1\]' is invalid/,
    );
    expect(
      catchMlflowError(() => validateMLmodel({ ...base, flavors: { ...base.flavors, custom: 'x' } })).message,
    ).toMatch(/^MLmodel field 'flavors\.custom' is invalid/);
  });

  it('checks plugin flavor sections only when their schema is passed', () => {
    const schemas = pluginSchemas;
    expect(validateMLmodel({ ...base, flavors: { ...base.flavors, tfjs } }, schemas).flavors.tfjs).toEqual(tfjs);
    const badTfjs = { ...base, flavors: { tfjs: { ...tfjs, model_type: 'saved-model' } } };
    expect(() => validateMLmodel(badTfjs)).not.toThrow();
    expect(catchMlflowError(() => validateMLmodel(badTfjs, schemas)).message).toMatch(
      /^MLmodel field 'flavors\.tfjs\.model_type' is invalid/,
    );
    const badOnnx = { ...base, flavors: { onnx: { ...onnx, onnx_session_options: { execution_mode: 'Fast' } } } };
    expect(catchMlflowError(() => validateMLmodel(badOnnx, schemas)).message).toBe(
      "MLmodel field 'flavors.onnx.onnx_session_options.execution_mode' is invalid: must be 'sequential' or 'parallel'",
    );
    const okOnnx = {
      ...base,
      flavors: {
        onnx: {
          ...onnx,
          onnx_session_options: { execution_mode: 'SEQUENTIAL', intra_op_num_threads: 2, log_severity_level: 3 },
        },
      },
    };
    expect(validateMLmodel(okOnnx, schemas)).toEqual(okOnnx);
  });

  it('exposes the same checks as zod schemas', () => {
    expect(MLmodelSchema.safeParse(base).success).toBe(true);
    expect(
      createMLmodelSchema({ onnx: pluginSchemas.onnx }).safeParse({ flavors: { onnx: { data: 'x' } } }).success,
    ).toBe(false);
  });
});
