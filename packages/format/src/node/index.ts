/**
 * @mlflow-ts/format/node — the Node.js-only helpers that no store or flavor owns: moving files
 * between local disk and any ArtifactRepository, downloading a model URI, the model-directory
 * helpers of `saveModel`, `logSavedModel`, and onnx-proto's lazy import.
 */
export { downloadArtifacts, logLocalDirectory, logLocalFile } from './transfer.js';
export type { ProgressCallback } from './transfer.js';
export { downloadModel } from './download-model.js';
export { localPathOfUri } from './local-path.js';
export type { DownloadModelOptions, LocalModel } from './download-model.js';
export {
  assertEmptyModelDir,
  directorySize,
  installedPackageVersion,
  writeInputExample,
  writeModelFiles,
} from './model-directory.js';
export type { ModelFiles } from './model-directory.js';
export { logSavedModel } from './log-saved-model.js';
export type { LogModelStores, LogModelResult, SaveModelDirectory } from './log-saved-model.js';
export { logModelWith } from './log-model-with.js';
export type { FlavorSaveOptions, LogModelFunction, LogModelOptions } from './log-model-with.js';
export { importOnnxProto } from './onnx-proto.js';
export type { OnnxProto } from './onnx-proto.js';
