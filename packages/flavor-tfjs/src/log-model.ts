/**
 * `logModel`: the tfjs `saveModel` through format's `logSavedModel` (temp dir, upload under the
 * run's artifacts at `artifactPath`, `mlflow.log-model.history`, optional registration).
 */
import { logSavedModel } from '@mlflow-ts/format/node';
import type { LogModelResult, LogModelStores } from '@mlflow-ts/format/node';
import type { TfjsModelSource } from './model-source.js';
import { saveModel } from './save-model.js';
import type { SaveTfjsModelOptions } from './save-model.js';

export async function logModel(
  stores: LogModelStores,
  runId: string,
  artifactPath: string,
  model: TfjsModelSource,
  opts: SaveTfjsModelOptions & { registeredModelName?: string } = {},
): Promise<LogModelResult> {
  const { registeredModelName, ...saveOpts } = opts;
  return logSavedModel(
    stores, runId, artifactPath,
    (dir, extra) => saveModel(model, dir, { ...saveOpts, extraMLmodelKeys: { ...saveOpts.extraMLmodelKeys, ...extra } }),
    registeredModelName !== undefined ? { registeredModelName } : {},
  );
}
