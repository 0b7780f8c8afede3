/**
 * `createSqlTrackingStore`: the TrackingStore contract on MLflow's own SQL schema (SQLite or
 * PostgreSQL, alembic head bf29a5ff90ea), behaving as MLflow's SqlAlchemyStore: experiment ids from
 * the database, experiment 0 "Default" on an empty database, `latest_metrics` maintained as MLflow
 * maintains it, every write one transaction committed before its promise resolves.
 */
import type {
  LoggedModelStore,
  MetricHistoryBulkIntervalRequest,
  MetricWithRunId,
  ModelOutputRef,
  TraceStore,
  TrackingStore,
} from '@mlflow-ts/format';
import type { SqlConnection } from '../connect.js';
import { createSqlLoggedModelStore } from '../logged-models/index.js';
import { createSqlTraceStore } from '../traces/index.js';
import type { TrackingContext } from './context.js';
import * as exps from './experiments.js';
import { importRun } from './import-run.js';
import * as metrics from './run-metrics.js';
import * as runs from './runs.js';

export interface SqlTrackingStoreOptions {
  /** New experiments put artifacts under `<defaultArtifactRoot>/<experiment_id>`. */
  defaultArtifactRoot: string;
}

export type SqlTrackingStore = TrackingStore &
  LoggedModelStore & {
    readonly connection: SqlConnection;
    /** MLflow 3 traces on `trace_info`, `spans`, … (src/traces/). */
    traces: TraceStore;
    logOutputs(runId: string, models: ModelOutputRef[]): Promise<void>;
    getMetricHistoryBulkInterval(req: MetricHistoryBulkIntervalRequest): Promise<MetricWithRunId[]>;
    listDeletedRuns(): Promise<{ run_id: string; experiment_id: string; deleted_time?: number }[]>;
    hardDeleteRun(runId: string): Promise<void>;
    hardDeleteExperiment(experimentId: string): Promise<void>;
    close(): Promise<void>;
  };

/**
 * The store over an open connection whose schema is at head (`ensureSchema`). Creates experiment 0
 * when missing. `close()` closes the connection.
 */
export async function createSqlTrackingStore(
  conn: SqlConnection,
  opts: SqlTrackingStoreOptions,
): Promise<SqlTrackingStore> {
  const ctx: TrackingContext = { conn, artifactRoot: opts.defaultArtifactRoot.replace(/\/+$/, '') };
  await exps.ensureDefaultExperiment(ctx);
  const getExperiment = (id: string) => exps.getExperiment(ctx, id);
  return {
    specificationVersion: 'v1',
    connection: conn,
    // MLflow 3 logged models (`logged_models` and its tables, src/logged-models/) and traces (src/traces/).
    ...createSqlLoggedModelStore(conn, { getExperiment }),
    traces: createSqlTraceStore(conn),

    createExperiment: (req) => exps.createExperiment(ctx, req),
    getExperiment,
    getExperimentByName: (name) => exps.getExperimentByName(ctx, name),
    searchExperiments: (req) => exps.searchExperiments(ctx, req),
    renameExperiment: (id, name) => exps.renameExperiment(ctx, id, name),
    setExperimentTag: (id, tag) => exps.setExperimentTag(ctx, id, tag),
    deleteExperimentTag: (id, key) => exps.deleteExperimentTag(ctx, id, key),
    deleteExperiment: (id) => exps.setExperimentLifecycle(ctx, id, 'deleted'),
    restoreExperiment: (id) => exps.setExperimentLifecycle(ctx, id, 'active'),

    createRun: (req) => runs.createRun(ctx, req),
    importRun: (req) => importRun(ctx, req),
    updateRun: (runId, req) => runs.updateRun(ctx, runId, req),
    getRun: (runId) => runs.getRun(ctx, runId),
    deleteRun: (runId) => runs.setRunLifecycle(ctx, runId, 'deleted'),
    restoreRun: (runId) => runs.setRunLifecycle(ctx, runId, 'active'),
    searchRuns: (req) => runs.searchRuns(ctx, req),

    logMetric: (runId, metric) => metrics.logMetric(ctx, runId, metric),
    logParam: (runId, param) => runs.logParam(ctx, runId, param),
    setTag: (runId, tag) => runs.setTag(ctx, runId, tag),
    deleteTag: (runId, key) => runs.deleteTag(ctx, runId, key),
    logBatch: (runId, batch) => metrics.logBatch(ctx, runId, batch),
    getMetricHistory: (runId, key, req) => metrics.getMetricHistory(ctx, runId, key, req),
    logInputs: (runId, req) => runs.logInputs(ctx, runId, req),
    logOutputs: (runId, models) => runs.logOutputs(ctx, runId, models),
    getMetricHistoryBulkInterval: (req) => metrics.getMetricHistoryBulkInterval(ctx, req),

    listDeletedRuns: () => runs.listDeletedRuns(ctx),
    hardDeleteRun: (runId) => runs.hardDeleteRun(ctx, runId),
    hardDeleteExperiment: (id) => exps.hardDeleteExperiment(ctx, id, runs.deleteRunRows),
    close: () => conn.close(),
  };
}
