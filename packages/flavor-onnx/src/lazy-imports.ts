/**
 * onnxruntime-node (a native addon) is loaded only when a model is saved or loaded (onnx-proto, through
 * format's `importOnnxProto`, too), so importing this package costs nothing and a missing install
 * fails with a fix, not a stack.
 */
import { MlflowError } from '@mlflow-ts/format';

export type Ort = typeof import('onnxruntime-node');

let ortPromise: Promise<Ort> | undefined;

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
