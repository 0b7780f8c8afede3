/**
 * Typed MLmodel flavor sections: MLflow's `python_function` (which every servable model carries) and
 * `onnx`, plus our `tfjs`. All are loose: keys a writer adds that we do not know are kept, because a
 * file read and written back must lose nothing.
 */
import { z } from 'zod';

export const PYFUNC_FLAVOR_NAME = 'python_function';
export const ONNX_FLAVOR_NAME = 'onnx';
export const TFJS_FLAVOR_NAME = 'tfjs';

/** Where `python_function.env` points: a conda file (pre-2.0, a plain string) or both env files. */
export const PythonFunctionEnvSchema = z.union([
  z.string(),
  z.looseObject({ conda: z.string().optional(), virtualenv: z.string().optional() }),
]);

export const PythonFunctionFlavorConfigSchema = z.looseObject({
  /** Python module whose `_load_pyfunc(data_path)` builds the model, e.g. `mlflow.onnx`. */
  loader_module: z.string(),
  python_version: z.string().optional(),
  /** Model-relative data path handed to the loader. */
  data: z.string().optional(),
  /** Model-relative code directory. */
  code: z.string().nullable().optional(),
  env: PythonFunctionEnvSchema.optional(),
  /** model_config: a map, or a path for models-from-code. */
  config: z.union([z.string(), z.record(z.string(), z.unknown())]).nullable().optional(),
  model_code_path: z.string().optional(),
  streamable: z.boolean().optional(),
});
export type PythonFunctionFlavorConfig = z.infer<typeof PythonFunctionFlavorConfigSchema>;

const threadCount = z.number().int().min(0);

/** The `SessionOptions` attributes MLflow checks when saving (mlflow/onnx/__init__.py). */
export const OnnxSessionOptionsSchema = z.looseObject({
  execution_mode: z
    .string()
    .refine((v) => ['sequential', 'parallel'].includes(v.toLowerCase()), {
      message: "must be 'sequential' or 'parallel'",
    })
    .optional(),
  graph_optimization_level: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(99)]).optional(),
  inter_op_num_threads: threadCount.optional(),
  intra_op_num_threads: threadCount.optional(),
  extra_session_config: z.record(z.string(), z.unknown()).optional(),
});

export const OnnxFlavorConfigSchema = z.looseObject({
  onnx_version: z.string(),
  /** Model-relative path of the `.onnx` file. */
  data: z.string(),
  /** Execution providers in preference order; MLflow's default is CUDA then CPU. */
  providers: z.array(z.string()).optional(),
  onnx_session_options: OnnxSessionOptionsSchema.nullable().optional(),
  code: z.string().nullable().optional(),
});
export type OnnxFlavorConfig = z.infer<typeof OnnxFlavorConfigSchema>;

export const TfjsFlavorConfigSchema = z.looseObject({
  tfjs_version: z.string(),
  /** Which TensorFlow.js loader reads `model.json`: `loadLayersModel` or `loadGraphModel`. */
  model_type: z.enum(['layers-model', 'graph-model']),
  /** Model-relative path of `model.json`, or of the directory holding it. */
  data: z.string(),
});
export type TfjsFlavorConfig = z.infer<typeof TfjsFlavorConfigSchema>;

/** MLflow's own `python_function.env` value for models written with 2.x/3.x. */
export const PYFUNC_ENV_FILES = { conda: 'conda.yaml', virtualenv: 'python_env.yaml' } as const;

/**
 * The `python_function` section as `mlflow.pyfunc.add_to_model` writes it: only the keys given,
 * `env` pointing at both environment files.
 */
export function createPythonFunctionFlavorConfig(options: {
  loaderModule: string;
  pythonVersion: string;
  data?: string;
  code?: string;
  extra?: Record<string, unknown>;
}): PythonFunctionFlavorConfig {
  const config: PythonFunctionFlavorConfig = {
    ...options.extra,
    loader_module: options.loaderModule,
    python_version: options.pythonVersion,
    env: { ...PYFUNC_ENV_FILES },
  };
  if (options.data !== undefined) config.data = options.data;
  if (options.code !== undefined) config.code = options.code;
  return config;
}
