/** MLflow's rows as the wire entities of @mlflow-ts/format (the mapping MLflow's `to_mlflow_entity` does). */
import type { Selectable } from 'kysely';
import type { Dataset, DatasetInput, Experiment, Metric, Run, RunInfo, RunStatus } from '@mlflow-ts/format';
import { fromDbBool } from '../connect.js';
import type { DatasetsTable, ExperimentsTable, RunsTable } from '../db-types.js';
import type { Db } from './transactions.js';
import { chunks, groupBy } from './transactions.js';

type Row<T> = Selectable<T>;

const byKey = <T extends { key: string }>(a: T, b: T) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

export function metricEntity(row: {
  key: string;
  value: number;
  timestamp: number | null;
  step: number;
  is_nan: boolean | number;
}): Metric {
  return {
    key: row.key,
    value: fromDbBool(row.is_nan) ? NaN : Number(row.value),
    timestamp: Number(row.timestamp ?? 0),
    step: Number(row.step),
  };
}

export function experimentEntity(
  row: Row<ExperimentsTable>,
  tags: { key: string; value: string | null }[],
): Experiment {
  const e: Experiment = {
    experiment_id: String(row.experiment_id),
    name: row.name,
    artifact_location: row.artifact_location ?? '',
    lifecycle_stage: row.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
    tags: tags.map((t) => ({ key: t.key, value: t.value ?? '' })).sort(byKey),
  };
  if (row.creation_time !== null && row.creation_time !== undefined) e.creation_time = Number(row.creation_time);
  if (row.last_update_time !== null && row.last_update_time !== undefined)
    e.last_update_time = Number(row.last_update_time);
  return e;
}

export function runInfoEntity(row: Row<RunsTable>): RunInfo {
  const info: RunInfo = {
    run_id: row.run_uuid,
    run_uuid: row.run_uuid,
    run_name: row.name ?? '',
    experiment_id: String(row.experiment_id ?? ''),
    user_id: row.user_id ?? '',
    status: (row.status ?? 'RUNNING') as RunStatus,
    start_time: Number(row.start_time ?? 0),
    artifact_uri: row.artifact_uri ?? '',
    lifecycle_stage: row.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
  };
  if (row.end_time !== null && row.end_time !== undefined) info.end_time = Number(row.end_time);
  return info;
}

function datasetEntity(row: Row<DatasetsTable>): Dataset {
  const d: Dataset = {
    name: row.name,
    digest: row.digest,
    source_type: row.dataset_source_type,
    source: row.dataset_source,
  };
  if (row.dataset_schema !== null) d.schema = row.dataset_schema;
  if (row.dataset_profile !== null) d.profile = row.dataset_profile;
  return d;
}

/** Bound parameters per IN list: well under SQLite's and PostgreSQL's limits. */
export const IN_CHUNK = 500;

/**
 * Whole runs (info, latest metrics, params, tags, dataset and model inputs, model outputs) for
 * `runIds`, in that order; ids without a row are left out.
 */
export async function loadRuns(db: Db, runIds: readonly string[]): Promise<Run[]> {
  const out: Run[] = [];
  for (const ids of chunks(runIds, IN_CHUNK)) {
    if (ids.length === 0) continue;
    const [runs, metrics, params, tags, inputs, edges] = await Promise.all([
      db.selectFrom('runs').selectAll().where('run_uuid', 'in', ids).execute(),
      db.selectFrom('latest_metrics').selectAll().where('run_uuid', 'in', ids).execute(),
      db.selectFrom('params').selectAll().where('run_uuid', 'in', ids).execute(),
      db.selectFrom('tags').selectAll().where('run_uuid', 'in', ids).execute(),
      db
        .selectFrom('inputs as i')
        .innerJoin('datasets as d', 'd.dataset_uuid', 'i.source_id')
        .select([
          'i.input_uuid',
          'i.destination_id',
          'd.dataset_uuid',
          'd.experiment_id',
          'd.name',
          'd.digest',
          'd.dataset_source_type',
          'd.dataset_source',
          'd.dataset_schema',
          'd.dataset_profile',
        ])
        .where('i.source_type', '=', 'DATASET')
        .where('i.destination_type', '=', 'RUN')
        .where('i.destination_id', 'in', ids)
        .execute(),
      db
        .selectFrom('inputs')
        .select(['source_type', 'source_id', 'destination_id', 'step'])
        .where('source_type', 'in', ['RUN_INPUT', 'RUN_OUTPUT'])
        .where('source_id', 'in', ids)
        .execute(),
    ]);
    const inputUuids = inputs.map((i) => i.input_uuid);
    const inputTags = new Map<string, { key: string; value: string }[]>();
    for (const part of chunks(inputUuids, IN_CHUNK)) {
      const rows = await db.selectFrom('input_tags').selectAll().where('input_uuid', 'in', part).execute();
      for (const t of rows) {
        const list = inputTags.get(t.input_uuid) ?? [];
        list.push({ key: t.name, value: t.value });
        inputTags.set(t.input_uuid, list);
      }
    }
    const metricsBy = groupBy(metrics, (r) => r.run_uuid);
    const paramsBy = groupBy(params, (r) => r.run_uuid);
    const tagsBy = groupBy(tags, (r) => r.run_uuid);
    const inputsBy = groupBy(inputs, (r) => r.destination_id);
    const edgesBy = groupBy(edges, (r) => r.source_id);
    const rowsById = new Map(runs.map((r) => [r.run_uuid, r]));
    for (const id of ids) {
      const row = rowsById.get(id);
      if (!row) continue;
      const datasetInputs: DatasetInput[] = [];
      const seen = new Set<string>();
      for (const i of inputsBy.get(id) ?? []) {
        if (seen.has(i.dataset_uuid)) continue;
        seen.add(i.dataset_uuid);
        const tagList = (inputTags.get(i.input_uuid) ?? []).sort(byKey);
        datasetInputs.push({ tags: tagList, dataset: datasetEntity(i as unknown as Row<DatasetsTable>) });
      }
      const run: Run = {
        info: runInfoEntity(row),
        data: {
          metrics: (metricsBy.get(id) ?? []).map(metricEntity).sort(byKey),
          params: (paramsBy.get(id) ?? []).map((p) => ({ key: p.key, value: p.value })).sort(byKey),
          tags: (tagsBy.get(id) ?? []).map((t) => ({ key: t.key, value: t.value ?? '' })).sort(byKey),
        },
        inputs: { dataset_inputs: datasetInputs },
      };
      const runEdges = edgesBy.get(id) ?? [];
      const modelInputs = runEdges
        .filter((e) => e.source_type === 'RUN_INPUT')
        .map((e) => ({ model_id: e.destination_id }));
      const modelOutputs = runEdges
        .filter((e) => e.source_type === 'RUN_OUTPUT')
        .map((e) => ({ model_id: e.destination_id, step: Number(e.step) }));
      if (modelInputs.length > 0) run.inputs.model_inputs = modelInputs;
      if (modelOutputs.length > 0) run.outputs = { model_outputs: modelOutputs };
      out.push(run);
    }
  }
  return out;
}
