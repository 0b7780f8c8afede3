import { runLoggedModelStoreConformance } from './logged-models-suite.js';
import { createMemoryTrackingStore } from './memory-tracking-store.js';

runLoggedModelStoreConformance('memory', async () => ({ store: createMemoryTrackingStore() }));
