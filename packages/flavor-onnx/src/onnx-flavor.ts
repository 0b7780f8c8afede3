/**
 * `onnxFlavor()`: the Flavor plugin for MLmodel's `onnx` section, passed explicitly to a registry.
 */
import type { Flavor } from '@mlflow-ts/format';
import { ONNX_FLAVOR_NAME, OnnxFlavorConfigSchema } from './flavor-config.js';
import type { OnnxFlavorConfig } from './flavor-config.js';
import { loadOnnxFromMLmodel } from './load-model.js';
import type { OnnxLoadOptions } from './load-model.js';
import type { OnnxModelSource } from './model-bytes.js';
import { FLAVOR_ONNX_VERSION, ONNX_PYTHON_VERSION, onnxRuntimeVersion, saveModel } from './save-model.js';
import type { SaveOnnxModelOptions } from './save-model.js';

export interface OnnxFlavorOptions extends OnnxLoadOptions {
  /** Defaults for `save` (MLflow's `onnx_session_options`, `providers`). */
  save?: Pick<SaveOnnxModelOptions, 'sessionOptions' | 'providers'>;
}

export function onnxFlavor(options: OnnxFlavorOptions = {}): Flavor<OnnxModelSource, OnnxFlavorConfig> {
  return {
    specificationVersion: 'v1',
    name: ONNX_FLAVOR_NAME,
    configSchema: OnnxFlavorConfigSchema,
    dependencies: {
      npm: { 'onnxruntime-node': `^${onnxRuntimeVersion()}`, '@mlflow-ts/flavor-onnx': `^${FLAVOR_ONNX_VERSION}` },
      pip: [`onnx==${ONNX_PYTHON_VERSION}`, 'onnxruntime'],
    },
    save: (model, path, saveOptions) => saveModel(model, path, { ...options.save, ...saveOptions }),
    load: (path, mlmodel) => loadOnnxFromMLmodel(path, mlmodel, options),
  };
}
