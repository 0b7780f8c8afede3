/**
 * @mlflow-ts/flavor-tfjs — a TensorFlow.js flavor (imported lazily): save/load, autologging for
 * `model.fit`, and conversion of LayersModels to ONNX.
 */
export { tfjsFlavor } from './tfjs-flavor.js';
export { TFJS_FLAVOR_NAME, TfjsFlavorConfigSchema } from './flavor-config.js';
export type { TfjsFlavorConfig } from './flavor-config.js';
export { FLAVOR_TFJS_VERSION, TFJS_DATA_DIR, saveModel, tfjsVersion } from './save-model.js';
export type { SaveTfjsModelOptions } from './save-model.js';
export type { TfjsModelSource, TfjsModelType } from './model-source.js';
export { loadModel, loadTfjsFromMLmodel } from './load-model.js';
export type { LoadedTfjsModel } from './load-model.js';
export { logModel } from './log-model.js';
export { importTfjs } from './lazy-tfjs.js';
export { MODEL_JSON_FILE_NAME, WEIGHTS_FILE_NAME, fileLoadHandler, fileSaveHandler } from './tfjs-io.js';
export { signatureOfIo } from './tfjs-tensors.js';
export type { TfjsIo } from './tfjs-tensors.js';
export { ONNX_CONVERTIBLE_LAYERS, convertToOnnx } from './onnx/convert-to-onnx.js';
export type { ConvertToOnnxOptions } from './onnx/convert-to-onnx.js';
export { CONVERTED_ONNX_ARTIFACT_PATH, convertModelUriToOnnx } from './convert-model-uri.js';
export type { ConvertModelUriOptions, ConvertedModel } from './convert-model-uri.js';
export { autolog, fitWithAutolog, mlflowCallback } from './autolog.js';
export type { AutologOptions, AutologResult, MlflowCallback } from './autolog.js';
export { earlyStoppingCallbacks, isEarlyStopping } from './autolog-params.js';
export type { EarlyStoppingLike, FitArgsLike } from './autolog-params.js';
export { registerModel } from './register-model.js';
export type { RegisterModelOptions } from './register-model.js';
