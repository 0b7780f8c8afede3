/** A run as the memory tracking store keeps it, and its conversion to MLflow's Run entity. */
import type { DatasetInput, Metric, ModelInputRef, ModelOutputRef, Page, Run, RunInfo } from '../entities.js';
import { MlflowError } from '../errors.js';
import { paginate } from '../search/index.js';
import type { CreateRunRequest, MetricHistoryRequest } from '../tracking-store.js';
import { RUN_NAME_TAG, latestMetrics, resolveRunName, validateTag } from '../validation/index.js';

export interface RunRecord {
  info: RunInfo;
  params: Map<string, string>;
  tags: Map<string, string>;
  /** Every logged point, in log order. */
  metrics: Metric[];
  datasetInputs: DatasetInput[];
  modelInputs: ModelInputRef[];
  modelOutputs: ModelOutputRef[];
  deleted_time?: number;
}

function newRunId(): string {
  return globalThis.crypto.randomUUID().replace(/-/g, '');
}

/** MLflow's run-name rule: `run_name` and tag `mlflow.runName` must agree; neither → a random name. */
export function createRunRecord(experimentId: string, experimentLocation: string, req: CreateRunRequest): RunRecord {
  const tags = new Map<string, string>();
  (req.tags ?? []).forEach((t, i) => {
    const v = validateTag(t, `tags[${i}]`);
    tags.set(v.key, v.value);
  });
  const tagName = tags.get(RUN_NAME_TAG);
  const runName = resolveRunName(req.run_name, tagName);
  tags.set(RUN_NAME_TAG, runName);
  const runId = newRunId();
  return {
    info: {
      run_id: runId,
      run_uuid: runId,
      run_name: runName,
      experiment_id: experimentId,
      user_id: req.user_id ?? '',
      status: 'RUNNING',
      start_time: req.start_time ?? Date.now(),
      artifact_uri: `${experimentLocation.replace(/\/+$/, '')}/${runId}/artifacts`,
      lifecycle_stage: 'active',
    },
    params: new Map(),
    tags,
    metrics: [],
    datasetInputs: [],
    modelInputs: [],
    modelOutputs: [],
  };
}

function metricEntity(m: Metric): Metric {
  const out: Metric = { key: m.key, value: m.value, timestamp: m.timestamp, step: m.step };
  if (m.dataset_name !== undefined) out.dataset_name = m.dataset_name;
  if (m.dataset_digest !== undefined) out.dataset_digest = m.dataset_digest;
  if (m.model_id !== undefined) out.model_id = m.model_id;
  return out;
}

/** A detached copy, shaped like MLflow's GetRun answer. */
export function runEntity(r: RunRecord): Run {
  const run: Run = {
    info: structuredClone(r.info),
    data: {
      metrics: latestMetrics(r.metrics).map(metricEntity),
      params: [...r.params].map(([key, value]) => ({ key, value })),
      tags: [...r.tags].map(([key, value]) => ({ key, value })),
    },
    inputs: { dataset_inputs: structuredClone(r.datasetInputs) },
  };
  if (r.modelInputs.length > 0) run.inputs.model_inputs = r.modelInputs.map((m) => ({ ...m }));
  if (r.modelOutputs.length > 0) run.outputs = { model_outputs: r.modelOutputs.map((m) => ({ ...m })) };
  return run;
}

/** One key's history in log order; without `max_results` all of it. */
export function metricHistoryPage(r: RunRecord, key: string, req?: MetricHistoryRequest): Page<Metric> {
  const history = r.metrics.filter((m) => m.key === key).map(metricEntity);
  if (req?.max_results === undefined && req?.page_token === undefined) return { items: history };
  return paginate(history, req.max_results ?? 25000, req.page_token);
}
