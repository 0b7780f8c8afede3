/**
 * A TensorSpec signature read off the ONNX graph: one named spec per input and output, -1 for
 * symbolic dimensions (the batch axis), numpy dtype names. A graph with a non-tensor output (skl2onnx
 * ZipMap) gets no output schema: a sequence of maps has no TensorSpec.
 */
import type { ModelSignature, TensorSpec } from '@mlflow-ts/format';
import type { IoInfo } from './onnx-session.js';

function spec(io: IoInfo): TensorSpec {
  return { name: io.name, type: 'tensor', 'tensor-spec': { dtype: io.dtype ?? 'object', shape: io.shape ?? [-1] } };
}

export function signatureFromGraph(inputs: IoInfo[], outputs: IoInfo[]): ModelSignature {
  const sig: ModelSignature = { inputs: inputs.map(spec) };
  if (outputs.length > 0 && outputs.every((o) => o.isTensor)) sig.outputs = outputs.map(spec);
  return sig;
}
