/** The model registry contract: one method per MLflow registry RPC. */
import type { ModelVersion, ModelVersionStage, Page, RegisteredModel } from './entities.js';

export interface SearchRegistryRequest {
  filter?: string;
  max_results?: number;
  order_by?: string[];
  page_token?: string;
}

export interface CreateModelVersionRequest {
  name: string;
  /** `runs:/…`, `models:/…` or an artifact location inside the store's roots. */
  source: string;
  run_id?: string;
  tags?: { key: string; value: string }[];
  run_link?: string;
  description?: string;
  model_id?: string;
}

export interface ModelRegistryStore {
  readonly specificationVersion: 'v1';

  createRegisteredModel(req: {
    name: string;
    tags?: { key: string; value: string }[];
    description?: string;
  }): Promise<RegisteredModel>;
  getRegisteredModel(name: string): Promise<RegisteredModel>;
  renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel>;
  updateRegisteredModel(name: string, req: { description?: string }): Promise<RegisteredModel>;
  deleteRegisteredModel(name: string): Promise<void>;
  searchRegisteredModels(req?: SearchRegistryRequest): Promise<Page<RegisteredModel>>;
  setRegisteredModelTag(name: string, key: string, value: string): Promise<void>;
  deleteRegisteredModelTag(name: string, key: string): Promise<void>;
  /** For each stage (default: all four) the highest version in it. */
  getLatestVersions(name: string, stages?: string[]): Promise<ModelVersion[]>;

  setRegisteredModelAlias(name: string, alias: string, version: string): Promise<void>;
  deleteRegisteredModelAlias(name: string, alias: string): Promise<void>;
  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion>;

  /** Version numbers are assigned atomically: concurrent creators never share one. */
  createModelVersion(req: CreateModelVersionRequest): Promise<ModelVersion>;
  getModelVersion(name: string, version: string): Promise<ModelVersion>;
  updateModelVersion(name: string, version: string, req: { description?: string }): Promise<ModelVersion>;
  deleteModelVersion(name: string, version: string): Promise<void>;
  transitionModelVersionStage(
    name: string,
    version: string,
    stage: ModelVersionStage | string,
    archiveExistingVersions: boolean,
  ): Promise<ModelVersion>;
  searchModelVersions(req?: SearchRegistryRequest): Promise<Page<ModelVersion>>;
  getModelVersionDownloadUri(name: string, version: string): Promise<string>;
  setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void>;
  deleteModelVersionTag(name: string, version: string, key: string): Promise<void>;

  close?(): Promise<void>;
}
