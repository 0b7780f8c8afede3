export { createFsLoggedModelStore } from './fs-logged-model-store.js';
export type { FsLoggedModelStoreOptions } from './fs-logged-model-store.js';
export { parseModelMetricLine, readLoggedModel } from './model-files.js';
