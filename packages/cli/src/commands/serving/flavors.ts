/**
 * The flavors the CLI can load and save, built explicitly (nothing registers itself on import).
 */
import { createFlavorRegistry } from '@mlflow-ts/format';
import type { Flavor, FlavorRegistry } from '@mlflow-ts/format';
import { onnxFlavor } from '@mlflow-ts/flavor-onnx';
import { tfjsFlavor } from '@mlflow-ts/flavor-tfjs';
import { UsageError } from '../../usage-error.js';

export function cliFlavors(): Flavor<any, any>[] {
  // Both runtimes load lazily, so listing a flavor costs nothing until a model of it is loaded.
  return [onnxFlavor(), tfjsFlavor()];
}

export function cliFlavorRegistry(): FlavorRegistry {
  return createFlavorRegistry(cliFlavors());
}

export function flavorByName(name: string): Flavor<any, any> {
  const f = cliFlavorRegistry().get(name);
  if (!f) throw new UsageError(`Unknown flavor '${name}'; available: ${cliFlavorRegistry().names().join(', ')}`);
  return f;
}
