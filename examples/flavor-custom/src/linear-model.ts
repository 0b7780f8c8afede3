/**
 * The model this flavor saves: a linear map `y = activation(x · W + b)`, stored as JSON. With
 * `identity` it is a linear regression, with `sigmoid` a binary (or multi-label) logistic regression,
 * with `softmax` a multinomial one. `weights[i][j]` is the weight of input feature i for output j.
 */
import { MlflowError } from '@mlflow-ts/format';
import { z } from 'zod';

export const LINEAR_ACTIVATIONS = ['identity', 'sigmoid', 'softmax'] as const;
export type LinearActivation = (typeof LINEAR_ACTIVATIONS)[number];

export const LinearModelSchema = z.object({
  /** `[n_features][n_outputs]`. */
  weights: z.array(z.array(z.number())),
  /** `[n_outputs]`. */
  bias: z.array(z.number()),
  activation: z.enum(LINEAR_ACTIVATIONS),
});
export type LinearModel = z.infer<typeof LinearModelSchema>;

/** Checks shape and values; returns the model with its dimensions. Throws INVALID_PARAMETER_VALUE. */
export function checkLinearModel(model: unknown): { model: LinearModel; nFeatures: number; nOutputs: number } {
  const parsed = LinearModelSchema.safeParse(model);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? `field '${issue.path.join('.')}'` : 'value';
    // zod's z.number() already refuses NaN and ±Infinity.
    throw MlflowError.invalidParameter(
      `Not a linear model: ${where} is invalid: ${issue.message.replace(/^Invalid input: /, '')}`,
    );
  }
  const m = parsed.data;
  const nFeatures = m.weights.length;
  const nOutputs = m.bias.length;
  if (nFeatures === 0)
    throw MlflowError.invalidParameter('Not a linear model: weights has no rows (n_features must be at least 1)');
  if (nOutputs === 0)
    throw MlflowError.invalidParameter('Not a linear model: bias is empty (n_outputs must be at least 1)');
  m.weights.forEach((row, i) => {
    if (row.length !== nOutputs) {
      throw MlflowError.invalidParameter(
        `Not a linear model: weights[${i}] has ${row.length} values but bias has ${nOutputs}`,
      );
    }
  });
  if (m.activation === 'softmax' && nOutputs < 2) {
    throw MlflowError.invalidParameter(`Not a linear model: softmax needs at least 2 outputs, bias has ${nOutputs}`);
  }
  return { model: m, nFeatures, nOutputs };
}

function activate(out: Float64Array, activation: LinearActivation): void {
  if (activation === 'sigmoid') {
    for (let j = 0; j < out.length; j++) out[j] = 1 / (1 + Math.exp(-out[j]!));
  } else if (activation === 'softmax') {
    // Subtracting the max keeps exp() from overflowing on large logits.
    const max = Math.max(...out);
    let sum = 0;
    for (let j = 0; j < out.length; j++) sum += out[j] = Math.exp(out[j]! - max);
    for (let j = 0; j < out.length; j++) out[j] = out[j]! / sum;
  }
}

/**
 * Applies the model to `nRows` rows of `features` (row-major, `nRows × n_features`); returns the
 * outputs row-major, `nRows × n_outputs`.
 */
export function predictLinear(model: LinearModel, features: Float64Array, nRows: number): Float64Array {
  const nFeatures = model.weights.length;
  const nOutputs = model.bias.length;
  const result = new Float64Array(nRows * nOutputs);
  for (let r = 0; r < nRows; r++) {
    const out = result.subarray(r * nOutputs, (r + 1) * nOutputs);
    out.set(model.bias);
    for (let i = 0; i < nFeatures; i++) {
      const x = features[r * nFeatures + i]!;
      const w = model.weights[i]!;
      for (let j = 0; j < nOutputs; j++) out[j] = out[j]! + x * w[j]!;
    }
    activate(out, model.activation);
  }
  return result;
}
