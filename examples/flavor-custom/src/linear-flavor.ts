/**
 * `linearFlavor()`: a third-party Flavor built only on `@mlflow-ts/format`'s public API. `save`
 * writes model.json, then (through `@mlflow-ts/format/node`'s `writeModelFiles`) an MLmodel with
 * the `linear` section and a signature, and node_env.json naming this package; `load` checks model.json against that section and predicts in plain TypeScript.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { MlflowError, inferSignature, saveInputExample, toPrediction, validateMLmodel } from '@mlflow-ts/format';
import { assertEmptyModelDir, writeModelFiles } from '@mlflow-ts/format/node';
import type { Flavor, LoadedModel, MLmodel, ModelSignature, SaveModelOptions } from '@mlflow-ts/format';
import { inputFeatures } from './input-features.js';
import {
  LINEAR_DATA_FILE,
  LINEAR_FLAVOR_NAME,
  LINEAR_FORMAT_VERSION,
  LinearFlavorConfigSchema,
} from './linear-config.js';
import type { LinearFlavorConfig } from './linear-config.js';
import { checkLinearModel, predictLinear } from './linear-model.js';
import type { LinearModel } from './linear-model.js';

/** This package, as node_env.json names it so a loader knows what to install. */
export const LINEAR_PACKAGE_NAME = 'mlflow-ts-flavor-linear';
// Read at runtime so the version recorded is the one that wrote the model (src/ and dist/ sit beside package.json).
export const LINEAR_PACKAGE_VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string })
  .version;

/** Float64 tensors `[-1, n_features]` in, `[-1]` (one output) or `[-1, n_outputs]` out. */
function defaultSignature(nFeatures: number, nOutputs: number): ModelSignature {
  return {
    inputs: [{ type: 'tensor', 'tensor-spec': { dtype: 'float64', shape: [-1, nFeatures] } }],
    outputs: [{ type: 'tensor', 'tensor-spec': { dtype: 'float64', shape: nOutputs === 1 ? [-1] : [-1, nOutputs] } }],
  };
}

async function save(model: LinearModel, dir: string, options: SaveModelOptions = {}): Promise<MLmodel> {
  // Check everything before the first write, so a bad model leaves nothing behind.
  const { model: checked, nFeatures, nOutputs } = checkLinearModel(model);
  await assertEmptyModelDir(dir);
  // Turns the example into MLflow's files here only to refuse a bad one before anything is written.
  if (options.inputExample !== undefined) saveInputExample(options.inputExample);
  const signature =
    options.signature ??
    (options.inputExample === undefined
      ? defaultSignature(nFeatures, nOutputs)
      : {
          inputs: inferSignature(options.inputExample).inputs,
          outputs: defaultSignature(nFeatures, nOutputs).outputs,
        });

  await mkdir(dir, { recursive: true });
  const { weights, bias, activation } = checked;
  await writeFile(path.join(dir, LINEAR_DATA_FILE), `${JSON.stringify({ weights, bias, activation })}\n`);
  const config: LinearFlavorConfig = {
    format_version: LINEAR_FORMAT_VERSION,
    data: LINEAR_DATA_FILE,
    activation,
    n_features: nFeatures,
    n_outputs: nOutputs,
  };
  return writeModelFiles(dir, {
    flavors: { [LINEAR_FLAVOR_NAME]: config },
    signature,
    inputExample: options.inputExample,
    metadata: options.metadata,
    npmDependencies: { [LINEAR_PACKAGE_NAME]: LINEAR_PACKAGE_VERSION },
  });
}

async function readModelJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw MlflowError.notFound(`Linear model data '${file}' cannot be read: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw MlflowError.invalidParameter(`Linear model data '${file}' is not JSON: ${(e as Error).message}`);
  }
}

async function load(dir: string, mlmodel: MLmodel): Promise<LoadedModel> {
  if (!mlmodel.flavors?.[LINEAR_FLAVOR_NAME]) {
    throw MlflowError.invalidParameter(
      `MLmodel in '${dir}' has no '${LINEAR_FLAVOR_NAME}' flavor (it has [${Object.keys(mlmodel.flavors ?? {}).join(', ')}])`,
    );
  }
  // Names the offending field, e.g. "MLmodel field 'flavors.linear.data' is missing".
  const config = validateMLmodel(mlmodel, { [LINEAR_FLAVOR_NAME]: LinearFlavorConfigSchema }).flavors[
    LINEAR_FLAVOR_NAME
  ] as LinearFlavorConfig;
  const root = path.resolve(dir);
  const file = path.resolve(root, config.data);
  // The MLmodel may come from anywhere: keep `data` inside the model directory.
  if (path.relative(root, file).startsWith('..') || path.isAbsolute(path.relative(root, file))) {
    throw MlflowError.invalidParameter(
      `flavors.${LINEAR_FLAVOR_NAME}.data '${config.data}' points outside the model directory`,
    );
  }
  const { model, nFeatures, nOutputs } = checkLinearModel(await readModelJson(file));
  if (nFeatures !== config.n_features || nOutputs !== config.n_outputs || model.activation !== config.activation) {
    throw MlflowError.invalidParameter(
      `'${config.data}' holds a ${nFeatures}→${nOutputs} ${model.activation} model but MLmodel declares ` +
        `${config.n_features}→${config.n_outputs} ${config.activation}`,
    );
  }
  return {
    metadata: mlmodel,
    async predict(input) {
      const { features, nRows } = inputFeatures(input, nFeatures);
      const out = predictLinear(model, features, nRows);
      return toPrediction({ dtype: 'float64', shape: nOutputs === 1 ? [nRows] : [nRows, nOutputs], data: out });
    },
  };
}

/** The `linear` flavor. Pass it to `createFlavorRegistry([...])`; nothing registers itself. */
export function linearFlavor(): Flavor<LinearModel, LinearFlavorConfig> {
  return {
    specificationVersion: 'v1',
    name: LINEAR_FLAVOR_NAME,
    configSchema: LinearFlavorConfigSchema,
    dependencies: { npm: { [LINEAR_PACKAGE_NAME]: `^${LINEAR_PACKAGE_VERSION}` } },
    save,
    load,
  };
}
