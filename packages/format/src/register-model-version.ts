/**
 * `mlflow.register_model` over the store interfaces, shared by the client and the flavors'
 * `logModel(..., { registeredModelName })`: creates the registered model when missing, then a version
 * whose source is the model's storage location. A `runs:/<id>/<path>` URI becomes the run's artifact
 * location (as MLflow does), so registry readers can fetch the files without the run; the version
 * keeps the run id. An optional alias (e.g. `champion`) is pointed at the new version.
 */
import type { ModelVersion } from './entities.js';
import { MlflowError } from './errors.js';
import { MODEL_VERSIONS_TAG, modelVersionsTagValue } from './logged-model.js';
import { parseModelUri } from './model-uri/index.js';
import type { ModelRegistryStore } from './registry-store.js';
import type { TrackingStore } from './tracking-store.js';

export interface RegisterModelVersionOptions {
  tags?: Record<string, string>;
  description?: string;
  alias?: string;
}

/** The newest logged model named `name` that run `runId` produced (MLflow's `_get_logged_models_from_run`). */
async function loggedModelIdOfRun(
  tracking: Pick<TrackingStore, 'searchLoggedModels'>,
  experimentId: string,
  runId: string,
  name: string,
): Promise<string | undefined> {
  if (!tracking.searchLoggedModels || /['\\]/.test(name)) return undefined;
  const page = await tracking.searchLoggedModels({
    experiment_ids: [experimentId],
    filter: `name = '${name}' AND source_run_id = '${runId}'`,
    max_results: 1,
  });
  return page.items[0]?.info.model_id;
}

export async function registerModelVersion(
  stores: {
    tracking: Pick<TrackingStore, 'getRun' | 'getLoggedModel' | 'setLoggedModelTags' | 'searchLoggedModels'>;
    registry: ModelRegistryStore;
  },
  modelUri: string,
  name: string,
  opts: RegisterModelVersionOptions = {},
): Promise<ModelVersion> {
  try {
    await stores.registry.createRegisteredModel({ name });
  } catch (e) {
    if (!(MlflowError.isInstance(e) && e.code === 'RESOURCE_ALREADY_EXISTS')) throw e;
  }
  let source = modelUri;
  let runId: string | undefined;
  const parsed = parseModelUri(modelUri);
  let modelId = parsed.kind === 'logged-model' ? parsed.modelId : undefined;
  if (parsed.kind === 'runs') {
    runId = parsed.runId;
    const run = await stores.tracking.getRun(parsed.runId);
    const sub = parsed.path.replace(/^\/+|\/+$/g, '');
    // MLflow 3: a model logged by the run under that name (a LoggedModel) is registered as
    // `models:/<model_id>`; otherwise the files in the run's artifacts are (a model logged MLflow 2 style).
    modelId = sub ? await loggedModelIdOfRun(stores.tracking, run.info.experiment_id, run.info.run_id, sub) : undefined;
    if (modelId !== undefined) source = `models:/${modelId}`;
    else source = sub ? `${run.info.artifact_uri.replace(/\/+$/, '')}/${sub}` : run.info.artifact_uri;
  }
  // `models:/<model_id>` (an MLflow 3 logged model) stays the source; the version links the model
  // and its source run, as MLflow's register_model does.
  if (modelId !== undefined && stores.tracking.getLoggedModel) {
    const runOfModel = (await stores.tracking.getLoggedModel(modelId)).info.source_run_id;
    if (runOfModel) runId = runOfModel;
  }
  const version = await stores.registry.createModelVersion({
    name,
    source,
    ...(runId !== undefined ? { run_id: runId } : {}),
    ...(opts.tags ? { tags: Object.entries(opts.tags).map(([key, value]) => ({ key, value })) } : {}),
    ...(opts.description !== undefined ? { description: opts.description } : {}),
    ...(modelId !== undefined ? { model_id: modelId } : {}),
  });
  if (modelId !== undefined && stores.tracking.getLoggedModel && stores.tracking.setLoggedModelTags) {
    // MLflow's client appends the version (as a string) to the model's mlflow.modelVersions tag.
    const model = await stores.tracking.getLoggedModel(modelId);
    const existing = model.info.tags.find((t) => t.key === MODEL_VERSIONS_TAG)?.value;
    const value = modelVersionsTagValue(existing, { name, version: version.version });
    await stores.tracking.setLoggedModelTags(modelId, [{ key: MODEL_VERSIONS_TAG, value }]);
  }
  if (opts.alias) await stores.registry.setRegisteredModelAlias(name, opts.alias, version.version);
  return opts.alias ? stores.registry.getModelVersion(name, version.version) : version;
}
