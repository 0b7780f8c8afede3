/**
 * The one table of RPCs: each names its proto message (request `X`, response `X.Response`), its gRPC
 * service and MLflow's REST route(s) (served under `/api/2.0/mlflow` and `/ajax-api/2.0/mlflow`).
 * The server and both clients read it, so a route is defined once.
 */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface RpcRoute {
  service: 'Tracking' | 'Registry';
  /** REST routes; the first is what the REST client uses. */
  http: { method: HttpMethod; path: string }[];
  /** Reads are allowed for read-only users. */
  read?: boolean;
  /** Served only under `/ajax-api` (MLflow's UI helper routes). */
  ajaxOnly?: boolean;
}

const t = (method: HttpMethod, path: string, read = false): RpcRoute => ({
  service: 'Tracking',
  http: [{ method, path }],
  read,
});
const r = (method: HttpMethod, path: string, read = false): RpcRoute => ({
  service: 'Registry',
  http: [{ method, path }],
  read,
});

export const RPC_ROUTES = {
  GetExperimentByName: t('GET', '/experiments/get-by-name', true),
  CreateExperiment: t('POST', '/experiments/create'),
  SearchExperiments: {
    service: 'Tracking',
    http: [
      { method: 'POST', path: '/experiments/search' },
      { method: 'GET', path: '/experiments/search' },
    ],
    read: true,
  },
  GetExperiment: t('GET', '/experiments/get', true),
  DeleteExperiment: t('POST', '/experiments/delete'),
  RestoreExperiment: t('POST', '/experiments/restore'),
  UpdateExperiment: t('POST', '/experiments/update'),
  SetExperimentTag: t('POST', '/experiments/set-experiment-tag'),
  DeleteExperimentTag: t('POST', '/experiments/delete-experiment-tag'),
  CreateRun: t('POST', '/runs/create'),
  UpdateRun: t('POST', '/runs/update'),
  DeleteRun: t('POST', '/runs/delete'),
  RestoreRun: t('POST', '/runs/restore'),
  LogMetric: t('POST', '/runs/log-metric'),
  LogParam: t('POST', '/runs/log-parameter'),
  SetTag: t('POST', '/runs/set-tag'),
  DeleteTag: t('POST', '/runs/delete-tag'),
  GetRun: t('GET', '/runs/get', true),
  SearchRuns: t('POST', '/runs/search', true),
  LogBatch: t('POST', '/runs/log-batch'),
  LogModel: t('POST', '/runs/log-model'),
  LogInputs: t('POST', '/runs/log-inputs'),
  LogOutputs: t('POST', '/runs/outputs'),
  ListArtifacts: t('GET', '/artifacts/list', true),
  GetMetricHistory: t('GET', '/metrics/get-history', true),
  GetMetricHistoryBulkInterval: t('GET', '/metrics/get-history-bulk-interval', true),
  GetMetricHistoryBulk: { ...t('GET', '/metrics/get-history-bulk', true), ajaxOnly: true },
  SearchDatasets: { ...t('POST', '/experiments/search-datasets', true), ajaxOnly: true },
  // MLflow 3 logged models: `{name}` segments are path parameters, filled from the request field of that name.
  CreateLoggedModel: t('POST', '/logged-models'),
  SearchLoggedModels: t('POST', '/logged-models/search', true),
  GetLoggedModel: t('GET', '/logged-models/{model_id}', true),
  FinalizeLoggedModel: t('PATCH', '/logged-models/{model_id}'),
  DeleteLoggedModel: t('DELETE', '/logged-models/{model_id}'),
  SetLoggedModelTags: t('PATCH', '/logged-models/{model_id}/tags'),
  DeleteLoggedModelTag: t('DELETE', '/logged-models/{model_id}/tags/{tag_key}'),
  ListLoggedModelArtifacts: t('GET', '/logged-models/{model_id}/artifacts/directories', true),
  LogLoggedModelParams: t('POST', '/logged-models/{model_id}/params'),

  CreateRegisteredModel: r('POST', '/registered-models/create'),
  RenameRegisteredModel: r('POST', '/registered-models/rename'),
  UpdateRegisteredModel: r('PATCH', '/registered-models/update'),
  DeleteRegisteredModel: r('DELETE', '/registered-models/delete'),
  GetRegisteredModel: r('GET', '/registered-models/get', true),
  SearchRegisteredModels: r('GET', '/registered-models/search', true),
  GetLatestVersions: {
    service: 'Registry',
    http: [
      { method: 'POST', path: '/registered-models/get-latest-versions' },
      { method: 'GET', path: '/registered-models/get-latest-versions' },
    ],
    read: true,
  },
  SetRegisteredModelTag: r('POST', '/registered-models/set-tag'),
  DeleteRegisteredModelTag: r('DELETE', '/registered-models/delete-tag'),
  SetRegisteredModelAlias: r('POST', '/registered-models/alias'),
  DeleteRegisteredModelAlias: r('DELETE', '/registered-models/alias'),
  GetModelVersionByAlias: r('GET', '/registered-models/alias', true),
  CreateModelVersion: r('POST', '/model-versions/create'),
  UpdateModelVersion: r('PATCH', '/model-versions/update'),
  TransitionModelVersionStage: r('POST', '/model-versions/transition-stage'),
  DeleteModelVersion: r('DELETE', '/model-versions/delete'),
  GetModelVersion: r('GET', '/model-versions/get', true),
  SearchModelVersions: r('GET', '/model-versions/search', true),
  GetModelVersionDownloadUri: r('GET', '/model-versions/get-download-uri', true),
  SetModelVersionTag: r('POST', '/model-versions/set-tag'),
  DeleteModelVersionTag: r('DELETE', '/model-versions/delete-tag'),
} satisfies Record<string, RpcRoute>;

export type RpcName = keyof typeof RPC_ROUTES;

export const API_PREFIXES = ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow'] as const;
export const ARTIFACTS_PREFIX = '/api/2.0/mlflow-artifacts/artifacts';

const PATH_PARAM = /\{(\w+)\}/g;

/** The path parameters of a route path (`/logged-models/{model_id}` → `['model_id']`). */
export function pathParams(path: string): string[] {
  return [...path.matchAll(PATH_PARAM)].map((m) => m[1] ?? '');
}

/** A route path with its parameters filled from `values`, each percent-encoded as one segment. */
export function fillPath(path: string, values: Record<string, unknown>): string {
  return path.replace(PATH_PARAM, (_, name: string) => encodeURIComponent(String(values[name] ?? '')));
}

export function routeOf(name: RpcName): RpcRoute {
  return RPC_ROUTES[name] as RpcRoute;
}
