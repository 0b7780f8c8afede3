import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTraceStoreConformance } from '@mlflow-ts/format/testing';
import { createFsTrackingStore } from '../index.js';

runTraceStoreConformance('store-fs', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-fs-traces-'));
  const store = createFsTrackingStore({ root: path.join(dir, 'mlruns') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
