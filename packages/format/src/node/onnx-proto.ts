/**
 * onnx-proto (ONNX's protobuf messages), imported once and only when a flavor reads or builds an
 * ONNX graph, with an install hint instead of a stack when it is missing. An optional peer
 * dependency: flavors that touch ONNX graphs depend on it themselves.
 */
import { MlflowError } from '../errors.js';

export type OnnxProto = typeof import('onnx-proto').onnx;

let protoPromise: Promise<OnnxProto> | undefined;

/** `why` completes "needs the npm package 'onnx-proto' …" in the error, e.g. 'to convert to ONNX'. */
export function importOnnxProto(why = 'to read or build ONNX graphs'): Promise<OnnxProto> {
  protoPromise ??= import('onnx-proto').then(
    (m) =>
      (m as unknown as { default?: { onnx: OnnxProto } }).default?.onnx ?? (m as unknown as { onnx: OnnxProto }).onnx,
    (cause: unknown) => {
      protoPromise = undefined;
      throw new MlflowError(
        'INVALID_STATE',
        `This needs the npm package 'onnx-proto' ${why}, but it could not be imported ` +
          `(${(cause as Error)?.message ?? String(cause)}). Install it with: npm install onnx-proto`,
        { cause },
      );
    },
  );
  return protoPromise;
}
