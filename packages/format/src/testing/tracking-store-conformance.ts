/**
 * The tracking-store conformance suite. Every implementation (store-fs, the gRPC and REST clients
 * against a live server, third-party stores) runs it:
 *
 *   runTrackingStoreConformance('fs', async () => ({ store: createFsStore({ root }), cleanup }));
 *
 * `setup` runs once for the suite; every test creates its own uniquely named experiment, so the
 * suite can share a store (even a persistent one) with other suites.
 */
import { describe } from 'vitest';
import type { TrackingStore } from '../tracking-store.js';
import { withSuiteSetup } from './conformance-helpers.js';
import { describeExperiments } from './tracking-experiments-suite.js';
import { describeMetrics } from './tracking-metrics-suite.js';
import { describeRuns } from './tracking-runs-suite.js';
import { describeRunSearch } from './tracking-search-suite.js';

export interface TrackingStoreSetup {
  store: TrackingStore;
  cleanup?: () => Promise<void>;
}

export function runTrackingStoreConformance(name: string, setup: () => Promise<TrackingStoreSetup>): void {
  describe(`TrackingStore conformance: ${name}`, () => {
    const ctx = withSuiteSetup(setup, (s): TrackingStore => s.store);

    describeExperiments(ctx);
    describeRuns(ctx);
    describeMetrics(ctx);
    describeRunSearch(ctx);
  });
}
