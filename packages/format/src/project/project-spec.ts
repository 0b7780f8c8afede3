/**
 * An MLproject file parsed the way MLflow's `load_project` reads it, with MLflow's error messages,
 * minus what needs a file system (whether `python_env`/`conda_env` files exist, default env files):
 * that is checked by the Node runner in `@mlflow-ts/client`.
 */
import { MlflowError } from '../errors.js';
import {
  MLFLOW_ENV_FIELDS,
  MlprojectSchema,
  type DockerEnv,
  type MlflowEnvField,
  type NodeEnv,
} from './mlproject-schema.js';
import { loadMlprojectYaml, pythonStr } from './mlproject-yaml.js';
import { setOwn } from './parameters.js';

export interface ProjectParameter {
  name: string;
  /** `string`, `float`, `int`, `path`, `uri`, or any other word (MLflow passes unknown types through). */
  type: string;
  /** Python's `str()` of the YAML default; undefined when there is none (the parameter is required). */
  default?: string;
}

export interface ProjectEntryPoint {
  name: string;
  /** In file order (MLflow numbers `path` downloads by position). */
  parameters: ProjectParameter[];
  command: string;
}

export interface ProjectSpec {
  name?: string;
  entryPoints: Record<string, ProjectEntryPoint>;
  /** The MLflow environment field the file sets, if any. */
  envField?: MlflowEnvField;
  condaEnv?: string;
  pythonEnv?: string;
  dockerEnv?: DockerEnv;
  nodeEnv?: NodeEnv;
  /** Kept as written; mlflow-ts runs no Databricks jobs. */
  databricksSparkJob?: unknown;
}

function invalid(message: string): MlflowError {
  return new MlflowError('INVALID_PARAMETER_VALUE', message);
}

function zodPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

function dockerEnvOf(raw: Record<string, unknown>): DockerEnv {
  if (typeof raw.image !== 'string' || raw.image === '') {
    throw invalid(
      'Project configuration (MLproject file) was invalid: Docker environment specified but no image attribute found.',
    );
  }
  const { volumes, environment } = raw;
  if (
    volumes !== undefined &&
    volumes !== null &&
    !(Array.isArray(volumes) && volumes.every((v) => typeof v === 'string'))
  ) {
    throw invalid(
      'Project configuration (MLproject file) was invalid: Docker volumes must be a list of strings, ' +
        `e.g.: '["/path1/:/path1", "/path2/:/path2"])`,
    );
  }
  const entryOk = (e: unknown): boolean =>
    typeof e === 'string' || (Array.isArray(e) && e.length === 2 && e.every((x) => typeof x === 'string'));
  if (
    environment !== undefined &&
    environment !== null &&
    !(Array.isArray(environment) && environment.every(entryOk))
  ) {
    throw invalid(
      'Project configuration (MLproject file) was invalid: environment must be a list containing either strings ' +
        '(to copy environment variables from host system) or lists of string pairs (to define new environment ' +
        `variables).E.g.: '[["NEW_VAR", "new_value"], "VAR_TO_COPY_FROM_HOST"])`,
    );
  }
  return raw as DockerEnv;
}

/** Parses the text of an MLproject file. Throws INVALID_PARAMETER_VALUE with MLflow's messages. */
export function parseMlproject(text: string): ProjectSpec {
  const loaded = loadMlprojectYaml(text) ?? {};
  if (typeof loaded !== 'object' || Array.isArray(loaded)) {
    throw invalid('Project configuration (MLproject file) was invalid: the file must be a YAML mapping');
  }
  const doc = loaded as Record<string, unknown>;
  const envFields = MLFLOW_ENV_FIELDS.filter((f) => f in doc);
  if (envFields.length > 1) {
    throw invalid(`Project cannot contain multiple environment fields: {${envFields.map((f) => `'${f}'`).join(', ')}}`);
  }
  const parsed = MlprojectSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? zodPath(issue.path) : '';
    throw invalid(
      `Project configuration (MLproject file) was invalid: ${where ? `${where}: ` : ''}${issue?.message ?? 'invalid'}`,
    );
  }
  const spec: ProjectSpec = { entryPoints: {} };
  if (doc.name !== undefined && doc.name !== null) spec.name = pythonStr(doc.name);
  for (const [name, ep] of Object.entries(parsed.data.entry_points ?? {})) {
    const parameters: ProjectParameter[] = [];
    for (const [pname, p] of Object.entries(ep.parameters ?? {})) {
      if (typeof p === 'string') {
        parameters.push({ name: pname, type: p });
        continue;
      }
      const param: ProjectParameter = { name: pname, type: p.type ?? 'string' };
      if (p.default !== undefined && p.default !== null) param.default = pythonStr(p.default);
      parameters.push(param);
    }
    setOwn(spec.entryPoints, name, { name, parameters, command: ep.command });
  }
  if (doc.databricks_spark_job !== undefined) spec.databricksSparkJob = doc.databricks_spark_job;
  if (parsed.data.node_env) spec.nodeEnv = parsed.data.node_env;
  const { docker_env: dockerEnv, python_env: pythonEnv, conda_env: condaEnv } = parsed.data;
  // MLflow's precedence (an empty value counts as unset, as `if docker_env:` does).
  if (dockerEnv && Object.keys(dockerEnv).length > 0) {
    spec.envField = 'docker_env';
    spec.dockerEnv = dockerEnvOf(dockerEnv);
  } else if (pythonEnv) {
    spec.envField = 'python_env';
    spec.pythonEnv = pythonEnv;
  } else if (condaEnv) {
    spec.envField = 'conda_env';
    spec.condaEnv = condaEnv;
  }
  return spec;
}
