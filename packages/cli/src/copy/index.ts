/** The store-to-store copier behind `mlflow-ts db migrate` and `mlflow-ts sync`. */
export { copyStores } from './copy-stores.js';
export { openCheckpoint } from './checkpoint.js';
export type { Checkpoint, CheckpointKind } from './checkpoint.js';
export { copyArtifactTree } from './copy-artifacts.js';
export { SOURCE_MODEL_TAG, SOURCE_RUN_TAG, SOURCE_VERSION_TAG, emptySummary } from './types.js';
export type { CopyOptions, CopyProgress, CopySummary, StoreSet } from './types.js';
