/**
 * The `tfjs` section of MLmodel (ours: MLflow has no TensorFlow.js flavor), registered with format's
 * plugin-schema mechanism (`configSchema`) like any third-party flavor's. Loose: unknown keys are kept.
 */
import { z } from 'zod';

export const TFJS_FLAVOR_NAME = 'tfjs';

export const TfjsFlavorConfigSchema = z.looseObject({
  tfjs_version: z.string(),
  /** Which TensorFlow.js loader reads `model.json`: `loadLayersModel` or `loadGraphModel`. */
  model_type: z.enum(['layers-model', 'graph-model']),
  /** Model-relative path of `model.json`, or of the directory holding it. */
  data: z.string(),
});
export type TfjsFlavorConfig = z.infer<typeof TfjsFlavorConfigSchema>;
