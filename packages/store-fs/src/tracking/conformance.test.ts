import fs from 'node:fs';
import path from 'node:path';
import { runTrackingStoreConformance } from '@mlflow-ts/format/testing';
import { createFsTrackingStore } from '../index.js';
import { tempDir } from '../../test/temp-store.js';

runTrackingStoreConformance('store-fs', async () => {
  const dir = tempDir();
  const store = createFsTrackingStore({ root: path.join(dir, 'mlruns') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
