/**
 * The model-registry half of `MlflowClient`. Each method delegates to the `ModelRegistryStore` the
 * tracking URI resolved to; a URI whose store has no registry answers FEATURE_DISABLED, as MLflow
 * does for a tracking server without a registry.
 */
import { MlflowError } from '@mlflow-ts/format';
import type {
  ModelRegistryStore,
  ModelVersion,
  ModelVersionStage,
  Page,
  RegisteredModel,
  SearchRegistryRequest,
} from '@mlflow-ts/format';

export interface SearchRegistryOptions {
  filterString?: string;
  maxResults?: number;
  orderBy?: string[];
  pageToken?: string;
}

type KV = { key: string; value: string };

function kvList(tags: Record<string, string> | undefined): KV[] | undefined {
  return tags ? Object.entries(tags).map(([key, value]) => ({ key, value })) : undefined;
}

function searchRequest(opts: SearchRegistryOptions, defaultMax: number): SearchRegistryRequest {
  return {
    max_results: opts.maxResults ?? defaultMax,
    ...(opts.filterString ? { filter: opts.filterString } : {}),
    ...(opts.orderBy?.length ? { order_by: opts.orderBy } : {}),
    ...(opts.pageToken ? { page_token: opts.pageToken } : {}),
  };
}

export abstract class RegistryMethods {
  protected abstract registryStore(): Promise<ModelRegistryStore | undefined>;

  protected async registry(): Promise<ModelRegistryStore> {
    const store = await this.registryStore();
    if (!store) {
      throw new MlflowError('FEATURE_DISABLED', 'The model registry is not available for this tracking URI');
    }
    return store;
  }

  async createRegisteredModel(
    name: string,
    opts: { tags?: Record<string, string>; description?: string } = {},
  ): Promise<RegisteredModel> {
    const tags = kvList(opts.tags);
    return (await this.registry()).createRegisteredModel({
      name,
      ...(tags ? { tags } : {}),
      ...(opts.description !== undefined ? { description: opts.description } : {}),
    });
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    return (await this.registry()).getRegisteredModel(name);
  }

  async renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
    return (await this.registry()).renameRegisteredModel(name, newName);
  }

  async updateRegisteredModel(name: string, description?: string): Promise<RegisteredModel> {
    return (await this.registry()).updateRegisteredModel(name, description !== undefined ? { description } : {});
  }

  async deleteRegisteredModel(name: string): Promise<void> {
    await (await this.registry()).deleteRegisteredModel(name);
  }

  /** MLflow's default page size for registered models is 100. */
  async searchRegisteredModels(opts: SearchRegistryOptions = {}): Promise<Page<RegisteredModel>> {
    return (await this.registry()).searchRegisteredModels(searchRequest(opts, 100));
  }

  async setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    await (await this.registry()).setRegisteredModelTag(name, key, value);
  }

  async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    await (await this.registry()).deleteRegisteredModelTag(name, key);
  }

  async getLatestVersions(name: string, stages?: string[]): Promise<ModelVersion[]> {
    return (await this.registry()).getLatestVersions(name, stages);
  }

  async setRegisteredModelAlias(name: string, alias: string, version: string | number): Promise<void> {
    await (await this.registry()).setRegisteredModelAlias(name, alias, String(version));
  }

  async deleteRegisteredModelAlias(name: string, alias: string): Promise<void> {
    await (await this.registry()).deleteRegisteredModelAlias(name, alias);
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    return (await this.registry()).getModelVersionByAlias(name, alias);
  }

  async createModelVersion(
    name: string,
    source: string,
    opts: {
      runId?: string;
      tags?: Record<string, string>;
      runLink?: string;
      description?: string;
      modelId?: string;
    } = {},
  ): Promise<ModelVersion> {
    const tags = kvList(opts.tags);
    return (await this.registry()).createModelVersion({
      name,
      source,
      ...(opts.runId !== undefined ? { run_id: opts.runId } : {}),
      ...(tags ? { tags } : {}),
      ...(opts.runLink !== undefined ? { run_link: opts.runLink } : {}),
      ...(opts.description !== undefined ? { description: opts.description } : {}),
      ...(opts.modelId !== undefined ? { model_id: opts.modelId } : {}),
    });
  }

  async getModelVersion(name: string, version: string | number): Promise<ModelVersion> {
    return (await this.registry()).getModelVersion(name, String(version));
  }

  async updateModelVersion(name: string, version: string | number, description?: string): Promise<ModelVersion> {
    return (await this.registry()).updateModelVersion(
      name,
      String(version),
      description !== undefined ? { description } : {},
    );
  }

  async deleteModelVersion(name: string, version: string | number): Promise<void> {
    await (await this.registry()).deleteModelVersion(name, String(version));
  }

  async transitionModelVersionStage(
    name: string,
    version: string | number,
    stage: ModelVersionStage | string,
    archiveExistingVersions = false,
  ): Promise<ModelVersion> {
    return (await this.registry()).transitionModelVersionStage(name, String(version), stage, archiveExistingVersions);
  }

  /** MLflow's client default page size for model versions is 10000. */
  async searchModelVersions(opts: SearchRegistryOptions = {}): Promise<Page<ModelVersion>> {
    return (await this.registry()).searchModelVersions(searchRequest(opts, 10_000));
  }

  async getModelVersionDownloadUri(name: string, version: string | number): Promise<string> {
    return (await this.registry()).getModelVersionDownloadUri(name, String(version));
  }

  async setModelVersionTag(name: string, version: string | number, key: string, value: string): Promise<void> {
    await (await this.registry()).setModelVersionTag(name, String(version), key, value);
  }

  async deleteModelVersionTag(name: string, version: string | number, key: string): Promise<void> {
    await (await this.registry()).deleteModelVersionTag(name, String(version), key);
  }
}
