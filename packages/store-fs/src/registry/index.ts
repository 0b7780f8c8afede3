/** The file-system model registry (model-URI resolution is format's `resolveModelUri`). */
export { createFsRegistryStore } from './fs-registry-store.js';
export type { FsRegistryStore, FsRegistryStoreOptions } from './fs-registry-store.js';
