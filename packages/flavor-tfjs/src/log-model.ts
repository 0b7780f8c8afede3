/**
 * `logModel`: save to a temp dir, upload it under the run's artifacts at `artifactPath`, record the
 * `mlflow.log-model.history` run tag — flavor-onnx's `logSavedModel` with the tfjs `saveModel`.
 */
import { logSavedModel } from '@mlflow-ts/flavor-onnx';
import type { LogModelStores, LoggedModelInfo } from '@mlflow-ts/flavor-onnx';
import type { TfjsModelSource } from './model-source.js';
import { saveModel } from './save-model.js';
import type { SaveTfjsModelOptions } from './save-model.js';

export async function logModel(
  stores: LogModelStores,
  runId: string,
  artifactPath: string,
  model: TfjsModelSource,
  opts: SaveTfjsModelOptions & { registeredModelName?: string } = {},
): Promise<LoggedModelInfo> {
  const { registeredModelName, ...saveOpts } = opts;
  return logSavedModel(
    stores, runId, artifactPath,
    (dir, extra) => saveModel(model, dir, { ...saveOpts, extraMLmodelKeys: { ...saveOpts.extraMLmodelKeys, ...extra } }),
    registeredModelName !== undefined ? { registeredModelName } : {},
  );
}
