import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMemoryTrackingStore, expectMlflowError } from '../testing/index.js';
import { LOG_MODEL_HISTORY_TAG, logModelHistoryEntry, recordLoggedModel } from './log-model-history.js';

/** Two models recorded by MLflow 3.6's FileStore.record_logged_model, and the tag it wrote. */
const recorded = JSON.parse(readFileSync(new URL('./testdata/log-model-history.json', import.meta.url), 'utf8')) as {
  mlmodels: Record<string, unknown>[];
  tag: string;
};

describe('mlflow.log-model.history', () => {
  it('writes the tag byte for byte as MLflow does', async () => {
    const tracking = createMemoryTrackingStore();
    const run = (await tracking.createRun({})).info;
    for (const m of recorded.mlmodels) await recordLoggedModel(tracking, run.run_id, { ...m, run_id: run.run_id });
    const tag = (await tracking.getRun(run.run_id)).data.tags.find((t) => t.key === LOG_MODEL_HISTORY_TAG)?.value;
    const mlflowRunId = recorded.mlmodels[0]!.run_id as string;
    expect(tag).toBe(recorded.tag.replaceAll(mlflowRunId, run.run_id));
  });

  it('keeps only the keys get_tags_dict keeps and drops each flavor config', () => {
    const entry = logModelHistoryEntry(recorded.mlmodels[0]!);
    expect(Object.keys(entry)).toEqual(['run_id', 'artifact_path', 'utc_time_created', 'model_uuid', 'flavors']);
    expect((entry.flavors as Record<string, Record<string, unknown>>).python_function).not.toHaveProperty('config');
  });

  it('refuses a history tag that is not a JSON list, and deleted runs', async () => {
    const tracking = createMemoryTrackingStore();
    const run = (await tracking.createRun({})).info;
    await tracking.setTag(run.run_id, { key: LOG_MODEL_HISTORY_TAG, value: '{"not": "a list"}' });
    await expectMlflowError(recordLoggedModel(tracking, run.run_id, recorded.mlmodels[0]!), 'INVALID_STATE');
    await tracking.deleteRun(run.run_id);
    await expectMlflowError(recordLoggedModel(tracking, run.run_id, recorded.mlmodels[0]!), 'INVALID_PARAMETER_VALUE');
  });
});
