/** A ModelRegistryStore that forwards every call over a Transport (REST or gRPC). */
import type { ModelRegistryStore, ModelVersion, RegisteredModel } from '@mlflow-ts/format';
import type { Transport } from './transport.js';
import { page } from './transport.js';

export function createRegistryClient(t: Transport): ModelRegistryStore {
  const rm = async (name: Parameters<Transport['call']>[0], req: object) =>
    (await t.call(name, req)).registered_model as RegisteredModel;
  const mv = async (name: Parameters<Transport['call']>[0], req: object) =>
    (await t.call(name, req)).model_version as ModelVersion;
  return {
    specificationVersion: 'v1',
    createRegisteredModel: (req) => rm('CreateRegisteredModel', req),
    getRegisteredModel: (name) => rm('GetRegisteredModel', { name }),
    renameRegisteredModel: (name, newName) => rm('RenameRegisteredModel', { name, new_name: newName }),
    updateRegisteredModel: (name, req) => rm('UpdateRegisteredModel', { name, ...req }),
    async deleteRegisteredModel(name) {
      await t.call('DeleteRegisteredModel', { name });
    },
    async searchRegisteredModels(req = {}) {
      return page<RegisteredModel>(await t.call('SearchRegisteredModels', req), 'registered_models');
    },
    async setRegisteredModelTag(name, key, value) {
      await t.call('SetRegisteredModelTag', { name, key, value });
    },
    async deleteRegisteredModelTag(name, key) {
      await t.call('DeleteRegisteredModelTag', { name, key });
    },
    async getLatestVersions(name, stages) {
      return (await t.call('GetLatestVersions', { name, stages: stages ?? [] })).model_versions as ModelVersion[];
    },
    async setRegisteredModelAlias(name, alias, version) {
      await t.call('SetRegisteredModelAlias', { name, alias, version });
    },
    async deleteRegisteredModelAlias(name, alias) {
      await t.call('DeleteRegisteredModelAlias', { name, alias });
    },
    getModelVersionByAlias: (name, alias) => mv('GetModelVersionByAlias', { name, alias }),
    createModelVersion: (req) => mv('CreateModelVersion', req),
    getModelVersion: (name, version) => mv('GetModelVersion', { name, version }),
    updateModelVersion: (name, version, req) => mv('UpdateModelVersion', { name, version, ...req }),
    async deleteModelVersion(name, version) {
      await t.call('DeleteModelVersion', { name, version });
    },
    transitionModelVersionStage: (name, version, stage, archive) =>
      mv('TransitionModelVersionStage', { name, version, stage, archive_existing_versions: archive }),
    async searchModelVersions(req = {}) {
      return page<ModelVersion>(await t.call('SearchModelVersions', req), 'model_versions');
    },
    async getModelVersionDownloadUri(name, version) {
      return (await t.call('GetModelVersionDownloadUri', { name, version })).artifact_uri as string;
    },
    async setModelVersionTag(name, version, key, value) {
      await t.call('SetModelVersionTag', { name, version, key, value });
    },
    async deleteModelVersionTag(name, version, key) {
      await t.call('DeleteModelVersionTag', { name, version, key });
    },
    async close() {
      await t.close();
    },
  };
}
