/**
 * @mlflow-ts/store-fs — MLflow's `mlruns/` file layout: a TrackingStore and an ArtifactRepository on
 * local disk, readable and writable by MLflow itself.
 */
export { createFsTrackingStore } from './tracking/fs-tracking-store.js';
export type { FsTrackingStore, FsTrackingStoreOptions } from './tracking/fs-tracking-store.js';
export { createFsArtifactRepository } from './artifacts/fs-artifact-repository.js';
export type { FsArtifactRepositoryOptions } from './artifacts/fs-artifact-repository.js';
export type { Durability } from './tracking/durability.js';
export { createFsRegistryStore } from './registry/index.js';
export type { FsRegistryStore, FsRegistryStoreOptions } from './registry/index.js';
