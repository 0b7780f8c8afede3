/**
 * MLflow 3 logged-model RPC handlers (mlflow/server/handlers.py `_create_logged_model` …
 * `_list_logged_model_artifacts`): MLflow's request checks, then one call of the tracking store's
 * logged-model capability. `model_id`/`tag_key` arrive from the REST path or the gRPC message.
 */
import {
  MODEL_VERSIONS_TAG,
  MlflowError,
  assertSafeArtifactPath,
  loggedModelStatusOf,
  modelVersionsTagValue,
} from '@mlflow-ts/format';
import type {
  LoggedModelOrderBy,
  LoggedModelParameter,
  LoggedModelStore,
  LoggedModelTag,
  Run,
} from '@mlflow-ts/format';
import type { Handler, HandlerContext, Req } from './handler-context.js';
import { list, num, present, required, str } from './handler-context.js';

/** SearchLoggedModels.max_results has proto default 50, which MLflow's handler passes to the store. */
const SEARCH_DEFAULT_MAX_RESULTS = 50;

export function loggedModelsOf(ctx: HandlerContext): LoggedModelStore {
  const t = ctx.tracking;
  if (
    !t.createLoggedModel ||
    !t.getLoggedModel ||
    !t.finalizeLoggedModel ||
    !t.deleteLoggedModel ||
    !t.searchLoggedModels ||
    !t.setLoggedModelTags ||
    !t.deleteLoggedModelTag ||
    !t.logLoggedModelParams
  ) {
    throw new MlflowError('NOT_IMPLEMENTED', 'This tracking store does not support logged models.');
  }
  return t as LoggedModelStore;
}

const modelIdOf = (req: Req): string => {
  required(req, 'model_id');
  return str(req, 'model_id') ?? '';
};

/**
 * A run as MLflow 3's server sends it: `outputs` always present (`{}` when it logged no model) and
 * every metric of `data` carrying its `run_id`.
 */
export function asMlflow3Run(run: Run): Run {
  const runId = run.info.run_id;
  const metrics = run.data.metrics.every((m) => m.run_id === runId)
    ? run.data.metrics
    : run.data.metrics.map((m) => ({ ...m, run_id: runId }));
  return { ...run, data: { ...run.data, metrics }, outputs: run.outputs ?? { model_outputs: [] } };
}

/**
 * MLflow's `set_model_versions_tags` (called by its create-model-version handler): the logged model
 * lists the new version in `mlflow.modelVersions`. A store without logged models is left alone.
 */
export async function recordModelVersionOnLoggedModel(
  ctx: HandlerContext,
  name: string,
  version: string,
  modelId: string,
): Promise<void> {
  const t = ctx.tracking;
  if (!t.getLoggedModel || !t.setLoggedModelTags) return;
  const model = await t.getLoggedModel(modelId);
  const existing = model.info.tags.find((x) => x.key === MODEL_VERSIONS_TAG)?.value;
  // MLflow's stores hold versions as integers, so its server writes `"version": 1`.
  const value = modelVersionsTagValue(existing, { name, version: /^\d+$/.test(version) ? Number(version) : version });
  if (value !== existing) await t.setLoggedModelTags(modelId, [{ key: MODEL_VERSIONS_TAG, value }]);
}

export const LOGGED_MODEL_HANDLERS: Record<string, Handler> = {
  async CreateLoggedModel(ctx, req) {
    required(req, 'experiment_id');
    const params = list<LoggedModelParameter>(req, 'params');
    const tags = list<LoggedModelTag>(req, 'tags');
    const model = await loggedModelsOf(ctx).createLoggedModel({
      experiment_id: str(req, 'experiment_id') ?? '',
      ...(str(req, 'name') ? { name: str(req, 'name') } : req.name === '' ? { name: '' } : {}),
      // As MLflow's handler: proto defaults ('') for what the client left out.
      model_type: str(req, 'model_type') ?? '',
      source_run_id: str(req, 'source_run_id') ?? '',
      ...(params?.length ? { params } : {}),
      ...(tags?.length ? { tags } : {}),
    });
    return { model };
  },
  async FinalizeLoggedModel(ctx, req) {
    const modelId = modelIdOf(req);
    present(req, 'status');
    const model = await loggedModelsOf(ctx).finalizeLoggedModel(modelId, loggedModelStatusOf(req.status));
    return { model };
  },
  async GetLoggedModel(ctx, req) {
    return { model: await loggedModelsOf(ctx).getLoggedModel(modelIdOf(req)) };
  },
  async DeleteLoggedModel(ctx, req) {
    await loggedModelsOf(ctx).deleteLoggedModel(modelIdOf(req));
    return {};
  },
  async SearchLoggedModels(ctx, req) {
    required(req, 'experiment_ids');
    const datasets = list<{ dataset_name?: string; dataset_digest?: string }>(req, 'datasets');
    const orderBy = list<LoggedModelOrderBy>(req, 'order_by');
    const page = await loggedModelsOf(ctx).searchLoggedModels({
      experiment_ids: list(req, 'experiment_ids') ?? [],
      filter: str(req, 'filter') || undefined,
      ...(datasets?.length
        ? {
            datasets: datasets.map((d) => ({
              dataset_name: d.dataset_name ?? '',
              ...(d.dataset_digest ? { dataset_digest: d.dataset_digest } : {}),
            })),
          }
        : {}),
      max_results: num(req, 'max_results') || SEARCH_DEFAULT_MAX_RESULTS,
      ...(orderBy?.length
        ? {
            order_by: orderBy.map((o) => ({
              field_name: o.field_name,
              ascending: o.ascending ?? true,
              ...(o.dataset_name ? { dataset_name: o.dataset_name } : {}),
              ...(o.dataset_digest ? { dataset_digest: o.dataset_digest } : {}),
            })),
          }
        : {}),
      page_token: str(req, 'page_token') || undefined,
    });
    return { models: page.items, next_page_token: page.next_page_token };
  },
  async SetLoggedModelTags(ctx, req) {
    await loggedModelsOf(ctx).setLoggedModelTags(modelIdOf(req), list<LoggedModelTag>(req, 'tags') ?? []);
    // MLflow's handler answers an empty Response although the proto has a `model` field.
    return {};
  },
  async DeleteLoggedModelTag(ctx, req) {
    const modelId = modelIdOf(req);
    required(req, 'tag_key');
    await loggedModelsOf(ctx).deleteLoggedModelTag(modelId, str(req, 'tag_key') ?? '');
    return {};
  },
  async LogLoggedModelParams(ctx, req) {
    await loggedModelsOf(ctx).logLoggedModelParams(modelIdOf(req), list<LoggedModelParameter>(req, 'params') ?? []);
    return {};
  },
  async ListLoggedModelArtifacts(ctx, req) {
    const modelId = modelIdOf(req);
    const dir = str(req, 'artifact_directory_path') || undefined;
    if (dir !== undefined) assertSafeArtifactPath(dir);
    const model = await loggedModelsOf(ctx).getLoggedModel(modelId);
    const files = await ctx.artifactsFor(model.info.artifact_uri).listArtifacts(dir);
    return { root_uri: model.info.artifact_uri, files };
  },
};
