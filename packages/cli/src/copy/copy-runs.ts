/**
 * Runs: first a target run for each source run ("shells", so that logged models and parent-run tags
 * can name target runs), then each run's data. A run the target already has (a copy stopped halfway)
 * is completed, not duplicated: params and tags that are there are skipped, and a metric's history in
 * the target is always a prefix of the source's (points go in source order, in atomic batches), so
 * only the points after that prefix are sent.
 */
import {
  LOG_BATCH_LIMITS,
  MlflowError,
  TERMINAL_RUN_STATUSES,
  type DatasetInput,
  type Metric,
  type Run,
  type RunTag,
} from '@mlflow-ts/format';
import { copyArtifactTree } from './copy-artifacts.js';
import { metricLinkKey, type CopyContext } from './copy-context.js';
import { chunks, collectAll } from './paging.js';
import { SOURCE_RUN_TAG } from './types.js';

const PARENT_RUN_TAG = 'mlflow.parentRunId';

async function getRunOrNull(ctx: CopyContext, runId: string): Promise<Run | null> {
  try {
    return await ctx.target.tracking.getRun(runId);
  } catch (e) {
    if (MlflowError.isInstance(e) && (e.code === 'RESOURCE_DOES_NOT_EXIST' || e.code === 'INVALID_PARAMETER_VALUE'))
      return null;
    throw e;
  }
}

/** Target runs of an experiment that carry the source-run tag, by source id (found once per experiment). */
async function taggedRuns(ctx: CopyContext, targetExperimentId: string): Promise<Map<string, string>> {
  const runs = await collectAll((page_token) =>
    ctx.target.tracking.searchRuns({
      experiment_ids: [targetExperimentId],
      run_view_type: 'ALL',
      max_results: 1000,
      page_token,
    }),
  );
  const found = new Map<string, string>();
  for (const r of runs) {
    const src = r.data.tags.find((t) => t.key === SOURCE_RUN_TAG)?.value;
    if (src) found.set(src, r.info.run_id);
  }
  return found;
}

/** Source run ids whose target run was created during this copy (nothing to compare against there). */
export type FreshRuns = Set<string>;

/** Makes sure every source run has a target run; records the mapping before anything else is written. */
export async function ensureRunShells(
  ctx: CopyContext,
  sourceRuns: Run[],
  targetExperimentId: string,
  fresh: FreshRuns,
): Promise<void> {
  const { target, cp } = ctx;
  const todo = sourceRuns.filter((r) => !cp.has('run', r.info.run_id));
  if (todo.length === 0) return;
  const tagged = target.tracking.importRun ? null : await taggedRuns(ctx, targetExperimentId);
  for (const run of todo) {
    const src = run.info;
    const baseTags = run.data.tags.filter((t) => t.key !== PARENT_RUN_TAG);
    if (target.tracking.importRun) {
      const existing = await getRunOrNull(ctx, src.run_id);
      if (!existing) {
        await ctx.write(() =>
          target.tracking.importRun!({
            run_id: src.run_id,
            experiment_id: targetExperimentId,
            user_id: src.user_id,
            run_name: src.run_name,
            status: src.status,
            start_time: src.start_time,
            ...(src.end_time !== undefined ? { end_time: src.end_time } : {}),
            ...(ctx.opts.artifactLocations === 'keep' ? { artifact_uri: src.artifact_uri } : {}),
            tags: baseTags,
          }),
        );
        fresh.add(src.run_id);
      } else if (existing.info.experiment_id !== targetExperimentId) {
        ctx.warn(
          `Run ${src.run_id} already exists in the target in experiment ${existing.info.experiment_id}; its data is completed there`,
        );
      }
      cp.put('run', src.run_id, src.run_id);
      continue;
    }
    let targetId = tagged?.get(src.run_id);
    if (!targetId) {
      const created = await ctx.write(() =>
        target.tracking.createRun({
          experiment_id: targetExperimentId,
          user_id: src.user_id,
          run_name: src.run_name,
          start_time: src.start_time,
          tags: [...baseTags.slice(0, LOG_BATCH_LIMITS.tags - 1), { key: SOURCE_RUN_TAG, value: src.run_id }],
        }),
      );
      targetId = created.info.run_id;
      fresh.add(src.run_id);
    }
    cp.put('run', src.run_id, targetId);
  }
}

function datasetKey(d: DatasetInput): string {
  return `${d.dataset.name}\u0000${d.dataset.digest}`;
}

/** Copies one run's params, tags, metric histories, inputs, outputs, artifacts and final state. */
export async function copyRunData(ctx: CopyContext, sourceRun: Run, isFresh: boolean): Promise<void> {
  const { source, target, summary } = ctx;
  const src = sourceRun.info;
  const targetId = ctx.runId(src.run_id);
  const there = await target.tracking.getRun(targetId);
  const existing = isFresh ? null : there;

  // params and tags (parent links renamed to target ids)
  const haveParams = new Map((existing?.data.params ?? []).map((p) => [p.key, p.value]));
  const params = sourceRun.data.params.filter((p) => haveParams.get(p.key) !== p.value);
  const haveTags = new Map(there.data.tags.map((t) => [t.key, t.value]));
  const tags: RunTag[] = sourceRun.data.tags
    .map((t) => (t.key === PARENT_RUN_TAG ? { key: t.key, value: ctx.runId(t.value) } : t))
    .filter((t) => haveTags.get(t.key) !== t.value);
  for (const batch of chunks(params, LOG_BATCH_LIMITS.params)) {
    await ctx.write(() => target.tracking.logBatch(targetId, { params: batch }));
    summary.params += batch.length;
  }
  for (const batch of chunks(tags, LOG_BATCH_LIMITS.tags)) {
    await ctx.write(() => target.tracking.logBatch(targetId, { tags: batch }));
    summary.tags += batch.length;
  }

  // metric histories, every point, in source order
  const keys = [...new Set(sourceRun.data.metrics.map((m) => m.key))];
  for (const key of keys) {
    const history = await collectAll((page_token) =>
      source.tracking.getMetricHistory(src.run_id, key, page_token ? { page_token, max_results: 25_000 } : {}),
    );
    let skip = 0;
    if (!isFresh) {
      // The target holds a prefix of the source's history: points go in source order in atomic batches.
      // A store that folds exact duplicates (MLflow's SQL store) holds fewer; sending those again is harmless.
      const held = await collectAll((page_token) =>
        target.tracking.getMetricHistory(targetId, key, page_token ? { page_token, max_results: 25_000 } : {}),
      );
      skip = Math.min(held.length, history.length);
    }
    const points = history.slice(skip).map((m): Metric => {
      const out: Metric = { key: m.key, value: m.value, timestamp: m.timestamp, step: m.step };
      const link = m.model_id ? m : ctx.modelMetricLinks.get(metricLinkKey(src.run_id, m));
      const dataset = m.dataset_name !== undefined ? m : link;
      if (dataset?.dataset_name !== undefined) out.dataset_name = dataset.dataset_name;
      if (dataset?.dataset_digest !== undefined) out.dataset_digest = dataset.dataset_digest;
      // A point for a model the target does not have (not copied) stays a plain run metric.
      const modelId = link?.model_id ? ctx.modelId(link.model_id) : undefined;
      if (modelId) out.model_id = modelId;
      return out;
    });
    for (const batch of chunks(points, LOG_BATCH_LIMITS.metrics)) {
      await ctx.write(() => target.tracking.logBatch(targetId, { metrics: batch }));
      summary.metricPoints += batch.length;
    }
  }

  // inputs and outputs
  const haveDatasets = new Set((existing?.inputs.dataset_inputs ?? []).map(datasetKey));
  const datasets = sourceRun.inputs.dataset_inputs.filter((d) => !haveDatasets.has(datasetKey(d)));
  const haveModelInputs = new Set((existing?.inputs.model_inputs ?? []).map((m) => m.model_id));
  const models = (sourceRun.inputs.model_inputs ?? []).flatMap((m) => {
    const id = ctx.modelId(m.model_id);
    return id && !haveModelInputs.has(id) ? [{ model_id: id }] : [];
  });
  if (datasets.length > 0 || models.length > 0) {
    await ctx.write(() => target.tracking.logInputs(targetId, { datasets, ...(models.length > 0 ? { models } : {}) }));
    summary.datasets += datasets.length;
  }
  const haveOutputs = new Set((there.outputs?.model_outputs ?? []).map((m) => `${m.model_id}@${m.step}`));
  const outputs = (sourceRun.outputs?.model_outputs ?? []).flatMap((m) => {
    const id = ctx.modelId(m.model_id);
    return id && !haveOutputs.has(`${id}@${m.step}`) ? [{ model_id: id, step: m.step }] : [];
  });
  if (outputs.length > 0) {
    if (target.tracking.logOutputs) await ctx.write(() => target.tracking.logOutputs!(targetId, outputs));
    else ctx.warn(`Run ${src.run_id}: the target cannot record model outputs`);
  }

  // artifacts
  if (ctx.opts.artifacts) {
    const targetRun = await target.tracking.getRun(targetId);
    if (targetRun.info.artifact_uri !== src.artifact_uri) {
      const copied = await copyArtifactTree(
        source.artifacts(src.artifact_uri),
        target.artifacts(targetRun.info.artifact_uri),
        () => ctx.opts.beforeWrite?.(),
      );
      summary.artifacts.files += copied.files;
      summary.artifacts.bytes += copied.bytes;
    }
  }

  // final state: status and times (createRun could not set them), then the lifecycle stage
  const now = await target.tracking.getRun(targetId);
  if (now.info.status !== src.status || now.info.end_time !== src.end_time || now.info.run_name !== src.run_name) {
    await ctx.write(() =>
      target.tracking.updateRun(targetId, {
        status: src.status,
        ...(src.end_time !== undefined ? { end_time: src.end_time } : {}),
        run_name: src.run_name,
      }),
    );
  }
  if (src.lifecycle_stage === 'deleted' && now.info.lifecycle_stage !== 'deleted') {
    await ctx.write(() => target.tracking.deleteRun(targetId));
  }
}

/** A run is finished for good once it is terminal (a RUNNING run is copied again by the next copy). */
export function isSettled(run: Run): boolean {
  return TERMINAL_RUN_STATUSES.includes(run.info.status) || run.info.lifecycle_stage === 'deleted';
}
