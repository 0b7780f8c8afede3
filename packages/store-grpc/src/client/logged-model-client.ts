/** The logged-model capability over a Transport (REST or gRPC): MLflow 3's logged-models endpoints. */
import type { LoggedModel, LoggedModelStore } from '@mlflow-ts/format';
import type { Transport } from './transport.js';
import { page } from './transport.js';

/** The store contract's default page size (MLflow's store default; its handler's proto default is 50). */
const SEARCH_DEFAULT_MAX_RESULTS = 100;

export function createLoggedModelClient(t: Transport): LoggedModelStore {
  const model = (res: Record<string, unknown>) => res.model as LoggedModel;
  return {
    async createLoggedModel(req) {
      return model(await t.call('CreateLoggedModel', req));
    },
    async finalizeLoggedModel(modelId, status) {
      return model(await t.call('FinalizeLoggedModel', { model_id: modelId, status }));
    },
    async getLoggedModel(modelId) {
      return model(await t.call('GetLoggedModel', { model_id: modelId }));
    },
    async deleteLoggedModel(modelId) {
      await t.call('DeleteLoggedModel', { model_id: modelId });
    },
    async searchLoggedModels(req) {
      const res = await t.call('SearchLoggedModels', {
        ...req,
        max_results: req.max_results ?? SEARCH_DEFAULT_MAX_RESULTS,
      });
      return page<LoggedModel>(res, 'models');
    },
    async setLoggedModelTags(modelId, tags) {
      await t.call('SetLoggedModelTags', { model_id: modelId, tags });
    },
    async deleteLoggedModelTag(modelId, key) {
      await t.call('DeleteLoggedModelTag', { model_id: modelId, tag_key: key });
    },
    async logLoggedModelParams(modelId, params) {
      await t.call('LogLoggedModelParams', { model_id: modelId, params });
    },
  };
}
