/**
 * The flavors the CLI can load and save, built explicitly (nothing registers itself on import):
 * the built-in onnx and tfjs flavors plus any third-party flavor modules named with `--flavor`.
 */
import { createFlavorRegistry } from '@mlflow-ts/format';
import type { Flavor, FlavorRegistry } from '@mlflow-ts/format';
import { onnxFlavor } from '@mlflow-ts/flavor-onnx';
import { tfjsFlavor } from '@mlflow-ts/flavor-tfjs';
import type { Command } from 'commander';
import { collect } from '../../options.js';
import { UsageError } from '../../usage-error.js';
import { isModulePath, loadFlavorModule, loadFlavorModules } from './flavor-plugins.js';

export function cliFlavors(): Flavor<any, any>[] {
  // Both runtimes load lazily, so listing a flavor costs nothing until a model of it is loaded.
  return [onnxFlavor(), tfjsFlavor()];
}

/**
 * The built-in flavors plus `extra`. Extra flavors come first: a model declaring several flavors
 * is loaded by the one the user named, and a plugin may replace a built-in flavor of the same name.
 */
export function cliFlavorRegistry(extra: readonly Flavor<any, any>[] = []): FlavorRegistry {
  const names = new Set(extra.map((f) => f.name));
  return createFlavorRegistry([...extra, ...cliFlavors().filter((f) => !names.has(f.name))]);
}

/** `--flavor` values of serve/predict: built-in names are accepted (and change nothing), the rest are modules. */
export async function flavorRegistryFor(specs: readonly string[] = []): Promise<FlavorRegistry> {
  const builtIn = new Set(cliFlavors().map((f) => f.name));
  return cliFlavorRegistry(await loadFlavorModules(specs.filter((s) => !builtIn.has(s))));
}

export function flavorByName(name: string): Flavor<any, any> {
  const f = cliFlavorRegistry().get(name);
  if (!f)
    throw new UsageError(
      `Unknown flavor '${name}'; available: ${cliFlavorRegistry().names().join(', ')} (or a flavor package name or path)`,
    );
  return f;
}

/** `models save --flavor`: a built-in flavor name, else a flavor module (package name or path). */
export async function saveFlavor(nameOrModule: string): Promise<{ flavor: Flavor<any, any>; builtIn: boolean }> {
  const builtIn = cliFlavorRegistry().get(nameOrModule);
  if (builtIn && !isModulePath(nameOrModule)) return { flavor: builtIn, builtIn: true };
  return { flavor: await loadFlavorModule(nameOrModule), builtIn: false };
}

/** `--env-manager` (MLflow's; only `local`) and `--flavor` (repeatable), for the commands that load models. */
export function withModelLoadingOptions(cmd: Command): Command {
  return cmd
    .option('--env-manager <manager>', "accepted for MLflow compatibility; only 'local' is supported", 'local')
    .option('--flavor <module>', 'also load models of this flavor package or module path (repeatable)', collect, []);
}
