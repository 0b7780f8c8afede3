/**
 * MLflow's REST JSON conventions (proto3-JSON as MLflow post-processes it): unset fields and empty
 * repeated fields are omitted, doubles that are not finite become the strings "NaN", "Infinity",
 * "-Infinity". Entities already use the wire's snake_case names, so these helpers only prune and
 * wrap: what they return is byte-for-byte the body of the matching MLflow endpoint once
 * `JSON.stringify(x, null, 2)` is applied.
 */
import type { Experiment, FileInfo, Metric, Page, Run, RunInfo } from '@mlflow-ts/format';

/** Drops `undefined`/`null` members and empty arrays recursively; non-finite numbers become strings. */
export function toRestJson(value: unknown): unknown {
  if (typeof value === 'number') return restNumber(value);
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map((v) => toRestJson(v));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || v === null) continue;
      if (Array.isArray(v) && v.length === 0) continue;
      out[k] = toRestJson(v);
    }
    return out;
  }
  return value;
}

function restNumber(n: number): number | string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return n;
}

type Json = Record<string, unknown>;

function pageBody<T>(field: string, page: Page<T>): Json {
  return toRestJson({ [field]: page.items, next_page_token: page.next_page_token || undefined }) as Json;
}

/**
 * A run as MLflow serialises it: `data`, `inputs` and `outputs` are always-present messages (MLflow's
 * `Run.to_proto` merges them unconditionally), so they show as `{}` when empty.
 */
function restRun(run: Run): Run {
  return {
    info: run.info,
    data: run.data,
    inputs: run.inputs ?? { dataset_inputs: [] },
    outputs: run.outputs ?? { model_outputs: [] },
  };
}

/** GET /api/2.0/mlflow/runs/get and POST runs/create: `{"run": …}`. */
export function getRunResponse(run: Run): Json {
  return toRestJson({ run: restRun(run) }) as Json;
}

/** POST /api/2.0/mlflow/runs/update: `{"run_info": …}`. */
export function updateRunResponse(runInfo: RunInfo): Json {
  return toRestJson({ run_info: runInfo }) as Json;
}

/** POST /api/2.0/mlflow/runs/search: `{"runs": […], "next_page_token": …}`, `{}` when empty. */
export function searchRunsResponse(page: Page<Run>): Json {
  return pageBody('runs', { ...page, items: page.items.map(restRun) });
}

/** GET /api/2.0/mlflow/metrics/get-history. */
export function getMetricHistoryResponse(page: Page<Metric>): Json {
  return pageBody('metrics', page);
}

/** GET /api/2.0/mlflow/experiments/get and get-by-name: `{"experiment": …}`. */
export function getExperimentResponse(experiment: Experiment): Json {
  return toRestJson({ experiment }) as Json;
}

/** POST /api/2.0/mlflow/experiments/create: `{"experiment_id": …}`. */
export function createExperimentResponse(experimentId: string): Json {
  return { experiment_id: experimentId };
}

/** POST|GET /api/2.0/mlflow/experiments/search. */
export function searchExperimentsResponse(page: Page<Experiment>): Json {
  return pageBody('experiments', page);
}

/** GET /api/2.0/mlflow/artifacts/list: `{"root_uri", "files", "next_page_token"}`. */
export function listArtifactsResponse(rootUri: string, files: FileInfo[], nextPageToken?: string): Json {
  return toRestJson({ root_uri: rootUri, files, next_page_token: nextPageToken || undefined }) as Json;
}

/** MLflow's formatting of a REST body: `json.dumps(…, indent=2)`. */
export function formatRestJson(body: unknown): string {
  return JSON.stringify(toRestJson(body), null, 2);
}
