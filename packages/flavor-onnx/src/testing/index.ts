/** @mlflow-ts/flavor-onnx/testing — ONNX graphs built in code (needs the `onnx-proto` package). */
export { buildCnnModel, buildMlpModel, buildOnnxModel } from './onnx-builders.js';
// The generator its weights come from, for callers that build matching inputs.
export { seededRandom } from '@mlflow-ts/format/testing';
export type { ElemType, GraphSpec, Initializer, NodeSpec, ValueInfo } from './onnx-builders.js';
