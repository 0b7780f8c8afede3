/**
 * Turns what `predict` receives (an EnforcedInput, already checked against the signature by the
 * caller) into a row-major float64 feature matrix. Tensors must be `[rows, n_features]`; a data frame
 * must have `n_features` numeric columns, taken in the order given (schema enforcement has already put
 * them in signature order).
 */
import { MlflowError, fromHalfBits } from '@mlflow-ts/format';
import type { EnforcedInput, Tensor } from '@mlflow-ts/format';

export interface FeatureMatrix {
  features: Float64Array;
  nRows: number;
}

function toFeature(v: unknown, where: () => string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  const shown =
    typeof v === 'string'
      ? `the string '${v}'`
      : v === null || v === undefined
        ? String(v)
        : `a value of type ${typeof v}`;
  throw MlflowError.invalidParameter(`The linear flavor needs numeric features; ${where()} is ${shown}`);
}

function fromTensor(tensor: Tensor, nFeatures: number, name?: string): FeatureMatrix {
  const label = name === undefined ? 'the input tensor' : `input tensor '${name}'`;
  if (tensor.shape.length !== 2 || tensor.shape[1] !== nFeatures) {
    throw MlflowError.invalidParameter(
      `The linear flavor needs ${label} shaped [rows, ${nFeatures}], got [${tensor.shape.join(', ')}]`,
    );
  }
  const nRows = tensor.shape[0]!;
  const data = Array.from(tensor.data as ArrayLike<unknown>);
  if (data.length !== nRows * nFeatures) {
    throw MlflowError.invalidParameter(
      `${label} has ${data.length} values but its shape [${tensor.shape.join(', ')}] needs ${nRows * nFeatures}`,
    );
  }
  // float16 tensors carry IEEE half bits in a Uint16Array (there is no Float16Array in Node 20).
  const half = tensor.dtype === 'float16' && tensor.data instanceof Uint16Array;
  const features = Float64Array.from(data, (v, k) =>
    half ? fromHalfBits(v as number) : toFeature(v, () => `element ${k} of ${label}`),
  );
  return { features, nRows };
}

export function inputFeatures(input: EnforcedInput, nFeatures: number): FeatureMatrix {
  if (input.kind === 'tensor') return fromTensor(input.tensor, nFeatures);
  if (input.kind === 'tensors') {
    const names = Object.keys(input.tensors);
    if (names.length !== 1) {
      throw MlflowError.invalidParameter(
        `The linear flavor takes one input tensor, got ${names.length}: [${names.join(', ')}]`,
      );
    }
    return fromTensor(input.tensors[names[0]!]!, nFeatures, names[0]);
  }
  if (input.columns.length !== nFeatures) {
    throw MlflowError.invalidParameter(
      `The linear flavor needs ${nFeatures} feature columns, got ${input.columns.length}: [${input.columns.join(', ')}]`,
    );
  }
  const features = new Float64Array(input.rows.length * nFeatures);
  input.rows.forEach((row, r) => {
    if (row.length !== nFeatures)
      throw MlflowError.invalidParameter(`Row ${r} has ${row.length} values, expected ${nFeatures}`);
    row.forEach((v, i) => {
      features[r * nFeatures + i] = toFeature(v, () => `column '${input.columns[i]}' in row ${r}`);
    });
  });
  return { features, nRows: input.rows.length };
}
