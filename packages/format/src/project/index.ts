// MLflow Projects: the MLproject file, its entry points and parameters, and how a command is filled.
export {
  DockerEnvSchema,
  MLFLOW_ENV_FIELDS,
  MlprojectEntryPointSchema,
  MlprojectParameterSchema,
  MlprojectSchema,
  NodeEnvSchema,
} from './mlproject-schema.js';
export type { DockerEnv, MlflowEnvField, MlprojectDocument, NodeEnv } from './mlproject-schema.js';
export { parseMlproject } from './project-spec.js';
export type { ProjectEntryPoint, ProjectParameter, ProjectSpec } from './project-spec.js';
export { getEntryPoint } from './entry-point.js';
export {
  castParameter,
  entryPointCommand,
  isUri,
  localPathOrUndefined,
  parameterText,
  projectRunParams,
  resolveParameters,
} from './parameters.js';
export type { ParameterInput, ResolvedParameters } from './parameters.js';
export { formatCommand } from './command-template.js';
export { shellQuote } from './shell-quote.js';
export { PyFloat, pythonStr } from './mlproject-yaml.js';
export { pythonFloatStr } from '../mlmodel/pyyaml-resolver.js';
