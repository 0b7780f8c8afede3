/**
 * The flavor-independent half of saving: the flavor and python_function sections, written with the
 * Python environment files MLflow expects by format/node's `writeModelFiles`.
 */
import { createPythonFunctionFlavorConfig } from '@mlflow-ts/format';
import type { MLmodel, ModelSignature } from '@mlflow-ts/format';
import { writeModelFiles } from '@mlflow-ts/format/node';

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
  const pythonFunction = createPythonFunctionFlavorConfig({
    loaderModule: spec.loaderModule,
    pythonVersion: PYTHON_VERSION,
    data: spec.data,
  });
  return writeModelFiles(dir, {
    // MLflow adds the pyfunc section last, but MLmodel keys are sorted on write anyway.
    flavors: { [spec.flavorName]: spec.flavorConfig, python_function: pythonFunction },
    signature: spec.signature,
    inputExample: spec.inputExample,
    metadata: spec.metadata,
    extra: spec.extra,
    npmDependencies: spec.npmDependencies,
    python: { version: PYTHON_VERSION, pipRequirements: spec.pipRequirements },
  });
}
