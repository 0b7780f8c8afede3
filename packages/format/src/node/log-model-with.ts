/**
 * A flavor's `logModel` from its `saveModel(model, dir, opts)`: what flavor-onnx and flavor-tfjs (and
 * a third-party flavor) export, written once. The save options gain `registeredModelName`;
 * `extraMLmodelKeys` (`run_id`, `artifact_path`, …) are filled in by `logSavedModel`.
 */
import type { MLmodel } from '../mlmodel/mlmodel-schema.js';
import { logSavedModel } from './log-saved-model.js';
import type { LogModelResult, LogModelStores } from './log-saved-model.js';

export interface FlavorSaveOptions {
  extraMLmodelKeys?: Record<string, unknown>;
}

export type LogModelOptions<TOptions> = TOptions & { registeredModelName?: string };

export type LogModelFunction<TModel, TOptions> = (
  stores: LogModelStores,
  runId: string,
  artifactPath: string,
  model: TModel,
  opts?: LogModelOptions<TOptions>,
) => Promise<LogModelResult>;

export function logModelWith<TModel, TOptions extends FlavorSaveOptions>(
  saveModel: (model: TModel, dir: string, opts: TOptions) => Promise<MLmodel>,
): LogModelFunction<TModel, TOptions> {
  return (stores, runId, artifactPath, model, opts) => {
    const { registeredModelName, ...rest } = opts ?? ({} as LogModelOptions<TOptions>);
    const saveOpts = rest as unknown as TOptions;
    return logSavedModel(
      stores,
      runId,
      artifactPath,
      (dir, extra) =>
        saveModel(model, dir, { ...saveOpts, extraMLmodelKeys: { ...saveOpts.extraMLmodelKeys, ...extra } }),
      registeredModelName !== undefined ? { registeredModelName } : {},
    );
  };
}
