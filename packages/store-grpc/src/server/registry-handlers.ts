/** Model registry RPC handlers (mlflow/server/handlers.py, registry part). */
import { IS_PROMPT_TAG } from '@mlflow-ts/format';
import type { Handler } from './handler-context.js';
import { byFields, list, pageAnswer, present, registryOf, required, searchArgs, str } from './handler-context.js';
import { recordModelVersionOnLoggedModel } from './logged-model-handlers.js';
import { assertSafeModelSource } from './uri-guards.js';

type Tag = { key: string; value: string };

export const REGISTRY_HANDLERS: Record<string, Handler> = {
  async CreateRegisteredModel(ctx, req) {
    required(req, 'name');
    const registered_model = await registryOf(ctx).createRegisteredModel({
      name: str(req, 'name')!,
      tags: list<Tag>(req, 'tags'),
      description: str(req, 'description'),
    });
    return { registered_model };
  },
  RenameRegisteredModel: byFields({ required: ['name', 'new_name'], answer: 'registered_model' }, (ctx, name, to) =>
    registryOf(ctx).renameRegisteredModel(name, to),
  ),
  async UpdateRegisteredModel(ctx, req) {
    required(req, 'name');
    return {
      registered_model: await registryOf(ctx).updateRegisteredModel(str(req, 'name')!, {
        description: str(req, 'description'),
      }),
    };
  },
  DeleteRegisteredModel: byFields({ required: ['name'] }, (ctx, name) => registryOf(ctx).deleteRegisteredModel(name)),
  GetRegisteredModel: byFields({ required: ['name'], answer: 'registered_model' }, (ctx, name) =>
    registryOf(ctx).getRegisteredModel(name),
  ),
  async SearchRegisteredModels(ctx, req) {
    return pageAnswer('registered_models', await registryOf(ctx).searchRegisteredModels(searchArgs(req)));
  },
  async GetLatestVersions(ctx, req) {
    required(req, 'name');
    const stages = list(req, 'stages');
    return {
      model_versions: await registryOf(ctx).getLatestVersions(
        str(req, 'name')!,
        stages && stages.length > 0 ? stages : undefined,
      ),
    };
  },
  SetRegisteredModelTag: byFields({ required: ['name', 'key'], present: ['value'] }, (ctx, name, key, value) =>
    registryOf(ctx).setRegisteredModelTag(name, key, value),
  ),
  DeleteRegisteredModelTag: byFields({ required: ['name', 'key'] }, (ctx, name, key) =>
    registryOf(ctx).deleteRegisteredModelTag(name, key),
  ),
  SetRegisteredModelAlias: byFields({ required: ['name', 'alias', 'version'] }, (ctx, name, alias, version) =>
    registryOf(ctx).setRegisteredModelAlias(name, alias, version),
  ),
  DeleteRegisteredModelAlias: byFields({ required: ['name', 'alias'] }, (ctx, name, alias) =>
    registryOf(ctx).deleteRegisteredModelAlias(name, alias),
  ),
  GetModelVersionByAlias: byFields({ required: ['name', 'alias'], answer: 'model_version' }, (ctx, name, alias) =>
    registryOf(ctx).getModelVersionByAlias(name, alias),
  ),
  async CreateModelVersion(ctx, req) {
    required(req, 'name', 'source');
    // As MLflow's handler: a prompt version's source is a placeholder, not a location to follow.
    if (!(list<Tag>(req, 'tags') ?? []).some((t) => t.key === IS_PROMPT_TAG))
      assertSafeModelSource(str(req, 'source')!, ctx.allowedRoots);
    const model_version = await registryOf(ctx).createModelVersion({
      name: str(req, 'name')!,
      source: str(req, 'source')!,
      run_id: str(req, 'run_id') || undefined,
      tags: list<Tag>(req, 'tags'),
      run_link: str(req, 'run_link'),
      description: str(req, 'description'),
      model_id: str(req, 'model_id') || undefined,
    });
    const modelId = str(req, 'model_id');
    // As MLflow's handler: the logged model lists its versions in tag mlflow.modelVersions.
    if (modelId && !(list<Tag>(req, 'tags') ?? []).some((t) => t.key === IS_PROMPT_TAG)) {
      await recordModelVersionOnLoggedModel(ctx, model_version.name, model_version.version, modelId);
    }
    return { model_version };
  },
  async UpdateModelVersion(ctx, req) {
    required(req, 'name', 'version');
    return {
      model_version: await registryOf(ctx).updateModelVersion(str(req, 'name')!, str(req, 'version')!, {
        description: str(req, 'description'),
      }),
    };
  },
  async TransitionModelVersionStage(ctx, req) {
    required(req, 'name', 'version', 'stage');
    present(req, 'archive_existing_versions');
    const model_version = await registryOf(ctx).transitionModelVersionStage(
      str(req, 'name')!,
      str(req, 'version')!,
      str(req, 'stage')!,
      req.archive_existing_versions as boolean,
    );
    return { model_version };
  },
  DeleteModelVersion: byFields({ required: ['name', 'version'] }, (ctx, name, version) =>
    registryOf(ctx).deleteModelVersion(name, version),
  ),
  GetModelVersion: byFields({ required: ['name', 'version'], answer: 'model_version' }, (ctx, name, version) =>
    registryOf(ctx).getModelVersion(name, version),
  ),
  async SearchModelVersions(ctx, req) {
    return pageAnswer('model_versions', await registryOf(ctx).searchModelVersions(searchArgs(req)));
  },
  GetModelVersionDownloadUri: byFields(
    { required: ['name', 'version'], answer: 'artifact_uri' },
    (ctx, name, version) => registryOf(ctx).getModelVersionDownloadUri(name, version),
  ),
  SetModelVersionTag: byFields(
    { required: ['name', 'version', 'key'], present: ['value'] },
    (ctx, name, version, key, value) => registryOf(ctx).setModelVersionTag(name, version, key, value),
  ),
  DeleteModelVersionTag: byFields({ required: ['name', 'version', 'key'] }, (ctx, name, version, key) =>
    registryOf(ctx).deleteModelVersionTag(name, version, key),
  ),
};
