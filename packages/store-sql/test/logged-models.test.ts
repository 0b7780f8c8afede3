import { describe, expect, it } from 'vitest';
import { openStore } from './tracking/stores.js';

// The logged-model conformance suite runs through createSqlStore in test/tracking/conformance.test.ts.

describe("logged models on MLflow's tables", () => {
  it("stores the status as MLflow's integer and hides deleted models from search by SQL", async () => {
    const { store, cleanup } = await openStore('sqlite');
    try {
      const exp = await store.createExperiment({ name: 'lm-rows' });
      const m = await store.createLoggedModel({ experiment_id: exp, name: 'x' });
      await store.finalizeLoggedModel(m.info.model_id, 'LOGGED_MODEL_UPLOAD_FAILED');
      const conn = store.connection;
      const row = await conn.db
        .selectFrom('logged_models')
        .selectAll()
        .where('model_id', '=', m.info.model_id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 3, lifecycle_stage: 'active', experiment_id: Number(exp), name: 'x' });
      expect(
        (await store.searchLoggedModels({ experiment_ids: [exp], filter: "status = 'FAILED'" })).items,
      ).toHaveLength(1);
      await store.deleteLoggedModel(m.info.model_id);
      const deleted = await conn.db
        .selectFrom('logged_models')
        .select('lifecycle_stage')
        .where('model_id', '=', m.info.model_id)
        .executeTakeFirstOrThrow();
      expect(deleted.lifecycle_stage).toBe('deleted');
      expect((await store.searchLoggedModels({ experiment_ids: [exp] })).items).toEqual([]);
    } finally {
      await cleanup();
    }
  });
});
