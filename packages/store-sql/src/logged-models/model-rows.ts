/**
 * Logged-model rows (logged_models, logged_model_tags, logged_model_params, logged_model_metrics) as
 * the wire entity, and the metric rows MLflow writes for metrics logged with a `model_id`.
 */
import { LOGGED_MODEL_STATUSES, LOGGED_MODEL_STATUS_NUMBERS, latestLoggedModelMetrics } from '@mlflow-ts/format';
import type { LoggedModel, LoggedModelStatus, Metric } from '@mlflow-ts/format';
import type { Db } from '../tracking/transactions.js';
import { chunks, groupBy, selectInChunks, selectWhereIn } from '../tracking/transactions.js';

export const IN_CHUNK = 500;

/** The status for MLflow's integer column (unknown numbers read as UNSPECIFIED). */
export function statusOfNumber(n: number): LoggedModelStatus {
  return (
    LOGGED_MODEL_STATUSES.find((s) => LOGGED_MODEL_STATUS_NUMBERS[s] === Number(n)) ?? 'LOGGED_MODEL_STATUS_UNSPECIFIED'
  );
}

interface MetricRow {
  model_id: string;
  metric_name: string;
  metric_timestamp_ms: number;
  metric_step: number;
  metric_value: number | null;
  run_id: string;
  dataset_name: string | null;
  dataset_digest: string | null;
}

function metricEntity(r: MetricRow): Metric {
  const m: Metric = {
    key: r.metric_name,
    value: Number(r.metric_value ?? 0),
    timestamp: Number(r.metric_timestamp_ms),
    step: Number(r.metric_step),
    model_id: r.model_id,
    run_id: r.run_id,
  };
  if (r.dataset_name !== null) m.dataset_name = r.dataset_name;
  if (r.dataset_digest !== null) m.dataset_digest = r.dataset_digest;
  return m;
}

/** The models with these ids (active ones only), in the order of `ids`. */
export async function loadLoggedModels(db: Db, ids: readonly string[]): Promise<LoggedModel[]> {
  if (ids.length === 0) return [];
  const rows = await selectInChunks(ids, IN_CHUNK, (part) =>
    db.selectFrom('logged_models').selectAll().where('model_id', 'in', part).execute(),
  );
  const keyValues = <K extends string, V extends string>(table: string, key: K, value: V) =>
    selectWhereIn<{ model_id: string } & Record<K | V, string>>(
      db,
      table,
      ['model_id', key, value],
      'model_id',
      ids,
      key,
      IN_CHUNK,
    );
  const tags = await keyValues('logged_model_tags', 'tag_key', 'tag_value');
  const params = await keyValues('logged_model_params', 'param_key', 'param_value');
  const metrics: MetricRow[] = await selectInChunks(ids, IN_CHUNK, (part) =>
    db
      .selectFrom('logged_model_metrics')
      .select([
        'model_id',
        'metric_name',
        'metric_timestamp_ms',
        'metric_step',
        'metric_value',
        'run_id',
        'dataset_name',
        'dataset_digest',
      ])
      .where('model_id', 'in', part)
      .orderBy('metric_timestamp_ms')
      .orderBy('metric_step')
      .orderBy('metric_name')
      .execute(),
  );
  const byId = new Map(rows.filter((r) => r.lifecycle_stage !== 'deleted').map((r) => [r.model_id, r]));
  const tagsOf = groupBy(tags, (r) => r.model_id);
  const paramsOf = groupBy(params, (r) => r.model_id);
  const metricsOf = groupBy(metrics, (r) => r.model_id);
  const out: LoggedModel[] = [];
  for (const id of ids) {
    const r = byId.get(id);
    if (!r) continue;
    const info: LoggedModel['info'] = {
      model_id: r.model_id,
      experiment_id: String(r.experiment_id),
      name: r.name,
      creation_timestamp_ms: Number(r.creation_timestamp_ms),
      last_updated_timestamp_ms: Number(r.last_updated_timestamp_ms),
      artifact_uri: r.artifact_location,
      status: statusOfNumber(r.status),
      tags: (tagsOf.get(id) ?? []).map((t) => ({ key: t.tag_key, value: t.tag_value })),
    };
    if (r.model_type !== null) info.model_type = r.model_type;
    if (r.source_run_id !== null) info.source_run_id = r.source_run_id;
    if (r.status_message !== null) info.status_message = r.status_message;
    out.push({
      info,
      data: {
        params: (paramsOf.get(id) ?? []).map((p) => ({ key: p.param_key, value: p.param_value })),
        metrics: latestLoggedModelMetrics((metricsOf.get(id) ?? []).map(metricEntity)),
      },
    });
  }
  return out;
}

const ROWS_PER_INSERT = 1000;

/**
 * The logged_model_metrics rows for the metrics of a batch that carry a `model_id` (MLflow's
 * `_log_model_metrics`, called by log_metric and log_batch in the same transaction as the run's
 * metrics). A point already stored is skipped; NaN is stored as 0 and ±Infinity as ±max float, as
 * MLflow's `sanitize_metric_value` does. An unknown model id fails the write (foreign key).
 */
export async function recordModelMetrics(
  db: Db,
  run: { run_uuid: string; experiment_id: number },
  metrics: readonly Metric[],
): Promise<void> {
  const seen = new Set<string>();
  const rows = [];
  for (const m of metrics) {
    if (!m.model_id) continue;
    const step = m.step ?? 0;
    const id = JSON.stringify([m.model_id, m.key, m.timestamp, step]);
    if (seen.has(id)) continue;
    seen.add(id);
    const value = Number.isNaN(m.value)
      ? 0
      : m.value === Infinity
        ? Number.MAX_VALUE
        : m.value === -Infinity
          ? -Number.MAX_VALUE
          : m.value;
    rows.push({
      model_id: m.model_id,
      metric_name: m.key,
      metric_timestamp_ms: m.timestamp,
      metric_step: step,
      metric_value: value,
      experiment_id: run.experiment_id,
      run_id: run.run_uuid,
      dataset_uuid: null,
      dataset_name: m.dataset_name ?? null,
      dataset_digest: m.dataset_digest ?? null,
    });
  }
  for (const part of chunks(rows, ROWS_PER_INSERT)) {
    await db
      .insertInto('logged_model_metrics')
      .values(part)
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}
