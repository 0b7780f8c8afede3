/**
 * Reading registry entities from disk. Nothing is cached: every call reads the files, so writes by
 * other processes (another mlflow-ts, MLflow itself) are always seen.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MlflowError, canonicalStage, validateModelVersion, validateRegisteredModelName } from '@mlflow-ts/format';
import type { ModelVersion, ModelVersionStage, RegisteredModel } from '@mlflow-ts/format';
import { RegistryLayout, readAliases, readMeta, readTags } from './registry-layout.js';
import { isDeletedVersionMeta, modelFromMeta, versionFromMeta, versionNumberOf } from './registry-meta.js';
import { notFound } from './model-lock.js';

export interface ModelFiles {
  name: string;
  dir: string;
  meta: Record<string, unknown>;
}

export interface VersionFiles {
  number: number;
  dir: string;
  meta: Record<string, unknown>;
}

export class RegistryFiles {
  readonly layout: RegistryLayout;

  constructor(root: string) {
    this.layout = new RegistryLayout(root);
  }

  /** The model's directory and meta.yaml; RESOURCE_DOES_NOT_EXIST when absent. */
  model(name: string): ModelFiles {
    validateRegisteredModelName(name);
    const dir = this.layout.modelDir(name);
    const meta = readMeta(dir);
    if (!meta) throw notFound(name);
    return { name, dir, meta };
  }

  exists(name: string): boolean {
    return fs.existsSync(path.join(this.layout.modelDir(name), 'meta.yaml'));
  }

  /** Every version on disk, soft-deleted ones included, ascending. */
  allVersions(model: ModelFiles): VersionFiles[] {
    const out: VersionFiles[] = [];
    for (const n of this.layout.versionNumbers(model.dir)) {
      const dir = path.join(model.dir, `version-${n}`);
      const meta = readMeta(dir);
      if (meta) out.push({ number: versionNumberOf(meta, n), dir, meta });
    }
    return out;
  }

  liveVersions(model: ModelFiles): VersionFiles[] {
    return this.allVersions(model).filter((v) => !isDeletedVersionMeta(v.meta));
  }

  /** A live version; RESOURCE_DOES_NOT_EXIST for missing or deleted ones. */
  version(model: ModelFiles, version: string | number): VersionFiles {
    const n = validateModelVersion(version);
    const dir = path.join(model.dir, `version-${n}`);
    const meta = readMeta(dir);
    if (!meta || isDeletedVersionMeta(meta)) {
      throw MlflowError.notFound(`Model Version (name=${model.name}, version=${n}) not found`);
    }
    return { number: n, dir, meta };
  }

  versionEntity(model: ModelFiles, v: VersionFiles, aliases = readAliases(model.dir)): ModelVersion {
    const names = [...aliases].filter(([, n]) => n === v.number).map(([a]) => a);
    return versionFromMeta(v.meta, model.name, v.number, readTags(v.dir), names);
  }

  /** For each wanted stage (default all four) the highest live version in it. */
  latestVersions(model: ModelFiles, stages?: string[], aliases = readAliases(model.dir)): ModelVersion[] {
    const wanted = stages && stages.length > 0 ? new Set(stages.map(canonicalStage)) : undefined;
    const best = new Map<ModelVersionStage, VersionFiles>();
    for (const v of this.liveVersions(model)) {
      const stage = canonicalStageOrNone(v.meta.current_stage);
      if (wanted && !wanted.has(stage)) continue;
      const cur = best.get(stage);
      if (!cur || cur.number < v.number) best.set(stage, v);
    }
    return [...best.values()].map((v) => this.versionEntity(model, v, aliases));
  }

  modelEntity(model: ModelFiles): RegisteredModel {
    const aliases = readAliases(model.dir);
    // Aliases left pointing at a deleted version (a crash between the two writes) are not shown.
    const live = new Set(this.liveVersions(model).map((v) => v.number));
    for (const [alias, n] of aliases) if (!live.has(n)) aliases.delete(alias);
    return modelFromMeta(
      model.meta,
      model.name,
      readTags(model.dir),
      aliases,
      this.latestVersions(model, undefined, aliases),
    );
  }

  /** Every registered model, skipping (with a warning) ones whose files cannot be read. */
  allModels(warn: (message: string) => void): ModelFiles[] {
    const out: ModelFiles[] = [];
    for (const name of this.layout.modelNames()) {
      try {
        const meta = readMeta(this.layout.modelDir(name));
        if (meta) out.push({ name, dir: this.layout.modelDir(name), meta });
      } catch (e) {
        warn(`skipping registered model '${name}': ${(e as Error).message}`);
      }
    }
    return out;
  }
}

function canonicalStageOrNone(stage: unknown): ModelVersionStage {
  try {
    return canonicalStage(stage);
  } catch {
    return 'None';
  }
}
