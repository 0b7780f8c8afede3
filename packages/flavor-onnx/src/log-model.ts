/**
 * `logModel`: the onnx `saveModel` through format's `logSavedModel` (temp dir, upload, the
 * `mlflow.log-model.history` tag or an MLflow 3 logged model, optional registration).
 */
import { logModelWith } from '@mlflow-ts/format/node';
import type { LogModelFunction, LogModelOptions } from '@mlflow-ts/format/node';
import type { OnnxModelSource } from './model-bytes.js';
import { saveModel } from './save-model.js';
import type { SaveOnnxModelOptions } from './save-model.js';

/** Save options plus `registeredModelName` (registers the logged model, creating it when missing). */
export type LogOnnxModelOptions = LogModelOptions<SaveOnnxModelOptions>;

export const logModel: LogModelFunction<OnnxModelSource, SaveOnnxModelOptions> = logModelWith(saveModel);
