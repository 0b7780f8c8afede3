/**
 * This flavor's section in MLmodel (`flavors.linear`). It records enough to check model.json
 * against before predicting. Loose, like every MLmodel object: keys a newer version of this flavor
 * adds survive a read → write by an older one.
 */
import { z } from 'zod';
import { LINEAR_ACTIVATIONS } from './linear-model.js';

export const LINEAR_FLAVOR_NAME = 'linear';
/** Bumped when model.json's layout changes; `load` refuses versions it does not know. */
export const LINEAR_FORMAT_VERSION = 1;
export const LINEAR_DATA_FILE = 'model.json';

export const LinearFlavorConfigSchema = z.looseObject({
  format_version: z.literal(LINEAR_FORMAT_VERSION),
  /** Model-relative path of the JSON file holding weights, bias and activation. */
  data: z.string().min(1),
  activation: z.enum(LINEAR_ACTIVATIONS),
  n_features: z.number().int().positive(),
  n_outputs: z.number().int().positive(),
});
export type LinearFlavorConfig = z.infer<typeof LinearFlavorConfigSchema>;
