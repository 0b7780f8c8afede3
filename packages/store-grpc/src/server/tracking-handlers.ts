/**
 * Tracking RPC handlers: MLflow's request checks (mlflow/server/handlers.py), then one store call.
 * Requests and responses are plain snake_case objects shaped like the proto messages.
 */
import {
  MlflowError,
  assertSafeArtifactPath,
  recordLoggedModel,
  sampleMetricHistoryBulkInterval,
  validateMetricHistoryBulkIntervalRequest,
} from '@mlflow-ts/format';
import type {
  DatasetInput,
  ExperimentTag,
  Metric,
  MetricWithRunId,
  ModelInputRef,
  ModelOutputRef,
  Param,
  RunStatus,
  RunTag,
  ViewType,
} from '@mlflow-ts/format';
import type { Handler, HandlerContext, Req } from './handler-context.js';
import { byFields, list, num, pageAnswer, present, required, runIdOf, searchArgs, str } from './handler-context.js';
import { asMlflow3Run } from './logged-model-handlers.js';
import { assertSafeArtifactLocation } from './uri-guards.js';

const GET_HISTORY_BULK_MAX_RESULTS = 25000;
const MAX_SEARCH_RESULTS = 50000;

function metricsOf(req: Req, name: string): Metric[] {
  return (list<Metric>(req, name) ?? []).map((m, i) => {
    for (const field of ['key', 'value', 'timestamp'] as const) {
      if (m[field] === undefined || m[field] === ('' as unknown)) {
        throw MlflowError.invalidParameter(`Missing value for required parameter '${name}[${i}].${field}'.`);
      }
    }
    return { ...m, step: m.step ?? 0 };
  });
}

async function logModel(ctx: HandlerContext, req: Req): Promise<object> {
  required(req, 'run_id', 'model_json');
  let model: Record<string, unknown>;
  try {
    model = JSON.parse(str(req, 'model_json')!);
  } catch {
    throw MlflowError.invalidParameter(
      `Malformed model info: model_json is not JSON: ${str(req, 'model_json')!.slice(0, 100)}`,
    );
  }
  for (const key of ['artifact_path', 'flavors', 'utc_time_created', 'run_id']) {
    if (model[key] === undefined)
      throw MlflowError.invalidParameter(`Model json is missing mandatory fields: ['${key}']`);
  }
  await recordLoggedModel(ctx.tracking, str(req, 'run_id')!, model);
  return {};
}

async function searchDatasets(ctx: HandlerContext, req: Req): Promise<object> {
  const ids = list(req, 'experiment_ids') ?? [];
  if (ids.length === 0 || ids.length > 20) {
    throw MlflowError.invalidParameter(
      `SearchDatasets request must specify between 1 and 20 experiment_ids, got ${ids.length}.`,
    );
  }
  const seen = new Map<string, { experiment_id: string; name: string; digest: string; context?: string }>();
  let pageToken: string | undefined;
  do {
    const page = await ctx.tracking.searchRuns({ experiment_ids: ids, max_results: 1000, page_token: pageToken });
    for (const run of page.items) {
      for (const input of run.inputs?.dataset_inputs ?? []) {
        const context = input.tags.find((t) => t.key === 'mlflow.data.context')?.value;
        const summary = {
          experiment_id: run.info.experiment_id,
          name: input.dataset.name,
          digest: input.dataset.digest,
          context,
        };
        seen.set(JSON.stringify(summary), summary);
      }
    }
    pageToken = page.next_page_token;
  } while (pageToken);
  return { dataset_summaries: [...seen.values()] };
}

/** LogParam / SetTag: a run (`run_id` or `run_uuid`), a key and a value that may be empty. */
function runKeyValue(
  op: (ctx: HandlerContext, runId: string, kv: { key: string; value: string }) => Promise<void>,
): Handler {
  return async (ctx, req) => {
    const runId = runIdOf(req);
    required(req, 'key');
    present(req, 'value');
    await op(ctx, runId, { key: str(req, 'key')!, value: str(req, 'value')! });
    return {};
  };
}

export const TRACKING_HANDLERS: Record<string, Handler> = {
  async GetExperimentByName(ctx, req) {
    required(req, 'experiment_name');
    const name = str(req, 'experiment_name')!;
    const experiment = await ctx.tracking.getExperimentByName(name);
    if (!experiment) throw MlflowError.notFound(`Could not find experiment with name '${name}'`);
    return { experiment };
  },
  async CreateExperiment(ctx, req) {
    required(req, 'name');
    const location = str(req, 'artifact_location');
    if (location) assertSafeArtifactLocation(location, ctx.allowedRoots);
    const experiment_id = await ctx.tracking.createExperiment({
      name: str(req, 'name')!,
      artifact_location: location || undefined,
      tags: list<ExperimentTag>(req, 'tags'),
    });
    return { experiment_id };
  },
  async SearchExperiments(ctx, req) {
    const view_type = str(req, 'view_type') as ViewType | undefined;
    return pageAnswer('experiments', await ctx.tracking.searchExperiments({ ...searchArgs(req), view_type }));
  },
  GetExperiment: byFields({ required: ['experiment_id'], answer: 'experiment' }, (ctx, id) =>
    ctx.tracking.getExperiment(id),
  ),
  DeleteExperiment: byFields({ required: ['experiment_id'] }, (ctx, id) => ctx.tracking.deleteExperiment(id)),
  RestoreExperiment: byFields({ required: ['experiment_id'] }, (ctx, id) => ctx.tracking.restoreExperiment(id)),
  UpdateExperiment: byFields({ required: ['experiment_id', 'new_name'] }, (ctx, id, name) =>
    ctx.tracking.renameExperiment(id, name),
  ),
  SetExperimentTag: byFields({ required: ['experiment_id', 'key'], present: ['value'] }, (ctx, id, key, value) =>
    ctx.tracking.setExperimentTag(id, { key, value }),
  ),
  DeleteExperimentTag: byFields({ required: ['experiment_id', 'key'] }, (ctx, id, key) =>
    ctx.tracking.deleteExperimentTag(id, key),
  ),
  async CreateRun(ctx, req) {
    const run = await ctx.tracking.createRun({
      experiment_id: str(req, 'experiment_id') || undefined,
      user_id: str(req, 'user_id'),
      run_name: str(req, 'run_name'),
      start_time: num(req, 'start_time'),
      tags: list<RunTag>(req, 'tags'),
    });
    return { run: asMlflow3Run(run) };
  },
  async UpdateRun(ctx, req) {
    const run_info = await ctx.tracking.updateRun(runIdOf(req), {
      status: str(req, 'status') as RunStatus | undefined,
      end_time: num(req, 'end_time'),
      run_name: str(req, 'run_name'),
    });
    return { run_info };
  },
  DeleteRun: byFields({ required: ['run_id'] }, (ctx, id) => ctx.tracking.deleteRun(id)),
  RestoreRun: byFields({ required: ['run_id'] }, (ctx, id) => ctx.tracking.restoreRun(id)),
  async LogMetric(ctx, req) {
    const runId = runIdOf(req);
    required(req, 'key');
    present(req, 'value', 'timestamp');
    const metric: Metric = {
      key: str(req, 'key')!,
      value: num(req, 'value')!,
      timestamp: num(req, 'timestamp')!,
      step: num(req, 'step') ?? 0,
    };
    for (const k of ['model_id', 'dataset_name', 'dataset_digest'] as const) if (req[k]) metric[k] = str(req, k);
    await ctx.tracking.logMetric(runId, metric);
    return {};
  },
  LogParam: runKeyValue((ctx, runId, param) => ctx.tracking.logParam(runId, param)),
  SetTag: runKeyValue((ctx, runId, tag) => ctx.tracking.setTag(runId, tag)),
  DeleteTag: byFields({ required: ['run_id', 'key'] }, (ctx, id, key) => ctx.tracking.deleteTag(id, key)),
  async GetRun(ctx, req) {
    return { run: asMlflow3Run(await ctx.tracking.getRun(runIdOf(req))) };
  },
  async SearchRuns(ctx, req) {
    const maxResults = num(req, 'max_results');
    if (maxResults !== undefined && maxResults > MAX_SEARCH_RESULTS) {
      throw MlflowError.invalidParameter(
        `Invalid value ${maxResults} for parameter 'max_results' supplied. It must be at most ${MAX_SEARCH_RESULTS}`,
      );
    }
    const page = await ctx.tracking.searchRuns({
      ...searchArgs(req),
      experiment_ids: list(req, 'experiment_ids') ?? [],
      run_view_type: str(req, 'run_view_type') as ViewType | undefined,
    });
    return { runs: page.items.map(asMlflow3Run), next_page_token: page.next_page_token };
  },
  async LogBatch(ctx, req) {
    required(req, 'run_id');
    await ctx.tracking.logBatch(str(req, 'run_id')!, {
      metrics: metricsOf(req, 'metrics'),
      params: list<Param>(req, 'params') ?? [],
      tags: list<RunTag>(req, 'tags') ?? [],
    });
    return {};
  },
  LogModel: logModel,
  async LogInputs(ctx, req) {
    required(req, 'run_id');
    await ctx.tracking.logInputs(str(req, 'run_id')!, {
      datasets: list<DatasetInput>(req, 'datasets'),
      models: list<ModelInputRef>(req, 'models'),
    });
    return {};
  },
  async LogOutputs(ctx, req) {
    required(req, 'run_id', 'models');
    if (!ctx.tracking.logOutputs)
      throw new MlflowError('NOT_IMPLEMENTED', 'This tracking store does not record run outputs.');
    await ctx.tracking.logOutputs(str(req, 'run_id')!, list<ModelOutputRef>(req, 'models')!);
    return {};
  },
  async ListArtifacts(ctx, req) {
    const runId = runIdOf(req);
    const path = str(req, 'path') || undefined;
    if (path !== undefined) assertSafeArtifactPath(path);
    const run = await ctx.tracking.getRun(runId);
    const files = await ctx.artifactsFor(run.info.artifact_uri).listArtifacts(path);
    return { root_uri: run.info.artifact_uri, files };
  },
  async GetMetricHistory(ctx, req) {
    const runId = runIdOf(req);
    required(req, 'metric_key');
    const maxResults = num(req, 'max_results');
    if (maxResults !== undefined && maxResults !== null && (!Number.isInteger(maxResults) || maxResults < 1)) {
      throw MlflowError.invalidParameter(
        `Invalid value ${maxResults} for parameter 'max_results' supplied. It must be a positive integer`,
      );
    }
    const page = await ctx.tracking.getMetricHistory(runId, str(req, 'metric_key')!, {
      max_results: maxResults,
      page_token: str(req, 'page_token'),
    });
    return pageAnswer('metrics', page);
  },
  async GetMetricHistoryBulkInterval(ctx, req) {
    const bulk = {
      run_ids: list(req, 'run_ids') ?? [],
      metric_key: str(req, 'metric_key')!,
      start_step: num(req, 'start_step'),
      end_step: num(req, 'end_step'),
      max_results: num(req, 'max_results'),
    };
    validateMetricHistoryBulkIntervalRequest(bulk);
    if (ctx.tracking.getMetricHistoryBulkInterval)
      return { metrics: await ctx.tracking.getMetricHistoryBulkInterval(bulk) };
    const histories = await Promise.all(
      bulk.run_ids.map(async (run_id) => ({
        run_id,
        history: (await ctx.tracking.getMetricHistory(run_id, bulk.metric_key)).items,
      })),
    );
    return { metrics: sampleMetricHistoryBulkInterval(histories, bulk) };
  },
  async GetMetricHistoryBulk(ctx, req) {
    const runIds = list(req, 'run_id') ?? [];
    if (runIds.length === 0)
      throw MlflowError.invalidParameter('GetMetricHistoryBulk request must specify at least one run_id.');
    if (runIds.length > 100)
      throw MlflowError.invalidParameter(
        `GetMetricHistoryBulk request cannot specify more than 100 run_ids. Received ${runIds.length} run_ids.`,
      );
    required(req, 'metric_key');
    const maxResults = Math.min(num(req, 'max_results') ?? GET_HISTORY_BULK_MAX_RESULTS, GET_HISTORY_BULK_MAX_RESULTS);
    const metrics: MetricWithRunId[] = [];
    for (const run_id of runIds) {
      const page = await ctx.tracking.getMetricHistory(run_id, str(req, 'metric_key')!, { max_results: maxResults });
      for (const m of page.items) metrics.push({ ...m, run_id });
    }
    return { metrics: metrics.slice(0, maxResults) };
  },
  SearchDatasets: searchDatasets,
};
