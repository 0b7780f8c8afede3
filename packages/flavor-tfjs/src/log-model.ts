/**
 * `logModel`: the tfjs `saveModel` through format's `logSavedModel` (temp dir, upload, the
 * `mlflow.log-model.history` tag or an MLflow 3 logged model, optional registration).
 */
import { logModelWith } from '@mlflow-ts/format/node';
import type { LogModelFunction } from '@mlflow-ts/format/node';
import type { TfjsModelSource } from './model-source.js';
import { saveModel } from './save-model.js';
import type { SaveTfjsModelOptions } from './save-model.js';

export const logModel: LogModelFunction<TfjsModelSource, SaveTfjsModelOptions> = logModelWith(saveModel);
