/**
 * The in-memory reference ModelRegistryStore. Version numbers come from a per-model counter that
 * never goes back (deleted versions' numbers are not reused, as in MLflow), and every method runs
 * to completion before the next, so concurrent creators always get distinct versions.
 */
import type { ModelVersion, ModelVersionStage, RegisteredModel } from '../entities.js';
import { MlflowError } from '../errors.js';
import type { CreateModelVersionRequest, ModelRegistryStore, SearchRegistryRequest } from '../registry-store.js';
import { searchModelVersionsInMemory, searchRegisteredModelsInMemory } from '../search/index.js';
import {
  canonicalStage,
  validateModelAlias,
  validateModelVersion,
  validateRegisteredModelName,
  validateRegistryTagValue,
  validateTagKey,
} from '../validation/index.js';

interface VersionRecord {
  version: Omit<ModelVersion, 'tags' | 'aliases'>;
  tags: Map<string, string>;
  deleted: boolean;
}

interface ModelRecord {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  description?: string;
  tags: Map<string, string>;
  /** alias → version number */
  aliases: Map<string, number>;
  versions: Map<number, VersionRecord>;
  lastVersion: number;
}

function tagList(tags: Map<string, string>): { key: string; value: string }[] {
  return [...tags].map(([key, value]) => ({ key, value }));
}

function checkTag(key: string, value: string): void {
  validateTagKey(key);
  validateRegistryTagValue(value);
}

/** Sources whose path climbs out of its root (`..` segments, also URL-encoded) or holds NUL. */
function checkSource(source: string): void {
  let decoded = source;
  for (let i = 0; i < 10; i++) {
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      break;
    }
    if (next === decoded) break;
    decoded = next;
  }
  if (decoded.includes('\0') || decoded.split(/[/\\]/).includes('..')) {
    throw new MlflowError('INVALID_PARAMETER_VALUE', `Invalid model version source: '${source}'.`);
  }
}

export function createMemoryRegistryStore(): ModelRegistryStore {
  const models = new Map<string, ModelRecord>();

  function getModel(name: string): ModelRecord {
    validateRegisteredModelName(name);
    const m = models.get(name);
    if (!m) throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `Registered Model with name=${name} not found`);
    return m;
  }
  function getVersion(name: string, version: string): { model: ModelRecord; v: VersionRecord } {
    const model = getModel(name);
    const n = validateModelVersion(version);
    const v = model.versions.get(n);
    if (!v || v.deleted)
      throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `Model Version (name=${name}, version=${n}) not found`);
    return { model, v };
  }
  function versionEntity(model: ModelRecord, v: VersionRecord): ModelVersion {
    const n = Number(v.version.version);
    const aliases = [...model.aliases].filter(([, num]) => num === n).map(([a]) => a);
    return { ...structuredClone(v.version), tags: tagList(v.tags), aliases };
  }
  function liveVersions(model: ModelRecord): VersionRecord[] {
    return [...model.versions.values()].filter((v) => !v.deleted);
  }
  function latestVersions(model: ModelRecord, stages?: string[]): ModelVersion[] {
    const wanted = stages && stages.length > 0 ? stages.map(canonicalStage) : undefined;
    const best = new Map<ModelVersionStage, VersionRecord>();
    for (const v of liveVersions(model)) {
      const stage = v.version.current_stage;
      if (wanted && !wanted.includes(stage)) continue;
      const cur = best.get(stage);
      if (!cur || Number(cur.version.version) < Number(v.version.version)) best.set(stage, v);
    }
    return [...best.values()].map((v) => versionEntity(model, v));
  }
  function modelEntity(m: ModelRecord): RegisteredModel {
    const out: RegisteredModel = {
      name: m.name,
      creation_timestamp: m.creation_timestamp,
      last_updated_timestamp: m.last_updated_timestamp,
      latest_versions: latestVersions(m),
      tags: tagList(m.tags),
      aliases: [...m.aliases].map(([alias, version]) => ({ alias, version: String(version) })),
    };
    if (m.description !== undefined) out.description = m.description;
    return out;
  }
  function touch(m: ModelRecord, v?: VersionRecord): void {
    const now = Date.now();
    m.last_updated_timestamp = now;
    if (v) v.version.last_updated_timestamp = now;
  }

  const store: ModelRegistryStore = {
    specificationVersion: 'v1',

    async createRegisteredModel(req) {
      const name = validateRegisteredModelName(req.name);
      if (models.has(name))
        throw new MlflowError('RESOURCE_ALREADY_EXISTS', `Registered Model (name=${name}) already exists.`);
      for (const t of req.tags ?? []) checkTag(t.key, t.value);
      const now = Date.now();
      const m: ModelRecord = {
        name,
        creation_timestamp: now,
        last_updated_timestamp: now,
        tags: new Map((req.tags ?? []).map((t) => [t.key, t.value])),
        aliases: new Map(),
        versions: new Map(),
        lastVersion: 0,
      };
      if (req.description !== undefined) m.description = req.description;
      models.set(name, m);
      return modelEntity(m);
    },
    async getRegisteredModel(name) {
      return modelEntity(getModel(name));
    },
    async renameRegisteredModel(name, newName) {
      const m = getModel(name);
      validateRegisteredModelName(newName);
      if (models.has(newName))
        throw new MlflowError('RESOURCE_ALREADY_EXISTS', `Registered Model (name=${newName}) already exists.`);
      models.delete(name);
      m.name = newName;
      for (const v of m.versions.values()) v.version.name = newName;
      touch(m);
      models.set(newName, m);
      return modelEntity(m);
    },
    async updateRegisteredModel(name, req) {
      const m = getModel(name);
      if (req.description !== undefined) m.description = req.description;
      touch(m);
      return modelEntity(m);
    },
    async deleteRegisteredModel(name) {
      getModel(name);
      models.delete(name);
    },
    async searchRegisteredModels(req: SearchRegistryRequest = {}) {
      return searchRegisteredModelsInMemory([...models.values()].map(modelEntity), req);
    },
    async setRegisteredModelTag(name, key, value) {
      const m = getModel(name);
      checkTag(key, value);
      m.tags.set(key, value);
    },
    async deleteRegisteredModelTag(name, key) {
      getModel(name).tags.delete(key);
    },
    async getLatestVersions(name, stages) {
      return latestVersions(getModel(name), stages);
    },

    async setRegisteredModelAlias(name, alias, version) {
      validateModelAlias(alias);
      const { model, v } = getVersion(name, version);
      model.aliases.set(alias, Number(v.version.version));
      touch(model);
    },
    async deleteRegisteredModelAlias(name, alias) {
      validateModelAlias(alias, { allowReserved: true });
      const m = getModel(name);
      if (m.aliases.delete(alias)) touch(m);
    },
    async getModelVersionByAlias(name, alias) {
      validateModelAlias(alias, { allowReserved: true });
      const m = getModel(name);
      if (alias.toLowerCase() === 'latest') {
        const live = liveVersions(m);
        const top = live.reduce<VersionRecord | undefined>(
          (a, v) => (!a || Number(v.version.version) > Number(a.version.version) ? v : a),
          undefined,
        );
        if (top) return versionEntity(m, top);
      }
      const n = m.aliases.get(alias);
      const v = n === undefined ? undefined : m.versions.get(n);
      if (!v || v.deleted)
        throw new MlflowError('INVALID_PARAMETER_VALUE', `Registered model alias ${alias} not found.`);
      return versionEntity(m, v);
    },

    async createModelVersion(req: CreateModelVersionRequest) {
      const m = getModel(req.name);
      if (!req.source)
        throw new MlflowError('INVALID_PARAMETER_VALUE', "Missing value for required parameter 'source'.");
      checkSource(req.source);
      for (const t of req.tags ?? []) checkTag(t.key, t.value);
      const n = ++m.lastVersion;
      const now = Date.now();
      const version: VersionRecord['version'] = {
        name: m.name,
        version: String(n),
        creation_timestamp: now,
        last_updated_timestamp: now,
        current_stage: 'None',
        source: req.source,
        status: 'READY',
      };
      if (req.run_id) version.run_id = req.run_id;
      if (req.run_link) version.run_link = req.run_link;
      if (req.description !== undefined) version.description = req.description;
      if (req.model_id) version.model_id = req.model_id;
      const v: VersionRecord = {
        version,
        tags: new Map((req.tags ?? []).map((t) => [t.key, t.value])),
        deleted: false,
      };
      m.versions.set(n, v);
      touch(m);
      return versionEntity(m, v);
    },
    async getModelVersion(name, version) {
      const { model, v } = getVersion(name, version);
      return versionEntity(model, v);
    },
    async updateModelVersion(name, version, req) {
      const { model, v } = getVersion(name, version);
      if (req.description !== undefined) v.version.description = req.description;
      touch(model, v);
      return versionEntity(model, v);
    },
    async deleteModelVersion(name, version) {
      const { model, v } = getVersion(name, version);
      v.deleted = true;
      const n = Number(v.version.version);
      for (const [alias, num] of model.aliases) if (num === n) model.aliases.delete(alias);
      touch(model);
    },
    async transitionModelVersionStage(name, version, stage, archiveExistingVersions) {
      const target = canonicalStage(stage);
      if (archiveExistingVersions && target !== 'Staging' && target !== 'Production') {
        throw new MlflowError(
          'INVALID_PARAMETER_VALUE',
          `Model version transition cannot archive existing model versions because '${target}' is not an Active stage. ` +
            'Valid stages are Staging, Production',
        );
      }
      const { model, v } = getVersion(name, version);
      if (archiveExistingVersions) {
        for (const other of liveVersions(model)) {
          if (other !== v && other.version.current_stage === target) {
            other.version.current_stage = 'Archived';
            touch(model, other);
          }
        }
      }
      v.version.current_stage = target;
      touch(model, v);
      return versionEntity(model, v);
    },
    async searchModelVersions(req: SearchRegistryRequest = {}) {
      const all = [...models.values()].flatMap((m) => liveVersions(m).map((v) => versionEntity(m, v)));
      return searchModelVersionsInMemory(all, req);
    },
    async getModelVersionDownloadUri(name, version) {
      return getVersion(name, version).v.version.source;
    },
    async setModelVersionTag(name, version, key, value) {
      const { model, v } = getVersion(name, version);
      checkTag(key, value);
      v.tags.set(key, value);
      touch(model, v);
    },
    async deleteModelVersionTag(name, version, key) {
      getVersion(name, version).v.tags.delete(key);
    },
  };
  return store;
}
