/** @mlflow-ts/flavor-onnx/testing — ONNX graphs built in code (needs the `onnx-proto` package). */
export { buildCnnModel, buildMlpModel, buildOnnxModel, seededRandom } from './onnx-builders.js';
export type { ElemType, GraphSpec, Initializer, NodeSpec, ValueInfo } from './onnx-builders.js';
