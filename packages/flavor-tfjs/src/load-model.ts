/**
 * Loads a tfjs model directory into a LoadedModel: the flavor's `data` directory read with
 * `loadLayersModel` or `loadGraphModel`, predictions run inside `tf.tidy` so no tensor outlives a call.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MlflowError, parseMLmodel, parseSignature } from '@mlflow-ts/format';
import type { LoadedModel, MLmodel } from '@mlflow-ts/format';
import type { GraphModel, LayersModel, Tensor as TfTensor } from '@tensorflow/tfjs';
import { TfjsFlavorConfigSchema } from './flavor-config.js';
import { importTfjs } from './lazy-tfjs.js';
import { isLayersModel, loadTfjsModelDir, modelIo } from './model-source.js';
import type { TfjsIo } from './tfjs-tensors.js';
import { toFeedList, toPredictionOf } from './tfjs-tensors.js';

export interface LoadedTfjsModel extends LoadedModel {
  /** The TensorFlow.js model itself (disposed by `dispose`). */
  readonly model: LayersModel | GraphModel;
  readonly inputs: TfjsIo[];
  readonly outputs: TfjsIo[];
  dispose(): Promise<void>;
}

/**
 * TF.js renames layers whose names are already taken in the process (`dense_1_input` → `…_1`), so a
 * model loaded twice would answer to new names. The signature written at save time is what callers
 * (and schema enforcement) use: its TensorSpec names replace the live ones, position by position.
 */
function withSignatureNames(io: TfjsIo[], mlmodel: MLmodel, side: 'inputs' | 'outputs'): TfjsIo[] {
  if (!mlmodel.signature) return io;
  let specs: ReturnType<typeof parseSignature>['inputs'] | undefined;
  try {
    specs = parseSignature(mlmodel.signature as Parameters<typeof parseSignature>[0])[side];
  } catch {
    return io;
  }
  if (!specs || specs.length !== io.length || !specs.every((s) => s.type === 'tensor' && s.name)) return io;
  return io.map((v, i) => ({ ...v, name: specs[i]!.name! }));
}

/** Loads the directory `dir` whose MLmodel is `mlmodel` (the Flavor.load half). */
export async function loadTfjsFromMLmodel(dir: string, mlmodel: MLmodel): Promise<LoadedTfjsModel> {
  const section = mlmodel.flavors?.tfjs;
  if (!section) {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `The MLmodel in '${dir}' has no 'tfjs' flavor (flavors: ${Object.keys(mlmodel.flavors ?? {}).join(', ')})`,
    );
  }
  const parsed = TfjsFlavorConfigSchema.safeParse(section);
  if (!parsed.success)
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `Invalid tfjs flavor section in '${dir}': ${parsed.error.message}`,
    );
  const conf = parsed.data;
  const tf = await importTfjs();
  // `data` names the directory holding model.json, or model.json itself.
  const dataDir = conf.data.endsWith('.json') ? path.dirname(path.join(dir, conf.data)) : path.join(dir, conf.data);
  const model = await loadTfjsModelDir(tf, dataDir, conf.model_type);
  const live = modelIo(model);
  const inputs = withSignatureNames(live.inputs, mlmodel, 'inputs');
  const outputs = withSignatureNames(live.outputs, mlmodel, 'outputs');
  return {
    metadata: mlmodel,
    model,
    inputs,
    outputs,
    async predict(input) {
      const results = tf.tidy(() => {
        const feeds = toFeedList(tf, input, inputs);
        const result = isLayersModel(model)
          ? model.predict(feeds.length === 1 ? feeds[0]! : feeds)
          : (model as GraphModel).predict(
              feeds.length === 1 ? feeds[0]! : Object.fromEntries(inputs.map((io, i) => [io.name, feeds[i]!])),
            );
        return Array.isArray(result)
          ? result
          : result instanceof tf.Tensor
            ? [result]
            : Object.values(result as Record<string, TfTensor>);
      });
      try {
        return toPredictionOf(results, outputs, input.kind);
      } finally {
        tf.dispose(results);
      }
    },
    async dispose() {
      model.dispose();
    },
  };
}

/** Loads a tfjs model directory (or its MLmodel file) from local disk. */
export async function loadModel(localDir: string): Promise<LoadedTfjsModel> {
  const dir = path.basename(localDir) === 'MLmodel' ? path.dirname(localDir) : localDir;
  const text = await readFile(path.join(dir, 'MLmodel'), 'utf8').catch((e: unknown) => {
    throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `Could not read MLmodel in '${dir}': ${(e as Error).message}`);
  });
  return loadTfjsFromMLmodel(dir, parseMLmodel(text));
}
