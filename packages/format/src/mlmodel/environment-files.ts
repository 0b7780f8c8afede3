/**
 * The environment files beside an MLmodel, as mlflow/utils/environment.py writes them, plus our own
 * `node_env.json` naming the npm packages a JavaScript loader needs.
 */
import { safeDumpYaml } from './pyyaml-dump.js';
import { MLFLOW_COMPAT_VERSION } from './create-mlmodel.js';

export const CONDA_ENV_FILE_NAME = 'conda.yaml';
export const PYTHON_ENV_FILE_NAME = 'python_env.yaml';
export const REQUIREMENTS_FILE_NAME = 'requirements.txt';
export const CONSTRAINTS_FILE_NAME = 'constraints.txt';
export const NODE_ENV_FILE_NAME = 'node_env.json';
export const INPUT_EXAMPLE_FILE_NAME = 'input_example.json';
export const SERVING_INPUT_EXAMPLE_FILE_NAME = 'serving_input_example.json';
export const REGISTERED_MODEL_META_FILE_NAME = 'registered_model_meta';

/** The package name of a pip requirement line (`mlflow[gateway]==2.12.2` → `mlflow`). */
function requirementName(line: string): string {
  return (/^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line)?.[1] ?? '').toLowerCase().replace(/[._]/g, '-');
}

/**
 * MLflow's `_process_pip_requirements`: the list as given, with `mlflow==<version>` put first when
 * no line already requires mlflow.
 */
export function withMlflowRequirement(lines: readonly string[], mlflowVersion = MLFLOW_COMPAT_VERSION): string[] {
  if (lines.some((l) => requirementName(l) === 'mlflow')) return [...lines];
  return [`mlflow==${mlflowVersion}`, ...lines];
}

/** `requirements.txt`: lines joined by `\n`, no trailing newline, mlflow first when missing. */
export function requirementsTxt(lines: readonly string[], mlflowVersion?: string): string {
  return withMlflowRequirement(lines, mlflowVersion).join('\n');
}

/**
 * `conda.yaml` (`_mlflow_conda_env`): conda-forge, `python=<X.Y.Z>`, `pip<=<ver>` (plain `pip` when the
 * pip version is unknown), then the pip requirements; PyYAML sorts the keys.
 */
export function condaYaml(options: {
  pythonVersion: string;
  pipRequirements: readonly string[];
  pipVersion?: string;
  mlflowVersion?: string;
}): string {
  return safeDumpYaml({
    name: 'mlflow-env',
    channels: ['conda-forge'],
    dependencies: [
      `python=${options.pythonVersion}`,
      options.pipVersion ? `pip<=${options.pipVersion}` : 'pip',
      { pip: withMlflowRequirement(options.pipRequirements, options.mlflowVersion) },
    ],
  });
}

/**
 * `python_env.yaml` (`_PythonEnv.to_yaml`): key order kept, empty keys dropped. Build dependencies
 * default to unpinned pip/setuptools/wheel (MLflow pins the writer's versions, which we do not have).
 */
export function pythonEnvYaml(options: {
  pythonVersion: string;
  buildDependencies?: readonly string[];
  dependencies?: readonly string[];
}): string {
  const env: Record<string, unknown> = {
    python: options.pythonVersion,
    build_dependencies: options.buildDependencies ?? ['pip', 'setuptools', 'wheel'],
    dependencies: options.dependencies ?? [`-r ${REQUIREMENTS_FILE_NAME}`],
  };
  for (const [k, v] of Object.entries(env)) if (Array.isArray(v) && v.length === 0) delete env[k];
  return safeDumpYaml(env, { sortKeys: false });
}

/** `registered_model_meta`: written into a model version's copy (`model_version` is a string). */
export function registeredModelMetaYaml(options: { modelName: string; modelVersion: string | number }): string {
  // mlflow.utils.file_utils.write_yaml: allow_unicode=True, unlike MLmodel.
  return safeDumpYaml(
    { model_name: options.modelName, model_version: String(options.modelVersion) },
    { allowUnicode: true },
  );
}

/** Our Node counterpart of requirements.txt: the npm packages (name → semver range) to load the model. */
export function nodeEnvJson(options: { dependencies: Record<string, string>; node?: string }): string {
  const dependencies = Object.fromEntries(
    Object.entries(options.dependencies).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return `${JSON.stringify({ node: options.node ?? '>=20', dependencies }, null, 2)}\n`;
}
