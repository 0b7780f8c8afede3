/**
 * The model-registry conformance suite:
 *
 *   runRegistryStoreConformance('fs', async () => ({ store: createFsRegistryStore({ root }), cleanup }));
 *
 * `setup` runs once and should give a fresh store; every test still uses uniquely named models, so
 * a shared or persistent store works too. Stores that check `source` against real runs pass
 * `createSource`, which must return a source (and run id) they accept.
 */
import { describe } from 'vitest';
import type { ModelRegistryStore } from '../registry-store.js';
import { withSuiteSetup } from './conformance-helpers.js';
import { describeRegisteredModels } from './registry-models-suite.js';
import { describeModelVersions } from './registry-versions-suite.js';

export interface ModelVersionSource {
  source: string;
  run_id?: string;
}

export interface RegistryStoreSetup {
  store: ModelRegistryStore;
  cleanup?: () => Promise<void>;
  /** Default: `runs:/<random 32 hex>/model` with that run id. */
  createSource?: () => Promise<ModelVersionSource>;
}

/** What the registry suite's tests read. */
export interface RegistrySuiteEnv {
  store: ModelRegistryStore;
  createSource: () => Promise<ModelVersionSource>;
}

async function defaultSource(): Promise<ModelVersionSource> {
  const runId = globalThis.crypto.randomUUID().replace(/-/g, '');
  return { source: `runs:/${runId}/model`, run_id: runId };
}

export function runRegistryStoreConformance(name: string, setup: () => Promise<RegistryStoreSetup>): void {
  describe(`ModelRegistryStore conformance: ${name}`, () => {
    const ctx = withSuiteSetup(
      setup,
      (s): RegistrySuiteEnv => ({ store: s.store, createSource: s.createSource ?? defaultSource }),
    );

    describeRegisteredModels(ctx);
    describeModelVersions(ctx);
  });
}
