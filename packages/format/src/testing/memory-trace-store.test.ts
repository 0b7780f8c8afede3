import { runTraceStoreConformance } from './traces-suite.js';
import { createMemoryTrackingStore } from './memory-tracking-store.js';

runTraceStoreConformance('memory', async () => ({ store: createMemoryTrackingStore() }));
