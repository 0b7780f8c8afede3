import fs from 'node:fs';
import path from 'node:path';
import { runRegistryStoreConformance } from '@mlflow-ts/format/testing';
import { createFsTrackingStore } from '../index.js';
import { tempDir } from '../../test/temp-store.js';
import { createFsRegistryStore } from './fs-registry-store.js';

// Sources are runs:/ URIs of runs that do not exist (the suite's default).
runRegistryStoreConformance('fs', async () => {
  const dir = tempDir('registry-conf-');
  return {
    store: createFsRegistryStore({ root: path.join(dir, 'mlruns') }),
    cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
});

// With a tracking store: sources are real local model directories inside real runs' artifact dirs.
runRegistryStoreConformance('fs with tracking store and local sources', async () => {
  const dir = tempDir('registry-conf-');
  const root = path.join(dir, 'mlruns');
  const tracking = createFsTrackingStore({ root });
  return {
    store: createFsRegistryStore({ root, trackingStore: tracking, allowedSourceRoots: [] }),
    createSource: async () => {
      const { info } = await tracking.createRun({});
      const local = new URL(`${info.artifact_uri}/model`);
      fs.mkdirSync(local, { recursive: true });
      return { source: `${info.artifact_uri}/model`, run_id: info.run_id };
    },
    cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
});
