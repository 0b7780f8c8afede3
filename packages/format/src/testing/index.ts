/**
 * @mlflow-ts/format/testing — conformance suites every implementation runs, and in-memory
 * reference implementations that pass them. Needs vitest (an optional peer dependency).
 */
export { runTrackingStoreConformance } from './tracking-store-conformance.js';
export type { TrackingStoreSetup } from './tracking-store-conformance.js';
export { runRegistryStoreConformance } from './registry-store-conformance.js';
export type { ModelVersionSource, RegistryStoreSetup } from './registry-store-conformance.js';
export { readAll, runArtifactRepositoryConformance } from './artifact-repository-conformance.js';
export type { ArtifactRepositorySetup } from './artifact-repository-conformance.js';
export { expectPredictionClose, flavorScratchDir, runFlavorConformance } from './flavor-conformance.js';
export type { FlavorSetup } from './flavor-conformance.js';
export { runLoggedModelStoreConformance } from './logged-models-suite.js';
export type { LoggedModelStoreSetup, LoggedModelTrackingStore } from './logged-models-suite.js';
export { createMemoryTrackingStore } from './memory-tracking-store.js';
export { createMemoryTraceStore } from './memory-trace-store.js';
export { makeSpan, makeTraceInfo, newTraceIds, runTraceStoreConformance } from './traces-suite.js';
export type { TraceStoreSetup } from './traces-suite.js';
export type { MemoryTrackingStoreOptions } from './memory-tracking-store.js';
export { createMemoryRegistryStore } from './memory-registry-store.js';
export { createMemoryArtifactRepository } from './memory-artifact-repository.js';
export { catchMlflowError, expectMlflowError, uniqueName } from './conformance-helpers.js';
export { seededRandom } from './seeded-random.js';
