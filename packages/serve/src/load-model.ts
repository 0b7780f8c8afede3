/**
 * pyfunc-style loading: MLmodel → the flavor the caller's registry knows → a model whose predict
 * enforces the signature (`enforceSchema` / `enforceParams`) before the flavor sees the input.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { MlflowError, checkServingInput, enforceParams, enforceSchema, parseMLmodel, parseSignature } from '@mlflow-ts/format';
import type { EnforcedInput, FlavorRegistry, MLmodel, ModelInput, ModelSignature, Schema, Tensor, TensorDType } from '@mlflow-ts/format';
import { resolveModelUri } from './resolve-model-uri.js';
import { compileFastEnforce } from './tensor-fast-path.js';
import type { ServableModel } from './servable-model.js';

export interface LoadModelOptions {
  registry: FlavorRegistry;
  /** Turns a model URI into a local directory (default: local paths and `file:` only). */
  resolveUri?: (uri: string) => Promise<string>;
}

function signatureOf(mlmodel: MLmodel): ModelSignature | undefined {
  const sig = mlmodel.signature as unknown;
  if (!sig || typeof sig !== 'object') return undefined;
  const s = sig as { inputs?: unknown };
  if (typeof s.inputs === 'string') return parseSignature(sig as Parameters<typeof parseSignature>[0]);
  return Array.isArray(s.inputs) ? (sig as ModelSignature) : undefined;
}

function inferDtype(flat: unknown[]): TensorDType {
  if (flat.every((v) => typeof v === 'boolean')) return 'bool';
  if (flat.every((v) => typeof v === 'number' && Number.isInteger(v))) return 'int64';
  if (flat.every((v) => typeof v === 'number' || v === null)) return 'float64';
  return 'object';
}

/** Without a signature MLflow hands the data over as numpy would build it; so do we. */
function nestedToTensor(v: unknown): Tensor {
  const shape: number[] = [];
  for (let cur = v; Array.isArray(cur); cur = cur[0]) shape.push(cur.length);
  const flat = Array.isArray(v) ? (v as unknown[]).flat(Infinity) : [v];
  const dtype = inferDtype(flat);
  const data =
    dtype === 'float64' ? Float64Array.from(flat, (x) => (x === null ? Number.NaN : (x as number)))
      : dtype === 'int64' ? BigInt64Array.from(flat, (x) => BigInt(x as number))
        : flat;
  return { dtype, shape, data };
}

export function unenforcedInput(input: ModelInput): EnforcedInput {
  if (input.kind === 'dataframe') return input;
  if (input.kind === 'tensor') return { kind: 'tensor', tensor: nestedToTensor(input.value) };
  return { kind: 'tensors', tensors: Object.fromEntries(Object.entries(input.tensors).map(([k, v]) => [k, nestedToTensor(v)])) };
}

async function defaultResolve(uri: string): Promise<string> {
  return resolveModelUri(uri);
}

/** Loads the model at `uri` (a directory, its MLmodel file, `file:`, or whatever `resolveUri` handles). */
export async function loadModel(uri: string, opts: LoadModelOptions): Promise<ServableModel> {
  let dir = await (opts.resolveUri ?? defaultResolve)(uri);
  const st = await stat(dir).catch(() => undefined);
  if (!st) throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `Model path '${dir}' (from '${uri}') does not exist`);
  if (st.isFile() && path.basename(dir) === 'MLmodel') dir = path.dirname(dir);
  const text = await readFile(path.join(dir, 'MLmodel'), 'utf8').catch(() => {
    throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `No MLmodel file in '${dir}' (from '${uri}')`);
  });
  const mlmodel = parseMLmodel(text);
  const flavor = opts.registry.resolve(mlmodel);
  if (!flavor) {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `No flavor can load '${uri}': its MLmodel declares [${Object.keys(mlmodel.flavors).join(', ')}], the registry has [${opts.registry.names().join(', ')}]`,
    );
  }
  const loaded = await flavor.load(dir, mlmodel);
  // The signature is parsed and its tensor shortcut compiled once per model, not per request.
  const signature = signatureOf(mlmodel);
  const fast = signature ? compileFastEnforce(signature.inputs) : undefined;
  // The fast path only answers for inputs the parse-stage checks accept; the rest is checked first.
  const enforceParsed = (input: ModelInput, schema: Schema) => {
    checkServingInput(input, schema);
    return enforceSchema(input, schema);
  };
  const enforce: ServableModel['enforce'] = (input, params) => {
    if (!signature) return { input: unenforcedInput(input) };
    const enforcedParams = signature.params ? enforceParams(params, signature.params) : undefined;
    const enforced = fast?.(input) ?? enforceParsed(input, signature.inputs);
    return enforcedParams ? { input: enforced, params: enforcedParams } : { input: enforced };
  };
  return {
    metadata: mlmodel,
    signature,
    flavor: flavor.name,
    enforce,
    predictEnforced: (input, params) => loaded.predict(input, params),
    predict: async (input, params) => {
      const e = enforce(input, params);
      return loaded.predict(e.input, e.params);
    },
    dispose: async () => {
      await loaded.dispose?.();
    },
  };
}
