/** Model registry RPC handlers (mlflow/server/handlers.py, registry part). */
import { IS_PROMPT_TAG } from '@mlflow-ts/format';
import type { Handler } from './handler-context.js';
import { list, num, present, registryOf, required, str } from './handler-context.js';
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
  async RenameRegisteredModel(ctx, req) {
    required(req, 'name', 'new_name');
    return { registered_model: await registryOf(ctx).renameRegisteredModel(str(req, 'name')!, str(req, 'new_name')!) };
  },
  async UpdateRegisteredModel(ctx, req) {
    required(req, 'name');
    return {
      registered_model: await registryOf(ctx).updateRegisteredModel(str(req, 'name')!, {
        description: str(req, 'description'),
      }),
    };
  },
  async DeleteRegisteredModel(ctx, req) {
    required(req, 'name');
    await registryOf(ctx).deleteRegisteredModel(str(req, 'name')!);
    return {};
  },
  async GetRegisteredModel(ctx, req) {
    required(req, 'name');
    return { registered_model: await registryOf(ctx).getRegisteredModel(str(req, 'name')!) };
  },
  async SearchRegisteredModels(ctx, req) {
    const page = await registryOf(ctx).searchRegisteredModels({
      filter: str(req, 'filter'),
      max_results: num(req, 'max_results'),
      order_by: list(req, 'order_by'),
      page_token: str(req, 'page_token'),
    });
    return { registered_models: page.items, next_page_token: page.next_page_token };
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
  async SetRegisteredModelTag(ctx, req) {
    required(req, 'name', 'key');
    present(req, 'value');
    await registryOf(ctx).setRegisteredModelTag(str(req, 'name')!, str(req, 'key')!, str(req, 'value')!);
    return {};
  },
  async DeleteRegisteredModelTag(ctx, req) {
    required(req, 'name', 'key');
    await registryOf(ctx).deleteRegisteredModelTag(str(req, 'name')!, str(req, 'key')!);
    return {};
  },
  async SetRegisteredModelAlias(ctx, req) {
    required(req, 'name', 'alias', 'version');
    await registryOf(ctx).setRegisteredModelAlias(str(req, 'name')!, str(req, 'alias')!, str(req, 'version')!);
    return {};
  },
  async DeleteRegisteredModelAlias(ctx, req) {
    required(req, 'name', 'alias');
    await registryOf(ctx).deleteRegisteredModelAlias(str(req, 'name')!, str(req, 'alias')!);
    return {};
  },
  async GetModelVersionByAlias(ctx, req) {
    required(req, 'name', 'alias');
    return { model_version: await registryOf(ctx).getModelVersionByAlias(str(req, 'name')!, str(req, 'alias')!) };
  },
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
  async DeleteModelVersion(ctx, req) {
    required(req, 'name', 'version');
    await registryOf(ctx).deleteModelVersion(str(req, 'name')!, str(req, 'version')!);
    return {};
  },
  async GetModelVersion(ctx, req) {
    required(req, 'name', 'version');
    return { model_version: await registryOf(ctx).getModelVersion(str(req, 'name')!, str(req, 'version')!) };
  },
  async SearchModelVersions(ctx, req) {
    const page = await registryOf(ctx).searchModelVersions({
      filter: str(req, 'filter'),
      max_results: num(req, 'max_results'),
      order_by: list(req, 'order_by'),
      page_token: str(req, 'page_token'),
    });
    return { model_versions: page.items, next_page_token: page.next_page_token };
  },
  async GetModelVersionDownloadUri(ctx, req) {
    required(req, 'name', 'version');
    return { artifact_uri: await registryOf(ctx).getModelVersionDownloadUri(str(req, 'name')!, str(req, 'version')!) };
  },
  async SetModelVersionTag(ctx, req) {
    required(req, 'name', 'version', 'key');
    present(req, 'value');
    await registryOf(ctx).setModelVersionTag(
      str(req, 'name')!,
      str(req, 'version')!,
      str(req, 'key')!,
      str(req, 'value')!,
    );
    return {};
  },
  async DeleteModelVersionTag(ctx, req) {
    required(req, 'name', 'version', 'key');
    await registryOf(ctx).deleteModelVersionTag(str(req, 'name')!, str(req, 'version')!, str(req, 'key')!);
    return {};
  },
};
