/**
 * The MLmodel flavor section every servable model carries: MLflow's `python_function`. Loose: keys a
 * writer adds that we do not know are kept, because a file read and written back must lose nothing.
 * Other flavors' sections (`onnx`, `tfjs`, a third party's) are checked by the schema each flavor
 * plugin passes as `configSchema` (`createMLmodelSchema`, `parseMLmodel(text, schemas)`).
 */
import { z } from 'zod';

export const PYFUNC_FLAVOR_NAME = 'python_function';

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
  config: z
    .union([z.string(), z.record(z.string(), z.unknown())])
    .nullable()
    .optional(),
  model_code_path: z.string().optional(),
  streamable: z.boolean().optional(),
});
export type PythonFunctionFlavorConfig = z.infer<typeof PythonFunctionFlavorConfigSchema>;

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
