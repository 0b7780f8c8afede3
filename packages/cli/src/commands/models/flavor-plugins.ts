/**
 * Third-party flavors named on the command line (`--flavor <package-or-path>`): the module is
 * imported at run time, so a flavor published as its own npm package works with the stock CLI.
 * A module may export the flavor as its default export or as `flavor`, either as a factory
 * (`() => Flavor`, the convention) or as the Flavor object itself.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Flavor } from '@mlflow-ts/format';
import { UsageError } from '../../usage-error.js';

/** A path (`./x.js`, `/abs/x.js`, `C:\x.js`, `file:` URL) rather than a package name. */
export function isModulePath(spec: string): boolean {
  return spec.startsWith('.') || spec.startsWith('file:') || path.isAbsolute(spec) || /^[a-zA-Z]:[\\/]/.test(spec);
}

function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The URL to import for `spec`: paths against `cwd`, package names resolved from `cwd` (as `node` would). */
export function flavorModuleUrl(spec: string, cwd: string = process.cwd()): string {
  if (spec.startsWith('file:')) return spec;
  if (isModulePath(spec)) return pathToFileURL(path.resolve(cwd, spec)).href;
  try {
    return pathToFileURL(createRequire(path.join(cwd, '__mlflow_ts_flavor__.js')).resolve(spec)).href;
  } catch (e) {
    // An ESM-only package (exports with an "import" condition only) cannot be resolved by require:
    // let import() try it from here, where the CLI's own node_modules are also visible.
    if (errorCode(e) === 'ERR_PACKAGE_PATH_NOT_EXPORTED') return spec;
    throw new UsageError(
      `Cannot find flavor module '${spec}' from ${cwd}: install it there, or pass a path to its entry file`,
    );
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  return Array.isArray(v) ? 'an array' : typeof v;
}

/** Checks that `v` is a Flavor this CLI can drive; the message names the module and what is wrong. */
export function asFlavor(v: unknown, spec: string): Flavor<any, any> {
  if (!v || typeof v !== 'object') throw new UsageError(`Flavor module '${spec}' exports ${describe(v)}, not a flavor`);
  const f = v as Partial<Flavor> & Record<string, unknown>;
  if (f.specificationVersion !== 'v1') {
    throw new UsageError(
      f.specificationVersion === undefined
        ? `Flavor module '${spec}' exports an object without specificationVersion: not a flavor`
        : `Flavor module '${spec}' is written for flavor specification '${String(f.specificationVersion)}'; this CLI supports 'v1'`,
    );
  }
  const missing = (['name', 'save', 'load'] as const).filter((k) =>
    k === 'name' ? typeof f.name !== 'string' || !f.name : typeof f[k] !== 'function',
  );
  if (missing.length > 0)
    throw new UsageError(`Flavor module '${spec}' exports a flavor without ${missing.join(', ')}`);
  return f as Flavor<any, any>;
}

/** The flavor a module exports: default, else `flavor` (looking once inside a CommonJS module's default). */
export function flavorFromModule(mod: Record<string, unknown>, spec: string): Flavor<any, any> {
  let candidate = mod.default ?? mod.flavor;
  const inner = candidate as Record<string, unknown> | undefined;
  if (
    inner &&
    typeof inner === 'object' &&
    !('specificationVersion' in inner) &&
    (inner.default ?? inner.flavor) !== undefined
  ) {
    candidate = inner.default ?? inner.flavor;
  }
  if (candidate === undefined) {
    throw new UsageError(
      `Flavor module '${spec}' has neither a default export nor a 'flavor' export (it exports: ${Object.keys(mod).join(', ') || 'nothing'})`,
    );
  }
  let value: unknown = candidate;
  if (typeof value === 'function') {
    try {
      value = (value as () => unknown)();
    } catch (e) {
      throw new UsageError(
        `Flavor module '${spec}': its flavor factory threw: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
  return asFlavor(value, spec);
}

/** Imports `spec` (a package name or a path, relative to `cwd`) and returns the flavor it exports. */
export async function loadFlavorModule(spec: string, cwd: string = process.cwd()): Promise<Flavor<any, any>> {
  const url = flavorModuleUrl(spec, cwd);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new UsageError(`Cannot import flavor module '${spec}': ${why}`);
  }
  return flavorFromModule(mod, spec);
}

/** Every `--flavor` module, in the order given. */
export async function loadFlavorModules(specs: readonly string[], cwd?: string): Promise<Flavor<any, any>[]> {
  const out: Flavor<any, any>[] = [];
  for (const spec of specs) out.push(await loadFlavorModule(spec, cwd));
  return out;
}
