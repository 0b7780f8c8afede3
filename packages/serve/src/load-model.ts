/**
 * pyfunc-style loading: MLmodel → the flavor the caller's registry knows → a model whose predict
 * enforces the signature (`enforceSchema` / `enforceParams`) before the flavor sees the input.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  MLMODEL_FILE_NAME,
  MlflowError,
  checkServingInput,
  enforceParams,
  enforceSchema,
  parseMLmodel,
  parseSignature,
} from '@mlflow-ts/format';
import type {
  EnforcedInput,
  FlavorRegistry,
  LoadedModel,
  MLmodel,
  ModelInput,
  ModelSignature,
  ModelUriStores,
  Schema,
  Tensor,
  TensorDType,
} from '@mlflow-ts/format';
import { downloadModel } from '@mlflow-ts/format/node';
import { compileFastEnforce } from './tensor-fast-path.js';
import type { ServableModel } from './servable-model.js';

export interface LoadModelOptions {
  registry: FlavorRegistry;
  /** The stores `runs:/` and `models:/` URIs resolve through (format's `downloadModel`); local paths need none. */
  stores?: ModelUriStores;
  /** Where a remote model is downloaded to while it loads (default: the OS temp dir); removed after loading. */
  tmpDir?: string;
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
    dtype === 'float64'
      ? Float64Array.from(flat, (x) => (x === null ? Number.NaN : (x as number)))
      : dtype === 'int64'
        ? BigInt64Array.from(flat, (x) => BigInt(x as number))
        : flat;
  return { dtype, shape, data };
}

export function unenforcedInput(input: ModelInput): EnforcedInput {
  if (input.kind === 'dataframe') return input;
  if (input.kind === 'tensor') return { kind: 'tensor', tensor: nestedToTensor(input.value) };
  return {
    kind: 'tensors',
    tensors: Object.fromEntries(Object.entries(input.tensors).map(([k, v]) => [k, nestedToTensor(v)])),
  };
}

/**
 * Loads the model at `uri` (a directory, its MLmodel file, `file:`, `runs:/`, `models:/`, or any
 * artifact URI `stores.artifacts` opens). A downloaded copy is removed once the flavor has loaded it.
 */
export async function loadModel(uri: string, opts: LoadModelOptions): Promise<ServableModel> {
  const local = await downloadModel(uri, opts.stores ?? {}, opts.tmpDir !== undefined ? { tmpDir: opts.tmpDir } : {});
  let mlmodel: MLmodel;
  let loaded: LoadedModel;
  let flavorName: string;
  try {
    mlmodel = parseMLmodel(await readFile(path.join(local.dir, MLMODEL_FILE_NAME), 'utf8'));
    const flavor = opts.registry.resolve(mlmodel);
    if (!flavor) {
      throw new MlflowError(
        'INVALID_PARAMETER_VALUE',
        `No flavor can load '${uri}': its MLmodel declares [${Object.keys(mlmodel.flavors).join(', ')}], the registry has [${opts.registry.names().join(', ')}]`,
      );
    }
    flavorName = flavor.name;
    loaded = await flavor.load(local.dir, mlmodel);
  } finally {
    await local.cleanup();
  }
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
    flavor: flavorName,
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
