import { describe, expect, it } from 'vitest';
import { createMemoryTrackingStore } from './memory-tracking-store.js';
import { runTrackingStoreConformance } from './tracking-store-conformance.js';

runTrackingStoreConformance('memory', async () => ({ store: createMemoryTrackingStore() }));

describe('createMemoryTrackingStore', () => {
  it('places experiments and runs under the artifact root', async () => {
    const store = createMemoryTrackingStore({ artifactRoot: 'memory:/root/' });
    expect((await store.getExperiment('0')).artifact_location).toBe('memory:/root/0');
    const id = await store.createExperiment({ name: 'e' });
    expect(id).toBe('1');
    const run = await store.createRun({ experiment_id: id });
    expect(run.info.artifact_uri).toBe(`memory:/root/1/${run.info.run_id}/artifacts`);
  });

  it('hands out copies that cannot change the stored state', async () => {
    const store = createMemoryTrackingStore();
    const run = await store.createRun({ run_name: 'r' });
    run.info.run_name = 'changed';
    run.data.tags.length = 0;
    const again = await store.getRun(run.info.run_id);
    expect(again.info.run_name).toBe('r');
    expect(again.data.tags).toHaveLength(1);
  });

  it('only restores the runs deleted together with the experiment', async () => {
    const store = createMemoryTrackingStore();
    const exp = await store.createExperiment({ name: 'x' });
    const early = await store.createRun({ experiment_id: exp });
    await store.deleteRun(early.info.run_id);
    await new Promise((r) => setTimeout(r, 5));
    const late = await store.createRun({ experiment_id: exp });
    await store.deleteExperiment(exp);
    await store.restoreExperiment(exp);
    expect((await store.getRun(early.info.run_id)).info.lifecycle_stage).toBe('deleted');
    expect((await store.getRun(late.info.run_id)).info.lifecycle_stage).toBe('active');
  });
});
