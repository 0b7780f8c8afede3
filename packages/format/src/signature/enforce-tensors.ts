/**
 * Tensor-based schema enforcement (mlflow/models/utils.py `_enforce_tensor_schema`): values become
 * typed tensors of the spec's dtype, and rank and every fixed dimension must match.
 */
import { MlflowError } from '../errors.js';
import type { EnforcedInput, ModelInput, Tensor } from '../model-input.js';
import { inputToFrame, isPlainObject, pyList, type Frame } from './enforce-columns.js';
import { castTensorData, flattenNested, isTensor, isTypedArray, nestedShape } from './tensor-data.js';
import { describeType, pyTuple, type TensorSpec } from './types.js';

function fail(subject: string, spec: TensorSpec, detail: string): MlflowError {
  return MlflowError.invalidParameter(
    `Failed to enforce schema of ${subject} with expected ${describeType(spec)}. ${detail}`,
  );
}

function label(name: string | undefined): string {
  return name === undefined ? 'the unnamed input' : `input '${name}'`;
}

function checkShape(actual: number[], spec: TensorSpec, subject: string): void {
  const expected = spec['tensor-spec'].shape;
  const ok = actual.length === expected.length && expected.every((d, i) => d === -1 || d === actual[i]);
  if (!ok) {
    throw fail(subject, spec, `Shape of input ${pyTuple(actual)} does not match expected shape ${pyTuple(expected)}.`);
  }
}

/** One value (nested list, typed array, Tensor or scalar) → a Tensor matching `spec`. */
export function toTensor(value: unknown, spec: TensorSpec, name: string | undefined): Tensor {
  const { dtype, shape: expected } = spec['tensor-spec'];
  const subject = label(name);
  let shape: number[] | undefined;
  let flat: ArrayLike<unknown>;
  if (isTensor(value)) {
    shape = [...value.shape];
    flat = value.data as ArrayLike<unknown>;
  } else if (isTypedArray(value)) {
    shape = [value.length];
    flat = value as ArrayLike<unknown>;
  } else {
    shape = nestedShape(value);
    if (shape === undefined) {
      // Ragged lists only fit object tensors with a variable inner dimension (MLflow's ragged-array cases).
      if (dtype === 'object' && Array.isArray(value) && (expected.length === 1 || expected.slice(1).includes(-1))) {
        return { dtype, shape: [value.length], data: [...value] };
      }
      throw fail(subject, spec, 'The input is a ragged nested list; expected a rectangular array.');
    }
    flat = flattenNested(value);
  }
  if (dtype === 'object' && expected.length === 1 && expected[0] === -1 && shape.length !== 1) {
    return { dtype, shape, data: Array.from(flat) };
  }
  checkShape(shape, spec, subject);
  try {
    return { dtype, shape, data: castTensorData(flat, dtype, subject) };
  } catch (e) {
    if (MlflowError.isInstance(e)) throw fail(subject, spec, e.message);
    throw e;
  }
}

/** A frame column for a tensor input: scalars need shape (-1,)/(-1, 1); lists are stacked and reshaped. */
function columnToTensor(values: unknown[], spec: TensorSpec, name: string | undefined): Tensor {
  const expected = spec['tensor-spec'].shape;
  const subject = label(name);
  if (expected[0] !== -1 || expected.slice(1).includes(-1)) {
    throw fail(
      subject,
      spec,
      `For pandas dataframe input, the first dimension of shape must be a variable dimension and other dimensions must be fixed, but in model signature the shape of ${subject} is ${pyTuple(expected)}.`,
    );
  }
  if (values.length > 0 && (Array.isArray(values[0]) || isTypedArray(values[0]))) {
    const inner = expected.slice(1);
    const size = inner.reduce((a, b) => a * b, 1);
    const rows = values.map((v) => flattenNested(v));
    if (rows.some((r) => r.length !== size)) {
      throw fail(
        subject,
        spec,
        `The value in the Input DataFrame column '${name ?? 0}' could not be converted to the expected shape of: '${pyTuple(expected)}'. Ensure that each of the input list elements are of uniform length.`,
      );
    }
    return toTensor(
      { dtype: spec['tensor-spec'].dtype, shape: [values.length, ...inner], data: rows.flat() },
      spec,
      name,
    );
  }
  if (expected.length === 1) return toTensor(values, spec, name);
  if (expected.length === 2 && expected[1] === 1)
    return toTensor(
      values.map((v) => [v]),
      spec,
      name,
    );
  throw fail(
    subject,
    spec,
    `The input pandas dataframe column '${name ?? 0}' contains scalar values, which requires the shape to be (-1,) or (-1, 1), but got tensor spec shape of ${pyTuple(expected)}.`,
  );
}

function frameToTensors(frame: Frame, specs: TensorSpec[]): EnforcedInput {
  if (frame.rows.length === 0)
    throw MlflowError.invalidParameter(
      `Input DataFrame is empty (expected ${specs.map((s) => describeType(s)).join(', ')}).`,
    );
  const column = (i: number) => frame.rows.map((r) => r[i]);
  if (specs[0]!.name !== undefined) {
    const tensors: Record<string, Tensor> = {};
    for (const s of specs) tensors[s.name!] = columnToTensor(column(frame.columns.indexOf(s.name!)), s, s.name);
    return { kind: 'tensors', tensors };
  }
  const spec = specs[0]!;
  if (frame.columns.length === 1) return { kind: 'tensor', tensor: columnToTensor(column(0), spec, undefined) };
  const expected = spec['tensor-spec'].shape;
  if (expected.length !== 2 || expected[0] !== -1 || expected[1] !== frame.columns.length) {
    throw fail(
      'the unnamed input',
      spec,
      `Since the input data is a DataFrame with ${frame.columns.length} columns, the input shape must be of the structure (-1, ${frame.columns.length}), but it is ${pyTuple(expected)}.`,
    );
  }
  return { kind: 'tensor', tensor: toTensor(frame.rows, spec, undefined) };
}

export function enforceTensorSchema(input: ModelInput, specs: TensorSpec[]): EnforcedInput {
  const named = specs[0]!.name !== undefined;
  const names = specs.map((s) => s.name!);
  let dict: Record<string, unknown> | undefined;
  if (input.kind === 'tensors') dict = input.tensors;
  else if (input.kind === 'tensor' && named && specs.length === 1) dict = { [names[0]!]: input.value };
  else if (input.kind === 'tensor' && named && isPlainObject(input.value)) dict = input.value;

  if (input.kind === 'dataframe') {
    if (named) {
      const missing = names.filter((n) => !input.columns.includes(n));
      if (missing.length > 0)
        throw MlflowError.invalidParameter(
          `Model is missing inputs ${pyList(missing)}.${extraNote(input.columns, names)}`,
        );
    }
    return frameToTensors(inputToFrame(input, []), specs);
  }
  if (!named) {
    if (input.kind !== 'tensor') {
      throw MlflowError.invalidParameter(
        `This model contains a tensor-based model signature with no input names (expected ${describeType(specs[0]!)}), which suggests a numpy array input, but a dict of inputs ${pyList(Object.keys(input.tensors))} was found.`,
      );
    }
    return { kind: 'tensor', tensor: toTensor(input.value, specs[0]!, undefined) };
  }
  if (dict === undefined) {
    throw MlflowError.invalidParameter(
      `This model contains a tensor-based model signature with input names ${pyList(names)}, which suggests a dictionary input mapping input name to tensor, but a single unnamed value was found.`,
    );
  }
  const missing = names.filter((n) => dict![n] === undefined || dict![n] === null);
  if (missing.length > 0)
    throw MlflowError.invalidParameter(
      `Model is missing inputs ${pyList(missing)}.${extraNote(Object.keys(dict), names)}`,
    );
  const tensors: Record<string, Tensor> = {};
  for (const s of specs) tensors[s.name!] = toTensor(dict[s.name!], s, s.name);
  return { kind: 'tensors', tensors };
}

function extraNote(actual: string[], names: string[]): string {
  const extra = actual.filter((c) => !names.includes(c));
  return extra.length > 0 ? ` Note that there were extra inputs: ${pyList(extra)}` : '';
}
