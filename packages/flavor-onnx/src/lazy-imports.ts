/**
 * onnxruntime-node (a native addon) and onnx-proto are loaded only when a model is saved or loaded,
 * so importing this package costs nothing and a missing install fails with a fix, not a stack.
 */
import { MlflowError } from '@mlflow-ts/format';

export type Ort = typeof import('onnxruntime-node');
export type OnnxProto = typeof import('onnx-proto').onnx;

let ortPromise: Promise<Ort> | undefined;
let protoPromise: Promise<OnnxProto> | undefined;

function missing(pkg: string, why: string, cause: unknown): MlflowError {
  return new MlflowError(
    'INVALID_STATE',
    `The onnx flavor needs the npm package '${pkg}' ${why}, but it could not be imported ` +
      `(${(cause as Error)?.message ?? String(cause)}). Install it with: npm install ${pkg}`,
    { cause },
  );
}

export function importOnnxRuntime(): Promise<Ort> {
  ortPromise ??= import('onnxruntime-node').then(
    (m) => ((m as { InferenceSession?: unknown }).InferenceSession ? m : (m as unknown as { default: Ort }).default),
    (e: unknown) => {
      ortPromise = undefined;
      throw missing('onnxruntime-node', 'to run ONNX models', e);
    },
  );
  return ortPromise;
}

export function importOnnxProto(): Promise<OnnxProto> {
  protoPromise ??= import('onnx-proto').then(
    (m) => ((m as unknown as { default?: { onnx: OnnxProto } }).default?.onnx ?? (m as unknown as { onnx: OnnxProto }).onnx),
    (e: unknown) => {
      protoPromise = undefined;
      throw missing('onnx-proto', 'to read ONNX graphs (ZipMap outputs, ModelProto objects)', e);
    },
  );
  return protoPromise;
}
