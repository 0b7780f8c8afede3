/**
 * The flavor plugin contract. A flavor is a factory's product passed in explicitly
 * (`onnxFlavor()`), looked up by name through a `FlavorRegistry` the caller builds; nothing registers
 * itself on import. Written against this interface only, a third-party flavor keeps working as the
 * spec grows: new members are optional and `specificationVersion` names the contract it was written for.
 */
import type { ZodType } from 'zod';
import type { MLmodel } from './mlmodel/index.js';
import type { ModelSignature } from './signature/index.js';
import type { EnforcedInput, Prediction } from './model-input.js';

export interface FlavorDependencies {
  /** npm package name → semver range needed at load time. */
  npm?: Record<string, string>;
  /** pip requirement lines MLflow needs to load the same model in Python. */
  pip?: string[];
}

export interface SaveModelOptions {
  signature?: ModelSignature;
  /** An input example in any form `inferSignature` / `saveInputExample` accept. */
  inputExample?: unknown;
  metadata?: Record<string, unknown>;
}

export interface LoadedModel {
  /** The parsed MLmodel of the directory it was loaded from. */
  readonly metadata: MLmodel;
  /** Input is already enforced against the signature by the caller (see `loadPyfunc`-style wrappers). */
  predict(input: EnforcedInput, params?: Record<string, unknown>): Promise<Prediction>;
  /** Free native resources (sessions, tensors). */
  dispose?(): Promise<void>;
}

export interface Flavor<TModel = unknown, TConfig = Record<string, unknown>> {
  readonly specificationVersion: 'v1';
  /** The MLmodel `flavors` key, e.g. `onnx`. */
  readonly name: string;
  /** Schema of this flavor's section in MLmodel. */
  readonly configSchema: ZodType<TConfig>;
  readonly dependencies?: FlavorDependencies;
  /**
   * Writes `model` into the (empty or absent) directory `path`: data files plus an MLmodel holding
   * this flavor's section. Returns the MLmodel written.
   */
  save(model: TModel, path: string, options?: SaveModelOptions): Promise<MLmodel>;
  /** Loads the model directory at the local path `path`, whose MLmodel is `mlmodel`. */
  load(path: string, mlmodel: MLmodel): Promise<LoadedModel>;
}

/** An explicit registry of flavors, built by the caller. */
export interface FlavorRegistry {
  get(name: string): Flavor | undefined;
  names(): string[];
  /** The first registered flavor that the MLmodel declares, in registration order. */
  resolve(mlmodel: MLmodel): Flavor | undefined;
}

export function createFlavorRegistry(flavors: readonly Flavor<any, any>[]): FlavorRegistry {
  const byName = new Map<string, Flavor>();
  for (const f of flavors) byName.set(f.name, f as Flavor);
  return {
    get: (name) => byName.get(name),
    names: () => [...byName.keys()],
    resolve: (mlmodel) => {
      for (const [name, f] of byName) if (mlmodel.flavors && name in mlmodel.flavors) return f;
      return undefined;
    },
  };
}
