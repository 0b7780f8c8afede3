/**
 * The MLmodel `signature` section: `{inputs, outputs, params}`, each a JSON string (or null) written
 * by Python's json.dumps (mlflow/models/signature.py `ModelSignature.to_dict` / `from_dict`).
 */
import { z } from 'zod';
import { MlflowError } from '../errors.js';
import { parseParamSchemaJson, paramSchemaToJson, parseSchemaJson, schemaToJson } from './schema-json.js';
import type { ModelSignature } from './types.js';

/** Zod schema of the MLmodel `signature` mapping; unknown keys are kept. */
export const SignatureDictSchema = z.looseObject({
  inputs: z.string().nullish(),
  outputs: z.string().nullish(),
  params: z.string().nullish(),
});
export type SignatureDict = z.infer<typeof SignatureDictSchema>;

export function parseSignature(dict: {
  inputs?: string | null;
  outputs?: string | null;
  params?: string | null;
}): ModelSignature {
  const parsed = SignatureDictSchema.safeParse(dict);
  if (!parsed.success) {
    throw MlflowError.invalidParameter(
      `Invalid signature: inputs, outputs and params must be JSON strings or null. ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const { inputs, outputs, params } = parsed.data;
  if (inputs === undefined || inputs === null) {
    throw MlflowError.invalidParameter(
      'Invalid signature: it has no inputs schema (signatures without inputs are not supported).',
    );
  }
  const sig: ModelSignature = { inputs: parseSchemaJson(inputs) };
  if (outputs !== undefined && outputs !== null) sig.outputs = parseSchemaJson(outputs);
  if (params !== undefined && params !== null) sig.params = parseParamSchemaJson(params);
  return sig;
}

/** The MLmodel `signature` section, byte-compatible with MLflow (`params: null` when absent). */
export function signatureToDict(sig: ModelSignature): {
  inputs: string;
  outputs: string | null;
  params: string | null;
} {
  return {
    inputs: schemaToJson(sig.inputs),
    outputs: sig.outputs ? schemaToJson(sig.outputs) : null,
    params: sig.params && sig.params.length > 0 ? paramSchemaToJson(sig.params) : null,
  };
}
