/**
 * `logModel`: the onnx `saveModel` through format's `logSavedModel` (temp dir, upload under the
 * run's artifacts at `artifactPath`, `mlflow.log-model.history`, optional registration).
 */
import { logSavedModel } from '@mlflow-ts/format/node';
import type { LogModelResult, LogModelStores } from '@mlflow-ts/format/node';
import type { OnnxModelSource } from './model-bytes.js';
import { saveModel } from './save-model.js';
import type { SaveOnnxModelOptions } from './save-model.js';

export interface LogOnnxModelOptions extends SaveOnnxModelOptions {
  /** Also registers the logged model as a new version of this registered model (created when missing). */
  registeredModelName?: string;
}

export async function logModel(
  stores: LogModelStores,
  runId: string,
  artifactPath: string,
  model: OnnxModelSource,
  opts: LogOnnxModelOptions = {},
): Promise<LogModelResult> {
  const { registeredModelName, ...saveOpts } = opts;
  return logSavedModel(
    stores, runId, artifactPath,
    (dir, extra) => saveModel(model, dir, { ...saveOpts, extraMLmodelKeys: { ...saveOpts.extraMLmodelKeys, ...extra } }),
    registeredModelName !== undefined ? { registeredModelName } : {},
  );
}
