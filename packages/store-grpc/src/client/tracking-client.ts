/** A TrackingStore that forwards every call over a Transport (REST or gRPC). */
import { MlflowError } from '@mlflow-ts/format';
import type { Experiment, Metric, MetricWithRunId, Run, RunInfo, TrackingStore } from '@mlflow-ts/format';
import { createLoggedModelClient } from './logged-model-client.js';
import type { Transport } from './transport.js';
import { page } from './transport.js';

/** MLflow's client page size for metric history (GET_METRIC_HISTORY_MAX_RESULTS). */
const HISTORY_PAGE = 25000;
/** search-experiments has no server default (0 → 400 on MLflow): send the client's. */
const SEARCH_EXPERIMENTS_DEFAULT = 1000;

export function createTrackingClient(t: Transport): TrackingStore {
  return {
    specificationVersion: 'v1',
    ...createLoggedModelClient(t),
    async createExperiment(req) {
      return (await t.call('CreateExperiment', req)).experiment_id as string;
    },
    async getExperiment(experimentId) {
      return (await t.call('GetExperiment', { experiment_id: experimentId })).experiment as Experiment;
    },
    async getExperimentByName(name) {
      try {
        return (await t.call('GetExperimentByName', { experiment_name: name })).experiment as Experiment;
      } catch (e) {
        if (MlflowError.isInstance(e) && e.code === 'RESOURCE_DOES_NOT_EXIST') return null;
        throw e;
      }
    },
    async searchExperiments(req = {}) {
      return page<Experiment>(
        await t.call('SearchExperiments', { ...req, max_results: req.max_results ?? SEARCH_EXPERIMENTS_DEFAULT }),
        'experiments',
      );
    },
    async renameExperiment(experimentId, newName) {
      await t.call('UpdateExperiment', { experiment_id: experimentId, new_name: newName });
    },
    async setExperimentTag(experimentId, tag) {
      await t.call('SetExperimentTag', { experiment_id: experimentId, key: tag.key, value: tag.value });
    },
    async deleteExperimentTag(experimentId, key) {
      await t.call('DeleteExperimentTag', { experiment_id: experimentId, key });
    },
    async deleteExperiment(experimentId) {
      await t.call('DeleteExperiment', { experiment_id: experimentId });
    },
    async restoreExperiment(experimentId) {
      await t.call('RestoreExperiment', { experiment_id: experimentId });
    },
    async createRun(req) {
      return (await t.call('CreateRun', req)).run as Run;
    },
    async updateRun(runId, req) {
      return (await t.call('UpdateRun', { run_id: runId, run_uuid: runId, ...req })).run_info as RunInfo;
    },
    async getRun(runId) {
      return (await t.call('GetRun', { run_id: runId })).run as Run;
    },
    async deleteRun(runId) {
      await t.call('DeleteRun', { run_id: runId });
    },
    async restoreRun(runId) {
      await t.call('RestoreRun', { run_id: runId });
    },
    async searchRuns(req) {
      return page<Run>(await t.call('SearchRuns', req), 'runs');
    },
    async logMetric(runId, metric) {
      await t.call('LogMetric', { ...metric, run_id: runId, run_uuid: runId });
    },
    async logParam(runId, param) {
      await t.call('LogParam', { run_id: runId, run_uuid: runId, key: param.key, value: param.value });
    },
    async setTag(runId, tag) {
      await t.call('SetTag', { run_id: runId, run_uuid: runId, key: tag.key, value: tag.value });
    },
    async deleteTag(runId, key) {
      await t.call('DeleteTag', { run_id: runId, key });
    },
    async logBatch(runId, batch) {
      await t.call('LogBatch', {
        run_id: runId,
        metrics: batch.metrics ?? [],
        params: batch.params ?? [],
        tags: batch.tags ?? [],
      });
    },
    async getMetricHistory(runId, metricKey, req) {
      const ask = (max_results: number, page_token?: string) =>
        t.call('GetMetricHistory', { run_id: runId, run_uuid: runId, metric_key: metricKey, max_results, page_token });
      if (req?.max_results !== undefined) return page<Metric>(await ask(req.max_results, req.page_token), 'metrics');
      // Without max_results the contract returns everything: follow pages as MLflow's client does.
      const items: Metric[] = [];
      let token = req?.page_token;
      do {
        const p = page<Metric>(await ask(HISTORY_PAGE, token), 'metrics');
        items.push(...p.items);
        token = p.next_page_token;
      } while (token);
      return { items };
    },
    async logInputs(runId, req) {
      await t.call('LogInputs', { run_id: runId, datasets: req.datasets ?? [], models: req.models ?? [] });
    },
    async logOutputs(runId, models) {
      await t.call('LogOutputs', { run_id: runId, models });
    },
    async getMetricHistoryBulkInterval(req) {
      return ((await t.call('GetMetricHistoryBulkInterval', req)).metrics as MetricWithRunId[]) ?? [];
    },
    async close() {
      await t.close();
    },
  };
}
