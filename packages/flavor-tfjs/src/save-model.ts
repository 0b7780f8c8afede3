/**
 * `saveModel` writes an MLflow model directory for a TensorFlow.js model: the model files under
 * `model/` (model.json + weights), MLmodel with the `tfjs` section and a TensorSpec signature read
 * off the model's inputs and outputs, an optional input example, and node_env.json naming the npm
 * packages that load it. There is no Python loader for TF.js, so no `python_function` section:
 * convert to ONNX (`convertToOnnx`) for a model MLflow in Python can serve.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { inferSignature } from '@mlflow-ts/format';
import type { MLmodel, ModelSignature, SaveModelOptions } from '@mlflow-ts/format';
import { assertEmptyModelDir, installedPackageVersion, writeModelFiles } from '@mlflow-ts/format/node';
import { TFJS_FLAVOR_NAME } from './flavor-config.js';
import type { TfjsFlavorConfig } from './flavor-config.js';
import { importTfjs } from './lazy-tfjs.js';
import type { Tfjs } from './lazy-tfjs.js';
import { loadTfjsModelDir, modelIo, writeModelData } from './model-source.js';
import type { TfjsModelSource } from './model-source.js';
import { signatureOfIo } from './tfjs-tensors.js';

/** The model-relative directory holding model.json and the weights. */
export const TFJS_DATA_DIR = 'model';

export const FLAVOR_TFJS_VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string })
  .version;

export interface SaveTfjsModelOptions extends Omit<SaveModelOptions, 'signature'> {
  /** A signature, `'auto'` (default: TensorSpecs of the model's inputs/outputs), or `false` for none. */
  signature?: ModelSignature | 'auto' | false;
  /** Extra MLmodel keys (`run_id`, `artifact_path`) when saving for `logModel`. */
  extraMLmodelKeys?: Record<string, unknown>;
}

export function tfjsVersion(tf?: Tfjs): string {
  return tf ? tf.version.tfjs : installedPackageVersion('@tensorflow/tfjs', import.meta.url);
}

/** Saves a TensorFlow.js model as an MLflow model directory at `dir`; returns the MLmodel written. */
export async function saveModel(
  model: TfjsModelSource,
  dir: string,
  opts: SaveTfjsModelOptions = {},
): Promise<MLmodel> {
  await assertEmptyModelDir(dir);
  const tf = await importTfjs();
  const dataDir = path.join(dir, TFJS_DATA_DIR);
  const { type, live } = await writeModelData(tf, model, dataDir);

  let signature: ModelSignature | undefined;
  if (opts.signature !== false && opts.signature !== undefined && opts.signature !== 'auto') {
    signature = opts.signature;
  } else if (opts.signature !== false) {
    // Reading the saved copy back also proves the files load before anything else is written.
    const loaded = live ?? (await loadTfjsModelDir(tf, dataDir, type));
    try {
      const io = modelIo(loaded);
      signature =
        io.inputs.length > 0
          ? signatureOfIo(io.inputs, io.outputs)
          : opts.inputExample !== undefined
            ? inferSignature(opts.inputExample)
            : undefined;
    } finally {
      if (!live) loaded.dispose();
    }
  }

  const flavorConfig: TfjsFlavorConfig = { tfjs_version: tfjsVersion(tf), model_type: type, data: TFJS_DATA_DIR };
  return writeModelFiles(dir, {
    flavors: { [TFJS_FLAVOR_NAME]: flavorConfig },
    signature,
    inputExample: opts.inputExample,
    metadata: opts.metadata,
    extra: opts.extraMLmodelKeys,
    npmDependencies: { '@tensorflow/tfjs': `^${tfjsVersion(tf)}`, '@mlflow-ts/flavor-tfjs': `^${FLAVOR_TFJS_VERSION}` },
  });
}
