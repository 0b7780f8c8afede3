/**
 * The MLproject file (MLflow's `mlflow/projects/_project_spec.py`): a name, entry points with typed
 * parameters and a command template, and at most one of MLflow's environments (`conda_env`,
 * `python_env`, `docker_env`). `node_env` is mlflow-ts's own: the npm project directory (a string) or
 * the package list (an array) `mlflow-ts run --env-manager npm` installs before running; MLflow ignores it.
 * Unknown keys (e.g. `databricks_spark_job`) are kept, as MLflow reads only what it knows.
 */
import { z } from 'zod';

/** `param: type` (short form) or `param: {type, default}`; a missing type is `string`. */
export const MlprojectParameterSchema = z.union([
  z.string(),
  z.looseObject({ type: z.string().optional(), default: z.unknown().optional() }),
]);

export const MlprojectEntryPointSchema = z.looseObject({
  parameters: z.record(z.string(), MlprojectParameterSchema).nullish(),
  command: z.string({ error: 'an entry point needs a command string' }),
});

/** `environment` entries: a variable to copy from the host, or a `[name, value]` pair. */
export const DockerEnvSchema = z.looseObject({
  image: z.string().optional(),
  volumes: z.unknown().optional(),
  environment: z.unknown().optional(),
});
export type DockerEnv = {
  image: string;
  volumes?: string[];
  environment?: (string | [string, string])[];
  [key: string]: unknown;
};

export const NodeEnvSchema = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
export type NodeEnv = z.infer<typeof NodeEnvSchema>;

export const MlprojectSchema = z.looseObject({
  name: z.unknown().optional(),
  entry_points: z.record(z.string(), MlprojectEntryPointSchema).nullish(),
  conda_env: z.string().nullish(),
  python_env: z.string().nullish(),
  docker_env: DockerEnvSchema.nullish(),
  node_env: NodeEnvSchema.nullish(),
});
export type MlprojectDocument = z.infer<typeof MlprojectSchema>;

/** MLflow's three environment fields (`mlflow/projects/env_type.py`); a project may set one. */
export const MLFLOW_ENV_FIELDS = ['conda_env', 'python_env', 'docker_env'] as const;
export type MlflowEnvField = (typeof MLFLOW_ENV_FIELDS)[number];
