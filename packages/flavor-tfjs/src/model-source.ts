/**
 * What the tfjs flavor saves: a live `tf.LayersModel`, a GraphModel directory (model.json + shards,
 * as the tensorflowjs converter writes it), or the `model.json` path of a saved LayersModel.
 */
import { copyFile, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { MlflowError } from '@mlflow-ts/format';
import type { GraphModel, LayersModel } from '@tensorflow/tfjs';
import type { Tfjs } from './lazy-tfjs.js';
import { MODEL_JSON_FILE_NAME, fileLoadHandler, fileSaveHandler, readModelJson, weightFilePaths } from './tfjs-io.js';
import type { TfjsIo } from './tfjs-tensors.js';

export type TfjsModelSource = LayersModel | { graphModelDir: string } | { layersModelJson: string };

export type TfjsModelType = 'layers-model' | 'graph-model';

export function isLayersModel(m: unknown): m is LayersModel {
  const o = m as { save?: unknown; layers?: unknown; predict?: unknown } | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.save === 'function' &&
    Array.isArray(o.layers) &&
    typeof o.predict === 'function'
  );
}

/** The inputs and outputs of a loaded model (LayersModel or GraphModel), named as predict expects them. */
export function modelIo(model: LayersModel | GraphModel): { inputs: TfjsIo[]; outputs: TfjsIo[] } {
  if (isLayersModel(model)) {
    return {
      // A Sequential fills inputNames/outputNames only once built; the symbolic tensors' names (minus
      // the `/<node>` suffix) are the same layer names either way.
      inputs: model.inputs.map((t, i) => ({
        name: model.inputNames?.[i] ?? t.name.replace(/\/.*$/, ''),
        shape: t.shape,
        dtype: t.dtype,
      })),
      outputs: model.outputs.map((t, i) => ({
        name: model.outputNames?.[i] ?? t.name.replace(/\/.*$/, ''),
        shape: t.shape,
        dtype: t.dtype,
      })),
    };
  }
  const g = model as GraphModel;
  const io = (list: { name: string; shape?: number[]; dtype: string }[]): TfjsIo[] =>
    list.map((t) => ({ name: t.name, ...(t.shape ? { shape: t.shape } : {}), dtype: t.dtype }));
  return { inputs: io(g.inputs), outputs: io(g.outputs) };
}

/** Copies a model.json (any file name) and the weight files it names into `dstDir` as `model.json` + shards. */
async function copyModelDir(srcJson: string, dstDir: string): Promise<void> {
  const srcDir = path.dirname(srcJson);
  const json = await readModelJson(srcDir, path.basename(srcJson));
  await mkdir(dstDir, { recursive: true });
  await copyFile(srcJson, path.join(dstDir, MODEL_JSON_FILE_NAME));
  for (const p of weightFilePaths(json)) {
    await mkdir(path.dirname(path.join(dstDir, p)), { recursive: true });
    await copyFile(path.join(srcDir, p), path.join(dstDir, p)).catch((e: unknown) => {
      throw new MlflowError(
        'RESOURCE_DOES_NOT_EXIST',
        `Cannot copy weight file '${p}' of the model in '${srcDir}': ${(e as Error).message}`,
      );
    });
  }
}

/** The model type a model.json declares (`format`), defaulting by whether its topology is a Keras config. */
export async function modelTypeOfDir(dir: string): Promise<TfjsModelType> {
  const json = await readModelJson(dir);
  if (json.format === 'graph-model') return 'graph-model';
  if (json.format === 'layers-model') return 'layers-model';
  const topology = json.modelTopology as { node?: unknown } | undefined;
  return topology && Array.isArray(topology.node) ? 'graph-model' : 'layers-model';
}

/** Loads a model directory with the loader its type needs. */
export async function loadTfjsModelDir(tf: Tfjs, dir: string, type: TfjsModelType): Promise<LayersModel | GraphModel> {
  const handler = fileLoadHandler(tf, dir);
  try {
    return type === 'graph-model' ? await tf.loadGraphModel(handler) : await tf.loadLayersModel(handler);
  } catch (e) {
    if (MlflowError.isInstance(e)) throw e;
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `Cannot load the TensorFlow.js ${type} in '${dir}': ${(e as Error).message}`,
      { cause: e },
    );
  }
}

/** Writes the model's files into `dataDir`; returns its type and, for a live model, the model itself. */
export async function writeModelData(
  tf: Tfjs,
  model: TfjsModelSource,
  dataDir: string,
): Promise<{ type: TfjsModelType; live?: LayersModel }> {
  if (isLayersModel(model)) {
    await mkdir(dataDir, { recursive: true });
    await model.save(fileSaveHandler(tf, dataDir));
    return { type: 'layers-model', live: model };
  }
  if (model && typeof model === 'object' && 'graphModelDir' in model && typeof model.graphModelDir === 'string') {
    const st = await stat(model.graphModelDir).catch(() => undefined);
    if (!st?.isDirectory())
      throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `GraphModel directory '${model.graphModelDir}' does not exist`);
    await copyModelDir(path.join(model.graphModelDir, MODEL_JSON_FILE_NAME), dataDir);
    return { type: 'graph-model' };
  }
  if (model && typeof model === 'object' && 'layersModelJson' in model && typeof model.layersModelJson === 'string') {
    await copyModelDir(model.layersModelJson, dataDir);
    return { type: 'layers-model' };
  }
  throw new MlflowError(
    'INVALID_PARAMETER_VALUE',
    'Cannot save this value with the tfjs flavor: pass a tf.LayersModel, { graphModelDir } or { layersModelJson }',
  );
}
