/**
 * Between MLflow's tensors (`EnforcedInput`, flat data + numpy dtype) and TensorFlow.js tensors, and
 * the TensorSpec signature of a model's symbolic inputs and outputs.
 */
import { MlflowError } from '@mlflow-ts/format';
import { markFloatColumns, markFloatList } from '@mlflow-ts/format';
import type { EnforcedInput, ModelSignature, Prediction, Tensor, TensorDType, TensorSpec } from '@mlflow-ts/format';
import type { DataType, Tensor as TfTensor } from '@tensorflow/tfjs';
import type { Tfjs } from './lazy-tfjs.js';

/** One model input or output as TensorFlow.js describes it. */
export interface TfjsIo {
  name: string;
  /** `null` (or -1) for a variable dimension; undefined when unknown. */
  shape?: (number | null)[];
  dtype?: string;
}

/** TensorFlow.js dtype → numpy dtype name. */
export function numpyDtype(dtype: string | undefined): TensorDType {
  switch (dtype) {
    case 'int32':
      return 'int32';
    case 'bool':
      return 'bool';
    case 'string':
      return 'str';
    default:
      return 'float32';
  }
}

function spec(io: TfjsIo): TensorSpec {
  const shape = io.shape ? io.shape.map((d) => (d === null || d === undefined || d < 0 ? -1 : d)) : [-1];
  return { name: io.name, type: 'tensor', 'tensor-spec': { dtype: numpyDtype(io.dtype), shape } };
}

/** Named TensorSpecs for every input and output; -1 for the batch (null) dimensions. */
export function signatureOfIo(inputs: TfjsIo[], outputs: TfjsIo[]): ModelSignature {
  const sig: ModelSignature = { inputs: inputs.map(spec) };
  if (outputs.length > 0) sig.outputs = outputs.map(spec);
  return sig;
}

function tfDtype(dtype: string | undefined): DataType {
  return dtype === 'int32' || dtype === 'bool' || dtype === 'string' ? dtype : 'float32';
}

/** An MLflow tensor as a TensorFlow.js tensor of the dtype the model input expects. */
export function toTfTensor(tf: Tfjs, t: Tensor, expected: TfjsIo): TfTensor {
  const dtype = tfDtype(expected.dtype);
  const values = t.data as ArrayLike<unknown>;
  if (dtype === 'string') return tf.tensor(Array.from(values, String), t.shape, 'string');
  if (dtype === 'bool')
    return tf.tensor(
      Uint8Array.from(values as ArrayLike<number>, (v) => (v ? 1 : 0)),
      t.shape,
      'bool',
    );
  const out = dtype === 'int32' ? new Int32Array(values.length) : new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const n =
      typeof v === 'bigint' ? Number(v) : typeof v === 'boolean' ? Number(v) : v === null ? Number.NaN : Number(v);
    if (typeof v === 'string' && Number.isNaN(n)) {
      throw new MlflowError('INVALID_PARAMETER_VALUE', `Input '${expected.name}' expects ${dtype} values, got '${v}'`);
    }
    out[i] = n;
  }
  return tf.tensor(out, t.shape, dtype);
}

/** The enforced input as one tensor per model input, in the model's input order. */
export function toFeedList(tf: Tfjs, input: EnforcedInput, inputs: TfjsIo[]): TfTensor[] {
  if (input.kind === 'tensors') {
    return inputs.map((io) => {
      const t = input.tensors[io.name] ?? (inputs.length === 1 ? Object.values(input.tensors)[0] : undefined);
      if (!t) {
        throw new MlflowError(
          'INVALID_PARAMETER_VALUE',
          `Missing input '${io.name}'; the model expects [${inputs.map((i) => `'${i.name}'`).join(', ')}], got [${Object.keys(
            input.tensors,
          )
            .map((k) => `'${k}'`)
            .join(', ')}]`,
        );
      }
      return toTfTensor(tf, t, io);
    });
  }
  if (inputs.length !== 1) {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `The TensorFlow.js model has ${inputs.length} inputs [${inputs.map((i) => `'${i.name}'`).join(', ')}]; pass a dict of named inputs instead of a single array`,
    );
  }
  if (input.kind === 'tensor') return [toTfTensor(tf, input.tensor, inputs[0]!)];
  // A DataFrame feeds its values as one [rows, columns] matrix, as Keras' pyfunc does with `.values`.
  const rows = input.rows.length;
  const cols = input.columns.length;
  return [toTfTensor(tf, { dtype: 'float64', shape: [rows, cols], data: input.rows.flat() }, inputs[0]!)];
}

/**
 * The shapes MLflow's onnx flavor answers, so a tfjs model and its ONNX conversion answer alike:
 * tensor input → `{output name: nested list}` for every output, one output included; DataFrame
 * input → rows with one column per output, each output flattened.
 */
export function toPredictionOf(tensors: TfTensor[], outputs: TfjsIo[], inputKind: EnforcedInput['kind']): Prediction {
  const names = tensors.map((_, i) => outputs[i]?.name ?? `output_${i}`);
  if (inputKind === 'dataframe') {
    const columns = tensors.map((t) => Array.from(t.dataSync() as ArrayLike<number>));
    const len = columns[0]?.length ?? 0;
    if (columns.every((c) => c.length === len)) {
      const rows = Array.from({ length: len }, (_, r) => Object.fromEntries(names.map((n, i) => [n, columns[i]?.[r]])));
      return markFloatColumns(
        rows,
        names.filter((_, i) => tensors[i]!.dtype === 'float32'),
      );
    }
  }
  // Float outputs are marked so their JSON says `4.0`, as MLflow's server writes numpy floats.
  return Object.fromEntries(
    tensors.map((t, i) => {
      const value = t.arraySync();
      return [names[i], t.dtype === 'float32' && typeof value === 'object' ? markFloatList(value) : value];
    }),
  );
}
