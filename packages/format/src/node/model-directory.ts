/**
 * Model-directory helpers every flavor's `saveModel` needs, whatever runtime it wraps: the
 * empty-directory rule, the size MLmodel records, and the input example files.
 */
import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MlflowError } from '../errors.js';
import { saveInputExample } from '../signature/input-example.js';
import type { SavedInputExampleInfo } from '../signature/input-example.js';

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
