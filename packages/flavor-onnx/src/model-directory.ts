/**
 * The flavor-independent half of saving: MLmodel (flavor + python_function sections, signature, input
 * example, size), the Python environment files MLflow expects and node_env.json.
 */
import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  CONDA_ENV_FILE_NAME, MlflowError, MLMODEL_FILE_NAME, NODE_ENV_FILE_NAME, PYTHON_ENV_FILE_NAME, REQUIREMENTS_FILE_NAME, condaYaml,
  createMLmodel, createPythonFunctionFlavorConfig, nodeEnvJson, pythonEnvYaml, requirementsTxt, saveInputExample,
  serializeMLmodel, signatureToDict,
} from '@mlflow-ts/format';
import type { MLmodel, ModelSignature, SavedInputExampleInfo } from '@mlflow-ts/format';

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

/** Total bytes of the files under `dir` (MLmodel's `model_size_bytes`). */
export async function directorySize(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? await directorySize(p) : (await stat(p)).size;
  }
  return total;
}

/** A model is saved only into a missing or empty directory, as `mlflow.<flavor>.save_model` requires. */
export async function assertEmptyModelDir(dir: string): Promise<void> {
  const st = await stat(dir).catch(() => undefined);
  if (!st) return;
  if (!st.isDirectory() || (await readdir(dir)).length > 0) {
    throw new MlflowError('RESOURCE_ALREADY_EXISTS', `Path '${dir}' already exists and is not empty`);
  }
}

/** The Python recorded in `python_version` and the env files: one MLflow 3.x supports (we are not Python). */
export const PYTHON_VERSION = '3.11.5';

/** Writes `input_example.json` (and `serving_input_example.json`) as MLflow does; `undefined` → nothing. */
export async function writeInputExample(dir: string, example: unknown): Promise<SavedInputExampleInfo | undefined> {
  if (example === undefined) return undefined;
  const saved = saveInputExample(example);
  await writeFile(path.join(dir, saved.info.artifact_path), saved.inputExampleJson);
  if (saved.info.serving_input_path) await writeFile(path.join(dir, saved.info.serving_input_path), saved.servingInputExampleJson);
  return saved.info;
}

export async function writeModelDirectory(dir: string, spec: ModelDirectorySpec): Promise<MLmodel> {
  const exampleInfo = await writeInputExample(dir, spec.inputExample);
  // MLflow measures the directory before writing MLmodel and the environment files.
  const modelSizeBytes = await directorySize(dir);
  const pythonFunction = createPythonFunctionFlavorConfig({ loaderModule: spec.loaderModule, pythonVersion: PYTHON_VERSION, data: spec.data });
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
  await writeFile(path.join(dir, CONDA_ENV_FILE_NAME), condaYaml({ pythonVersion: PYTHON_VERSION, pipRequirements: spec.pipRequirements }));
  await writeFile(path.join(dir, PYTHON_ENV_FILE_NAME), pythonEnvYaml({ pythonVersion: PYTHON_VERSION }));
  await writeFile(path.join(dir, REQUIREMENTS_FILE_NAME), requirementsTxt(spec.pipRequirements));
  await writeFile(path.join(dir, NODE_ENV_FILE_NAME), nodeEnvJson({ dependencies: spec.npmDependencies }));
  return mlmodel;
}
