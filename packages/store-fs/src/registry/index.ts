/** The file-system model registry and store-agnostic model-URI resolution. */
export { createFsRegistryStore } from './fs-registry-store.js';
export type { FsRegistryStore, FsRegistryStoreOptions } from './fs-registry-store.js';
export { resolveModelVersion, resolveModelsUri } from './resolve-uri.js';
export type { ResolveModelsUriOptions } from './resolve-uri.js';
