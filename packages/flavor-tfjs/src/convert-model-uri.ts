/**
 * From a saved tfjs model (a directory or a model URI) to an MLflow `onnx` model: load the
 * LayersModel, convert it, and save or log it with flavor-onnx, so MLflow in Python
 * (`mlflow.onnx` / `mlflow models serve`) can load what TensorFlow.js trained.
 */
import { MlflowClient } from '@mlflow-ts/client';
import { logModel as logOnnxModel, saveModel as saveOnnxModel } from '@mlflow-ts/flavor-onnx';
import { MlflowError, parseModelUri } from '@mlflow-ts/format';
import type { MLmodel, ModelUriStores } from '@mlflow-ts/format';
import { downloadModel } from '@mlflow-ts/format/node';
import type { LogModelStores } from '@mlflow-ts/format/node';
import { loadModel } from './load-model.js';
import { isLayersModel } from './model-source.js';
import { convertToOnnx } from './onnx/convert-to-onnx.js';

export interface ConvertModelUriOptions {
  /** Save the converted model as an MLflow model directory here (empty or absent). */
  outputDir?: string;
  /** And/or log it into a run through these stores (`client.stores()` gives them). */
  logTo?: { stores: LogModelStores; runId: string; artifactPath?: string };
  /** Resolve runs:/ and models:/ URIs through these stores (default: `client`'s). */
  stores?: ModelUriStores;
  /** Whose stores resolve runs:/ and models:/ URIs when `stores` is not given; default: a client for MLFLOW_TRACKING_URI. */
  client?: MlflowClient;
}

export interface ConvertedModel {
  /** The MLmodel of the saved (or else logged) onnx model. */
  mlmodel: MLmodel;
  outputDir?: string;
  /** `runs:/<run_id>/<artifact_path>` when logged. */
  modelUri?: string;
}

/** Default artifact path of a logged converted model. */
export const CONVERTED_ONNX_ARTIFACT_PATH = 'model_onnx';

export async function convertModelUriToOnnx(uri: string, opts: ConvertModelUriOptions): Promise<ConvertedModel> {
  if (!opts.outputDir && !opts.logTo) {
    throw new MlflowError('INVALID_PARAMETER_VALUE', 'convertModelUriToOnnx needs an outputDir or a run to log to');
  }
  // A local model needs no stores: no client (and no ./mlruns) for it.
  const stores =
    opts.stores ?? (parseModelUri(uri).kind === 'file' ? {} : await (opts.client ?? new MlflowClient()).stores());
  const local = await downloadModel(uri, stores);
  try {
    const loaded = await loadModel(local.dir).catch((e: unknown) => {
      if (MlflowError.isInstance(e) && /no 'tfjs' flavor/.test(e.message)) {
        throw new MlflowError('INVALID_PARAMETER_VALUE', `'${uri}' is not a tfjs model: ${e.message}`);
      }
      throw e;
    });
    try {
      if (!isLayersModel(loaded.model)) {
        throw new MlflowError(
          'INVALID_PARAMETER_VALUE',
          `Cannot convert '${uri}' to ONNX: only layers-model tfjs models convert (it is a graph-model)`,
        );
      }
      // The saved signature's names, which `loaded` answers to, not the renamed live layers'.
      const bytes = await convertToOnnx(loaded.model, {
        inputName: loaded.inputs[0]?.name,
        outputName: loaded.outputs[0]?.name,
      });
      const metadata = { ...(loaded.metadata.metadata ?? {}), converted_from: uri };
      const saved = opts.outputDir ? await saveOnnxModel(bytes, opts.outputDir, { metadata }) : undefined;
      const logged = opts.logTo
        ? await logOnnxModel(
            opts.logTo.stores,
            opts.logTo.runId,
            opts.logTo.artifactPath ?? CONVERTED_ONNX_ARTIFACT_PATH,
            bytes,
            { metadata },
          )
        : undefined;
      return {
        mlmodel: (saved ?? logged?.mlmodel)!,
        ...(opts.outputDir ? { outputDir: opts.outputDir } : {}),
        ...(logged ? { modelUri: logged.modelUri } : {}),
      };
    } finally {
      await loaded.dispose();
    }
  } finally {
    await local.cleanup();
  }
}
