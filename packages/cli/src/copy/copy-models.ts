/**
 * Logged models (MLflow 3) of one experiment. The target assigns model ids, so each target model
 * carries its source id in a tag and the mapping goes to the checkpoint; a model found by that tag is
 * completed rather than created again. Metrics reach models through the runs' metric batches.
 */
import type { LoggedModel } from '@mlflow-ts/format';
import { copyArtifactTree } from './copy-artifacts.js';
import { metricLinkKey, type CopyContext } from './copy-context.js';
import { collectAll } from './paging.js';
import { SOURCE_MODEL_TAG } from './types.js';

async function modelsOf(store: CopyContext['source']['tracking'], experimentId: string): Promise<LoggedModel[]> {
  if (!store.searchLoggedModels) return [];
  return collectAll((page_token) =>
    store.searchLoggedModels!({ experiment_ids: [experimentId], max_results: 100, page_token }),
  );
}

export async function copyLoggedModels(
  ctx: CopyContext,
  sourceExperimentId: string,
  targetExperimentId: string,
): Promise<void> {
  const { source, target, cp, summary } = ctx;
  const models = await modelsOf(source.tracking, sourceExperimentId);
  for (const m of models) {
    for (const metric of m.data.metrics) {
      if (!metric.run_id) continue;
      ctx.modelMetricLinks.set(metricLinkKey(metric.run_id, metric), {
        model_id: m.info.model_id,
        ...(metric.dataset_name !== undefined ? { dataset_name: metric.dataset_name } : {}),
        ...(metric.dataset_digest !== undefined ? { dataset_digest: metric.dataset_digest } : {}),
      });
    }
  }
  const todo = models.filter((m) => !cp.has('doneModel', m.info.model_id));
  if (todo.length === 0) return;
  const t = target.tracking;
  if (
    !t.createLoggedModel ||
    !t.getLoggedModel ||
    !t.finalizeLoggedModel ||
    !t.setLoggedModelTags ||
    !t.logLoggedModelParams
  ) {
    ctx.warn(`Experiment ${sourceExperimentId}: the target has no logged models; ${todo.length} not copied`);
    return;
  }
  let tagged: Map<string, string> | undefined;
  for (const model of todo) {
    const src = model.info;
    let targetId = cp.get('model', src.model_id);
    if (!targetId) {
      tagged ??= new Map(
        (await modelsOf(t, targetExperimentId)).flatMap((m) => {
          const from = m.info.tags.find((x) => x.key === SOURCE_MODEL_TAG)?.value;
          return from ? [[from, m.info.model_id] as const] : [];
        }),
      );
      targetId = tagged.get(src.model_id);
    }
    if (!targetId) {
      const created = await ctx.write(() =>
        t.createLoggedModel!({
          experiment_id: targetExperimentId,
          name: src.name,
          ...(src.model_type ? { model_type: src.model_type } : {}),
          ...(src.source_run_id ? { source_run_id: ctx.runId(src.source_run_id) } : {}),
          params: model.data.params,
          tags: [...src.tags, { key: SOURCE_MODEL_TAG, value: src.model_id }],
        }),
      );
      targetId = created.info.model_id;
    }
    cp.put('model', src.model_id, targetId);
    const there = await t.getLoggedModel(targetId);
    const haveTags = new Map(there.info.tags.map((x) => [x.key, x.value]));
    const tags = src.tags.filter((x) => haveTags.get(x.key) !== x.value);
    if (tags.length > 0) await ctx.write(() => t.setLoggedModelTags!(targetId, tags));
    const haveParams = new Set(there.data.params.map((p) => p.key));
    const params = model.data.params.filter((p) => !haveParams.has(p.key));
    if (params.length > 0) await ctx.write(() => t.logLoggedModelParams!(targetId, params));
    if (ctx.opts.artifacts && there.info.artifact_uri !== src.artifact_uri) {
      const copied = await copyArtifactTree(
        source.artifacts(src.artifact_uri),
        target.artifacts(there.info.artifact_uri),
        () => ctx.opts.beforeWrite?.(),
      );
      summary.artifacts.files += copied.files;
      summary.artifacts.bytes += copied.bytes;
    }
    if (there.info.status !== src.status && src.status !== 'LOGGED_MODEL_PENDING') {
      await ctx.write(() => t.finalizeLoggedModel!(targetId, src.status));
    }
    cp.put('doneModel', src.model_id);
    summary.loggedModels++;
  }
}
