/**
 * @mlflow-ts/flavor-onnx — MLflow's `onnx` flavor on onnxruntime-node (imported lazily).
 */
export { onnxFlavor } from './onnx-flavor.js';
export type { OnnxFlavorOptions } from './onnx-flavor.js';
export { DEFAULT_ONNX_PROVIDERS, FLAVOR_ONNX_VERSION, ONNX_PYTHON_VERSION, saveModel } from './save-model.js';
export type { SaveOnnxModelOptions } from './save-model.js';
export type { OnnxModelSource } from './model-bytes.js';
export { loadModel, loadOnnxFromMLmodel } from './load-model.js';
export type { LoadedOnnxModel, OnnxLoadOptions } from './load-model.js';
export { logModel } from './log-model.js';
export type { LogOnnxModelOptions } from './log-model.js';
export { createOnnxSession } from './onnx-session.js';
export type { IoInfo, OnnxOutput, OnnxRuntimeOptions, OnnxSession } from './onnx-session.js';
export { signatureFromGraph } from './infer-signature.js';
export { ONNX_FLAVOR_NAME, OnnxFlavorConfigSchema, OnnxSessionOptionsSchema } from './flavor-config.js';
export type { OnnxFlavorConfig } from './flavor-config.js';
