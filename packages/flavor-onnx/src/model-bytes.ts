/**
 * What `saveModel` accepts as the model: a `.onnx` file path, the serialized bytes, or an onnx
 * ModelProto object (an `onnx-proto` message or a plain object of the same shape).
 */
import { readFile } from 'node:fs/promises';
import { MlflowError } from '@mlflow-ts/format';
import { importOnnxProto } from '@mlflow-ts/format/node';

export type OnnxModelSource = string | Uint8Array | { graph?: unknown; [key: string]: unknown };

export async function onnxModelBytes(model: OnnxModelSource): Promise<Uint8Array> {
  if (typeof model === 'string') {
    return new Uint8Array(
      await readFile(model).catch((e: unknown) => {
        throw new MlflowError(
          'RESOURCE_DOES_NOT_EXIST',
          `Cannot read ONNX model file '${model}': ${(e as Error).message}`,
        );
      }),
    );
  }
  if (model instanceof Uint8Array) return model;
  if (model && typeof model === 'object' && 'graph' in model) {
    const onnx = await importOnnxProto('to save ModelProto objects');
    const message =
      model instanceof onnx.ModelProto ? model : onnx.ModelProto.fromObject(model as Record<string, unknown>);
    return onnx.ModelProto.encode(message).finish();
  }
  throw new MlflowError(
    'INVALID_PARAMETER_VALUE',
    `Cannot save ${typeof model} as an ONNX model: pass a .onnx path, its bytes, or a ModelProto object`,
  );
}
