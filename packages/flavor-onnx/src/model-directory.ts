/**
 * The flavor-independent half of saving: MLmodel (flavor + python_function sections, signature, input
 * example, size), the Python environment files MLflow expects and node_env.json.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  CONDA_ENV_FILE_NAME,
  MLMODEL_FILE_NAME,
  NODE_ENV_FILE_NAME,
  PYTHON_ENV_FILE_NAME,
  REQUIREMENTS_FILE_NAME,
  condaYaml,
  createMLmodel,
  createPythonFunctionFlavorConfig,
  nodeEnvJson,
  pythonEnvYaml,
  requirementsTxt,
  serializeMLmodel,
  signatureToDict,
} from '@mlflow-ts/format';
import type { MLmodel, ModelSignature } from '@mlflow-ts/format';
import { directorySize, writeInputExample } from '@mlflow-ts/format/node';

export interface ModelDirectorySpec {
  flavorName: string;
  flavorConfig: Record<string, unknown>;
  /** python_function `loader_module`. */
  loaderModule: string;
  data: string;
  /** pip requirements besides mlflow. */
  pipRequirements: string[];
  /** npm package → version for node_env.json. */
  npmDependencies: Record<string, string>;
  signature?: ModelSignature;
  inputExample?: unknown;
  metadata?: Record<string, unknown>;
  extra?: Record<string, unknown>;
}

/** The Python recorded in `python_version` and the env files: one MLflow 3.x supports (we are not Python). */
export const PYTHON_VERSION = '3.11.5';

export async function writeModelDirectory(dir: string, spec: ModelDirectorySpec): Promise<MLmodel> {
  const exampleInfo = await writeInputExample(dir, spec.inputExample);
  // MLflow measures the directory before writing MLmodel and the environment files.
  const modelSizeBytes = await directorySize(dir);
  const pythonFunction = createPythonFunctionFlavorConfig({
    loaderModule: spec.loaderModule,
    pythonVersion: PYTHON_VERSION,
    data: spec.data,
  });
  const mlmodel = createMLmodel({
    // MLflow adds the pyfunc section last, but MLmodel keys are sorted on write anyway.
    flavors: { [spec.flavorName]: spec.flavorConfig, python_function: pythonFunction },
    ...(spec.signature ? { signature: signatureToDict(spec.signature) } : {}),
    ...(exampleInfo ? { saved_input_example_info: exampleInfo } : {}),
    ...(spec.metadata ? { metadata: spec.metadata } : {}),
    model_size_bytes: modelSizeBytes,
    ...spec.extra,
  });
  await writeFile(path.join(dir, MLMODEL_FILE_NAME), serializeMLmodel(mlmodel));
  await writeFile(
    path.join(dir, CONDA_ENV_FILE_NAME),
    condaYaml({ pythonVersion: PYTHON_VERSION, pipRequirements: spec.pipRequirements }),
  );
  await writeFile(path.join(dir, PYTHON_ENV_FILE_NAME), pythonEnvYaml({ pythonVersion: PYTHON_VERSION }));
  await writeFile(path.join(dir, REQUIREMENTS_FILE_NAME), requirementsTxt(spec.pipRequirements));
  await writeFile(path.join(dir, NODE_ENV_FILE_NAME), nodeEnvJson({ dependencies: spec.npmDependencies }));
  return mlmodel;
}
