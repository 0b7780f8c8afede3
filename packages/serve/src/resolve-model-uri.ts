/**
 * Model URI → a local directory holding MLmodel. Local paths and `file:` URIs are used in place;
 * `runs:/` and `models:/` are resolved through the stores the caller passes and downloaded to a
 * temporary directory (MLflow's `_download_artifact_from_uri`).
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MlflowError } from '@mlflow-ts/format';
import type { ArtifactRepository, ModelRegistryStore, ModelVersion, TrackingStore } from '@mlflow-ts/format';

export interface ModelUriStores {
  tracking?: TrackingStore;
  registry?: ModelRegistryStore;
  /** Builds an artifact repository for an artifact URI (a run's `artifact_uri`, a version's source). */
  artifacts?: (rootUri: string) => ArtifactRepository;
  /** Where downloads go (default: a fresh temp dir). */
  downloadDir?: string;
}

async function download(repo: ArtifactRepository, sub: string, dest: string): Promise<void> {
  const entries = await repo.listArtifacts(sub || undefined);
  // A file path lists as nothing (or itself): read it directly.
  if (entries.length === 0 || (entries.length === 1 && entries[0]!.path === sub && !entries[0]!.is_dir)) {
    const target = path.join(dest, path.basename(sub));
    await mkdir(path.dirname(target), { recursive: true });
    const chunks: Uint8Array[] = [];
    for await (const c of await repo.readArtifact(sub)) chunks.push(c);
    await writeFile(target, Buffer.concat(chunks));
    return;
  }
  await mkdir(dest, { recursive: true });
  for (const e of entries) {
    const rel = sub ? path.posix.relative(sub, e.path) : e.path;
    if (e.is_dir) await download(repo, e.path, path.join(dest, rel));
    else {
      const chunks: Uint8Array[] = [];
      for await (const c of await repo.readArtifact(e.path)) chunks.push(c);
      await writeFile(path.join(dest, rel), Buffer.concat(chunks));
    }
  }
}

function need<T>(v: T | undefined, what: string, uri: string): T {
  if (!v) throw new MlflowError('INVALID_PARAMETER_VALUE', `Resolving '${uri}' needs a ${what}; none was configured`);
  return v;
}

/** Downloads `subPath` of the artifact root `rootUri` and returns the local directory. */
async function fetchArtifacts(rootUri: string, subPath: string, stores: ModelUriStores, uri: string): Promise<string> {
  const local = localPath(rootUri);
  if (local) return path.join(local, subPath);
  const repo = need(stores.artifacts, 'artifact repository factory', uri)(rootUri);
  const dest = stores.downloadDir ?? (await mkdtemp(path.join(tmpdir(), 'mlflow-ts-model-')));
  await download(repo, subPath.replace(/^\/+|\/+$/g, ''), dest);
  return dest;
}

function localPath(uri: string): string | undefined {
  if (uri.startsWith('file:')) return fileURLToPath(uri.startsWith('file://') ? uri : `file://${uri.slice(5)}`);
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(uri) || /^[a-zA-Z]:[\\/]/.test(uri)) return path.resolve(uri);
  return undefined;
}

async function registryVersion(registry: ModelRegistryStore, spec: string, uri: string): Promise<ModelVersion> {
  const at = spec.lastIndexOf('@');
  if (at > 0) return registry.getModelVersionByAlias(spec.slice(0, at), spec.slice(at + 1));
  const [name, suffix, ...rest] = spec.split('/');
  if (!name || !suffix || rest.length) throw new MlflowError('INVALID_PARAMETER_VALUE', `Not a proper models:/ URI: ${uri}. Models URIs must be of the form 'models:/model_name/suffix' or 'models:/model_name@alias'`);
  if (/^\d+$/.test(suffix)) return registry.getModelVersion(name, suffix);
  const stages = suffix.toLowerCase() === 'latest' ? undefined : [suffix];
  const versions = await registry.getLatestVersions(name, stages);
  const best = versions.sort((a, b) => Number(b.version) - Number(a.version))[0];
  if (!best) throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `No versions of model with name '${name}' and stage '${suffix}' found`);
  return best;
}

/** Returns a local directory for `uri`: a path, `file:`, `runs:/<run_id>/<path>` or `models:/<name>/<version|stage|latest>`, `models:/<name>@<alias>`. */
export async function resolveModelUri(uri: string, stores: ModelUriStores = {}): Promise<string> {
  const local = localPath(uri);
  if (local) return local;
  if (uri.startsWith('runs:/')) {
    const [runId, ...rest] = uri.slice('runs:/'.length).replace(/^\/+/, '').split('/');
    if (!runId) throw new MlflowError('INVALID_PARAMETER_VALUE', `Not a valid runs URI: '${uri}'. Expected runs:/<run_id>/<path>`);
    const run = await need(stores.tracking, 'tracking store', uri).getRun(runId);
    return fetchArtifacts(run.info.artifact_uri, rest.join('/'), stores, uri);
  }
  if (uri.startsWith('models:/')) {
    const registry = need(stores.registry, 'model registry store', uri);
    const mv = await registryVersion(registry, uri.slice('models:/'.length).replace(/^\/+/, ''), uri);
    const source = await registry.getModelVersionDownloadUri(mv.name, mv.version);
    return resolveModelUri(source, stores);
  }
  // Any other scheme: the artifact factory may know it (s3:, mlflow-artifacts:, …).
  return fetchArtifacts(uri, '', stores, uri);
}
