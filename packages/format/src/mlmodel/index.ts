// The MLmodel area: the MLmodel file (schema, YAML in MLflow's exact layout), its flavor sections,
// the environment files beside it, and PyYAML-compatible YAML reading/writing for other MLflow files.
export {
  MLmodelSchema,
  MLmodelSignatureDictSchema,
  SavedInputExampleInfoSchema,
  createMLmodelSchema,
  validateMLmodel,
} from './mlmodel-schema.js';
export type { MLmodel, MLmodelSignatureDict } from './mlmodel-schema.js';
export {
  PYFUNC_ENV_FILES,
  PYFUNC_FLAVOR_NAME,
  PythonFunctionEnvSchema,
  PythonFunctionFlavorConfigSchema,
  createPythonFunctionFlavorConfig,
} from './flavor-configs.js';
export type { PythonFunctionFlavorConfig } from './flavor-configs.js';
export { LOG_MODEL_HISTORY_TAG, logModelHistoryEntry, recordLoggedModel } from './log-model-history.js';
export { MLMODEL_FILE_NAME, parseMLmodel, serializeMLmodel } from './mlmodel-yaml.js';
export { MLFLOW_COMPAT_VERSION, createMLmodel, formatUtcTimeCreated, newModelUuid } from './create-mlmodel.js';
export type { CreateMLmodelOptions } from './create-mlmodel.js';
export {
  CONDA_ENV_FILE_NAME,
  CONSTRAINTS_FILE_NAME,
  INPUT_EXAMPLE_FILE_NAME,
  NODE_ENV_FILE_NAME,
  PYTHON_ENV_FILE_NAME,
  REGISTERED_MODEL_META_FILE_NAME,
  REQUIREMENTS_FILE_NAME,
  SERVING_INPUT_EXAMPLE_FILE_NAME,
  condaYaml,
  nodeEnvJson,
  pythonEnvYaml,
  registeredModelMetaYaml,
  requirementsTxt,
  withMlflowRequirement,
} from './environment-files.js';
export { safeDumpYaml } from './pyyaml-dump.js';
export type { SafeDumpOptions } from './pyyaml-dump.js';
export { safeLoadYaml } from './pyyaml-load.js';
export { constructPyyamlIntExact, pyyamlImplicitTag, pyyamlSafeScalars } from './pyyaml-resolver.js';
export type { PyyamlScalarType } from './pyyaml-resolver.js';
export { mlmodelJsonSchema } from '../json-schema/mlmodel-json-schema.js';
