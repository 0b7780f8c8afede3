/**
 * Model-directory helpers every flavor's `saveModel` needs, whatever runtime it wraps: the
 * empty-directory rule, the size MLmodel records, the input example files, and MLmodel with the
 * environment files beside it.
 */
import { readdir, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { MlflowError } from '../errors.js';
import { createMLmodel } from '../mlmodel/create-mlmodel.js';
import {
  CONDA_ENV_FILE_NAME,
  NODE_ENV_FILE_NAME,
  PYTHON_ENV_FILE_NAME,
  REQUIREMENTS_FILE_NAME,
  condaYaml,
  nodeEnvJson,
  pythonEnvYaml,
  requirementsTxt,
} from '../mlmodel/environment-files.js';
import type { MLmodel } from '../mlmodel/mlmodel-schema.js';
import { MLMODEL_FILE_NAME, serializeMLmodel } from '../mlmodel/mlmodel-yaml.js';
import { saveInputExample } from '../signature/input-example.js';
import type { SavedInputExampleInfo } from '../signature/input-example.js';
import { signatureToDict } from '../signature/signature.js';
import type { ModelSignature } from '../signature/types.js';

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

/** Writes `input_example.json` (and `serving_input_example.json`) as MLflow does; `undefined` → nothing. */
export async function writeInputExample(dir: string, example: unknown): Promise<SavedInputExampleInfo | undefined> {
  if (example === undefined) return undefined;
  const saved = saveInputExample(example);
  await writeFile(path.join(dir, saved.info.artifact_path), saved.inputExampleJson);
  if (saved.info.serving_input_path)
    await writeFile(path.join(dir, saved.info.serving_input_path), saved.servingInputExampleJson);
  return saved.info;
}

/** What `writeModelFiles` writes beside a model's own data files. */
export interface ModelFiles {
  /** MLmodel's `flavors` sections. */
  flavors: Record<string, Record<string, unknown>>;
  signature?: ModelSignature;
  inputExample?: unknown;
  metadata?: Record<string, unknown>;
  /** More top-level MLmodel keys (`run_id`, `artifact_path` when saving for `logModel`). */
  extra?: Record<string, unknown>;
  /** npm package → version (range) for node_env.json. */
  npmDependencies: Record<string, string>;
  /** For a model MLflow's Python can serve: conda.yaml, python_env.yaml and requirements.txt. */
  python?: { version: string; pipRequirements: string[] };
}

/**
 * Writes the input example files, MLmodel (recording the directory's size measured before MLmodel
 * and the environment files, as MLflow does), the Python environment files when asked, and
 * node_env.json. Returns the MLmodel written.
 */
export async function writeModelFiles(dir: string, files: ModelFiles): Promise<MLmodel> {
  const exampleInfo = await writeInputExample(dir, files.inputExample);
  const modelSizeBytes = await directorySize(dir);
  const mlmodel = createMLmodel({
    flavors: files.flavors,
    ...(files.signature ? { signature: signatureToDict(files.signature) } : {}),
    ...(exampleInfo ? { saved_input_example_info: exampleInfo } : {}),
    ...(files.metadata ? { metadata: files.metadata } : {}),
    model_size_bytes: modelSizeBytes,
    ...files.extra,
  });
  await writeFile(path.join(dir, MLMODEL_FILE_NAME), serializeMLmodel(mlmodel));
  if (files.python) {
    const { version: pythonVersion, pipRequirements } = files.python;
    await writeFile(path.join(dir, CONDA_ENV_FILE_NAME), condaYaml({ pythonVersion, pipRequirements }));
    await writeFile(path.join(dir, PYTHON_ENV_FILE_NAME), pythonEnvYaml({ pythonVersion }));
    await writeFile(path.join(dir, REQUIREMENTS_FILE_NAME), requirementsTxt(pipRequirements));
  }
  await writeFile(path.join(dir, NODE_ENV_FILE_NAME), nodeEnvJson({ dependencies: files.npmDependencies }));
  return mlmodel;
}

/**
 * The version of package `name` as the module at `from` (its `import.meta.url`) would resolve it, for
 * the requirements a saved model records; `'unknown'` when it is not installed.
 */
export function installedPackageVersion(name: string, from: string): string {
  try {
    return (createRequire(from)(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
