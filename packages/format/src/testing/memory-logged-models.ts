/**
 * Logged models for the in-memory reference store: MLflow's semantics (FileStore where stores
 * differ). `recordMetric` links a metric logged with `model_id` to its model, as `logMetric` and
 * `logBatch` do in MLflow.
 */
import type { Metric } from '../entities.js';
import { MlflowError } from '../errors.js';
import {
  checkLoggedModelId,
  generateLoggedModelName,
  latestLoggedModelMetrics,
  loggedModelArtifactLocation,
  newLoggedModelId,
  validateLoggedModelName,
} from '../logged-model.js';
import type { LoggedModel, LoggedModelInfo } from '../logged-model.js';
import { validateCreateLoggedModel } from '../logged-model-create.js';
import type { LoggedModelStore } from '../logged-model-store.js';
import { searchLoggedModelsInMemory } from '../search/logged-models.js';
import { validateParam, validateTag, validateTagKey } from '../validation/index.js';

interface ModelRecord {
  info: Omit<LoggedModelInfo, 'tags'>;
  tags: Map<string, string>;
  params: Map<string, string>;
  metrics: Metric[];
  deleted: boolean;
}

export interface MemoryLoggedModels {
  store: LoggedModelStore;
  /** Called for every metric a run logs; metrics with a known `model_id` are linked to that model. */
  recordMetric(runId: string, metric: Metric): void;
}

export function createMemoryLoggedModels(
  experiment: (id: string) => { artifact_location: string; lifecycle_stage: string },
): MemoryLoggedModels {
  const models = new Map<string, ModelRecord>();
  let lastTime = 0;
  // Strictly increasing, so the default order (creation DESC) is deterministic within one millisecond.
  const now = () => (lastTime = Math.max(Date.now(), lastTime + 1));

  const entity = (r: ModelRecord): LoggedModel => ({
    info: { ...r.info, tags: [...r.tags].map(([key, value]) => ({ key, value })) },
    data: {
      params: [...r.params].map(([key, value]) => ({ key, value })),
      metrics: latestLoggedModelMetrics(r.metrics),
    },
  });
  const get = (modelId: string): ModelRecord => {
    const r = models.get(checkLoggedModelId(modelId));
    if (!r || r.deleted) throw MlflowError.notFound(`Model '${modelId}' not found`);
    return r;
  };

  const store: LoggedModelStore = {
    async createLoggedModel(req) {
      validateLoggedModelName(req.name);
      const exp = experiment(req.experiment_id);
      const { params, tags } = validateCreateLoggedModel(req, exp);
      const modelId = newLoggedModelId();
      const t = now();
      const info: ModelRecord['info'] = {
        model_id: modelId,
        experiment_id: req.experiment_id,
        name: req.name ?? generateLoggedModelName(),
        creation_timestamp_ms: t,
        last_updated_timestamp_ms: t,
        artifact_uri: loggedModelArtifactLocation(exp.artifact_location, modelId),
        status: 'LOGGED_MODEL_PENDING',
      };
      // Kept as given: MLflow's server passes the proto default '' for fields a client left out.
      if (req.model_type !== undefined) info.model_type = req.model_type;
      if (req.source_run_id !== undefined) info.source_run_id = req.source_run_id;
      const r: ModelRecord = {
        info,
        tags: new Map(tags.map((x) => [x.key, x.value])),
        params: new Map(params.map((x) => [x.key, x.value])),
        metrics: [],
        deleted: false,
      };
      models.set(modelId, r);
      return entity(r);
    },
    async finalizeLoggedModel(modelId, status) {
      const r = get(modelId);
      r.info.status = status;
      r.info.last_updated_timestamp_ms = now();
      return entity(r);
    },
    async getLoggedModel(modelId) {
      return entity(get(modelId));
    },
    async deleteLoggedModel(modelId) {
      get(modelId).deleted = true;
    },
    async searchLoggedModels(req) {
      const all = [...models.values()].filter((r) => !r.deleted).map(entity);
      return searchLoggedModelsInMemory(all, { ...req, experiment_ids: req.experiment_ids ?? [] });
    },
    async setLoggedModelTags(modelId, tags) {
      const r = get(modelId);
      const valid = tags.map((t) => validateTag(t));
      for (const t of valid) r.tags.set(t.key, t.value);
    },
    async deleteLoggedModelTag(modelId, key) {
      validateTagKey(key);
      const r = get(modelId);
      if (!r.tags.delete(key))
        throw MlflowError.notFound(`No tag with key '${key}' found for model with ID '${modelId}'.`);
    },
    async logLoggedModelParams(modelId, params) {
      const valid = params.map((p) => validateParam(p));
      const r = get(modelId);
      for (const p of valid) r.params.set(p.key, p.value);
    },
  };

  return {
    store,
    recordMetric(runId, metric) {
      if (!metric.model_id) return;
      const r = models.get(metric.model_id);
      if (!r) return;
      r.metrics.push({ ...metric, step: metric.step ?? 0, model_id: metric.model_id, run_id: runId });
    },
  };
}
