/**
 * The flavors the CLI can load and save, built explicitly (nothing registers itself on import).
 */
import { createFlavorRegistry } from '@mlflow-ts/format';
import type { Flavor, FlavorRegistry } from '@mlflow-ts/format';
import { onnxFlavor } from '@mlflow-ts/flavor-onnx';
import { UsageError } from '../../usage-error.js';

export function cliFlavors(): Flavor<any, any>[] {
  return [onnxFlavor()];
}

export function cliFlavorRegistry(): FlavorRegistry {
  return createFlavorRegistry(cliFlavors());
}

export function flavorByName(name: string): Flavor<any, any> {
  const f = cliFlavorRegistry().get(name);
  if (!f) throw new UsageError(`Unknown flavor '${name}'; available: ${cliFlavorRegistry().names().join(', ')}`);
  return f;
}
