/**
 * `tfjsFlavor()`: the Flavor plugin for MLmodel's `tfjs` section, passed explicitly to a registry.
 */
import type { Flavor } from '@mlflow-ts/format';
import { TFJS_FLAVOR_NAME, TfjsFlavorConfigSchema } from './flavor-config.js';
import type { TfjsFlavorConfig } from './flavor-config.js';
import { loadTfjsFromMLmodel } from './load-model.js';
import type { TfjsModelSource } from './model-source.js';
import { FLAVOR_TFJS_VERSION, saveModel, tfjsVersion } from './save-model.js';

export function tfjsFlavor(): Flavor<TfjsModelSource, TfjsFlavorConfig> {
  return {
    specificationVersion: 'v1',
    name: TFJS_FLAVOR_NAME,
    configSchema: TfjsFlavorConfigSchema,
    dependencies: {
      npm: { '@tensorflow/tfjs': `^${tfjsVersion()}`, '@mlflow-ts/flavor-tfjs': `^${FLAVOR_TFJS_VERSION}` },
    },
    save: (model, path, options) => saveModel(model, path, options),
    load: (path, mlmodel) => loadTfjsFromMLmodel(path, mlmodel),
  };
}
