/**
 * mlflow-ts-flavor-linear — an example third-party flavor: linear / logistic regression stored as
 * JSON. Built only on `@mlflow-ts/format`'s public API; see README.md for how to write your own.
 */
import { linearFlavor } from './linear-flavor.js';

export { LINEAR_PACKAGE_NAME, LINEAR_PACKAGE_VERSION, linearFlavor } from './linear-flavor.js';
export {
  LINEAR_DATA_FILE,
  LINEAR_FLAVOR_NAME,
  LINEAR_FORMAT_VERSION,
  LinearFlavorConfigSchema,
} from './linear-config.js';
export type { LinearFlavorConfig } from './linear-config.js';
export { LINEAR_ACTIVATIONS, LinearModelSchema, checkLinearModel, predictLinear } from './linear-model.js';
export type { LinearActivation, LinearModel } from './linear-model.js';

/**
 * The names a plugin loader (the CLI's `--flavor <package-or-path>`) looks for: a default export
 * that is the factory, or a named `flavor` factory.
 */
export const flavor = linearFlavor;
export default linearFlavor;
