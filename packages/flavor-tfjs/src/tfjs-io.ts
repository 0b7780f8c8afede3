/**
 * File IOHandlers for TensorFlow.js without tfjs-node (whose `file://` handler is native-only):
 * `model.json` + `weights.bin`, the layout `tfjs.converters.save_keras_model` and tfjs-node write, so
 * Python's tensorflowjs and tfjs-node read what we write and we read what they write.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MlflowError } from '@mlflow-ts/format';
import type { io } from '@tensorflow/tfjs';
import type { Tfjs } from './lazy-tfjs.js';

export const MODEL_JSON_FILE_NAME = 'model.json';
export const WEIGHTS_FILE_NAME = 'weights.bin';

/** The parsed `model.json` (tfjs `io.ModelJSON`). */
export type ModelJson = io.ModelJSON;

/** An IOHandler that writes `model.json` and one `weights.bin` into the existing directory `dir`. */
export function fileSaveHandler(tf: Tfjs, dir: string): io.IOHandler {
  return tf.io.withSaveHandler(async (artifacts) => {
    if (artifacts.modelTopology instanceof ArrayBuffer) {
      throw new MlflowError(
        'INVALID_PARAMETER_VALUE',
        'Cannot save a TensorFlow.js model with a binary topology; only JSON topologies are supported',
      );
    }
    const weightsManifest: io.WeightsManifestConfig = [
      { paths: [WEIGHTS_FILE_NAME], weights: artifacts.weightSpecs ?? [] },
    ];
    const json = tf.io.getModelArtifactsInfoForJSON(artifacts);
    const modelJson: Record<string, unknown> = {
      modelTopology: artifacts.modelTopology,
      format: artifacts.format ?? 'layers-model',
      generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
      convertedBy: artifacts.convertedBy ?? null,
      weightsManifest,
    };
    for (const key of [
      'signature',
      'userDefinedMetadata',
      'modelInitializer',
      'initializerSignature',
      'trainingConfig',
    ] as const) {
      if (artifacts[key] != null) modelJson[key] = artifacts[key];
    }
    const weights = artifacts.weightData ? tf.io.CompositeArrayBuffer.join(artifacts.weightData) : new ArrayBuffer(0);
    await writeFile(path.join(dir, WEIGHTS_FILE_NAME), new Uint8Array(weights));
    await writeFile(path.join(dir, MODEL_JSON_FILE_NAME), JSON.stringify(modelJson));
    return { modelArtifactsInfo: json };
  });
}

/** Reads and parses `model.json` in `dir`. */
export async function readModelJson(dir: string, fileName = MODEL_JSON_FILE_NAME): Promise<ModelJson> {
  const file = path.join(dir, fileName);
  const text = await readFile(file, 'utf8').catch((e: unknown) => {
    throw new MlflowError(
      'RESOURCE_DOES_NOT_EXIST',
      `Cannot read TensorFlow.js model file '${file}': ${(e as Error).message}`,
    );
  });
  try {
    return JSON.parse(text) as ModelJson;
  } catch (e) {
    throw new MlflowError('INVALID_PARAMETER_VALUE', `'${file}' is not valid JSON: ${(e as Error).message}`);
  }
}

/** Every weight file `model.json` names, relative to its directory, refusing paths that leave it. */
export function weightFilePaths(modelJson: ModelJson): string[] {
  const paths = (modelJson.weightsManifest ?? []).flatMap((group) => group.paths);
  for (const p of paths) {
    const normal = path.posix.normalize(p);
    if (path.isAbsolute(p) || normal.startsWith('..') || normal.includes('\0')) {
      throw new MlflowError('INVALID_PARAMETER_VALUE', `model.json names a weight file outside its directory: '${p}'`);
    }
  }
  return paths;
}

/** An IOHandler that loads `model.json` and its weight shards from the directory `dir`. */
export function fileLoadHandler(tf: Tfjs, dir: string): io.IOHandler {
  return {
    load: async () => {
      const modelJson = await readModelJson(dir);
      const paths = weightFilePaths(modelJson);
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const buffers = await Promise.all(
          paths.map(async (p) => {
            const bytes = await readFile(path.join(dir, p)).catch((e: unknown) => {
              throw new MlflowError(
                'RESOURCE_DOES_NOT_EXIST',
                `Cannot read weight file '${p}' of the model in '${dir}': ${(e as Error).message}`,
              );
            });
            return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
          }),
        );
        return [tf.io.getWeightSpecs(manifest), tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}
