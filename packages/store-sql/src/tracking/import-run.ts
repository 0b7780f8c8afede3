/**
 * `importRun` (the TrackingStore data-mover capability): a run created with the id, status and times
 * it had in another store (`mlflow-ts db migrate`), in one transaction like createRun. Experiment ids
 * stay the database's (MLflow's schema assigns them), so there is no importExperiment here.
 */
import { MlflowError, RUN_NAME_TAG, RUN_STATUSES, validateTag } from '@mlflow-ts/format';
import type { ImportRunRequest, Run } from '@mlflow-ts/format';
import { appendUriPath, type TrackingContext } from './context.js';
import { requireExperiment } from './experiments.js';
import { getRun } from './runs.js';
import { inWriteTransaction } from './transactions.js';

const RUN_ID = /^[a-zA-Z0-9][\w-]{0,31}$/;

export async function importRun(ctx: TrackingContext, req: ImportRunRequest): Promise<Run> {
  if (typeof req.run_id !== 'string' || !RUN_ID.test(req.run_id)) {
    throw MlflowError.invalidParameter(`Invalid run ID: '${String(req.run_id)}'`);
  }
  if (!RUN_STATUSES.includes(req.status))
    throw MlflowError.invalidParameter(`Invalid run status '${String(req.status)}'`);
  const tags = new Map<string, string>();
  (req.tags ?? []).forEach((t, i) => {
    const v = validateTag(t, `tags[${i}]`);
    tags.set(v.key, v.value);
  });
  if (!tags.has(RUN_NAME_TAG) && req.run_name) tags.set(RUN_NAME_TAG, req.run_name);
  const runId = req.run_id;
  await inWriteTransaction(ctx.conn, async (db) => {
    const exp = await requireExperiment(db, req.experiment_id);
    if (exp.lifecycle_stage !== 'active') {
      throw new MlflowError(
        'INVALID_STATE',
        `The experiment ${req.experiment_id} must be in the 'active' state. Current state is ${exp.lifecycle_stage}.`,
      );
    }
    if (await db.selectFrom('runs').select('run_uuid').where('run_uuid', '=', runId).executeTakeFirst()) {
      throw MlflowError.alreadyExists(`Run '${runId}' already exists.`);
    }
    await db
      .insertInto('runs')
      .values({
        run_uuid: runId,
        name: req.run_name,
        source_type: 'UNKNOWN',
        source_name: '',
        entry_point_name: '',
        user_id: req.user_id ?? '',
        status: req.status,
        start_time: req.start_time,
        end_time: req.end_time ?? null,
        deleted_time: null,
        source_version: '',
        lifecycle_stage: 'active',
        artifact_uri: req.artifact_uri || appendUriPath(exp.artifact_location ?? '', runId, 'artifacts'),
        experiment_id: exp.experiment_id,
      })
      .execute();
    if (tags.size > 0)
      await db
        .insertInto('tags')
        .values([...tags].map(([key, value]) => ({ key, value, run_uuid: runId })))
        .execute();
  });
  return getRun(ctx, runId);
}
