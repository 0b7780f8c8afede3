/**
 * THE model downloader: a model URI (a path, `file:` — `file:relative` too —, `runs:/`, `models:/`
 * by version, alias, stage, latest or logged-model id, or any artifact URI the caller's factory
 * opens) → a local directory holding MLmodel (MLflow's `_download_artifact_from_uri`). Local models
 * are used in place; remote ones are streamed file by file into a fresh temporary directory that
 * `cleanup` removes, and that is removed before the error when anything fails.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MlflowError } from '../errors.js';
import { MLMODEL_FILE_NAME } from '../mlmodel/mlmodel-yaml.js';
import { parseModelUri } from '../model-uri/model-uri.js';
import { resolveModelUri } from '../model-uri/resolve-model-uri.js';
import type { ModelUriStores } from '../model-uri/resolve-model-uri.js';
import { downloadArtifacts } from './transfer.js';
import type { ProgressCallback } from './transfer.js';

export interface LocalModel {
  /** The directory holding `MLmodel`. */
  dir: string;
  /** The artifact location the URI resolved to. */
  location: string;
  /** True when `dir` is a temporary download that `cleanup` removes. */
  downloaded: boolean;
  /** Removes the temporary download (nothing for a local model); safe to call twice. */
  cleanup(): Promise<void>;
}

export interface DownloadModelOptions {
  /** Where the temporary download directory is created (default: the OS temp dir). */
  tmpDir?: string;
  onProgress?: ProgressCallback;
}

/** A model directory, or an MLmodel file standing for its directory; anything else is refused. */
async function modelDirAt(p: string, uri: string): Promise<string> {
  const st = await stat(p).catch(() => undefined);
  if (!st) throw MlflowError.notFound(`No model found at '${uri}': ${p} does not exist`);
  if (st.isFile()) {
    if (path.basename(p) !== MLMODEL_FILE_NAME) {
      throw MlflowError.invalidParameter(`'${uri}' names a file (${p}), not a model directory or its MLmodel file`);
    }
    return path.dirname(p);
  }
  const mlmodel = await stat(path.join(p, MLMODEL_FILE_NAME)).catch(() => undefined);
  if (!mlmodel?.isFile()) throw MlflowError.notFound(`No model found at '${uri}': ${p} has no MLmodel file`);
  return p;
}

/** `…/model/MLmodel` → `…/model` (a query or fragment stays at the end). */
function withoutMLmodelFile(location: string): string {
  const cut = location.search(/[?#]/);
  const head = cut === -1 ? location : location.slice(0, cut);
  const tail = cut === -1 ? '' : location.slice(cut);
  const trimmed = head.replace(/\/+$/, '');
  return trimmed.endsWith(`/${MLMODEL_FILE_NAME}`)
    ? `${trimmed.slice(0, -MLMODEL_FILE_NAME.length - 1)}${tail}`
    : location;
}

export async function downloadModel(
  uri: string,
  stores: ModelUriStores = {},
  opts: DownloadModelOptions = {},
): Promise<LocalModel> {
  const location = await resolveModelUri(uri, stores);
  const parsed = parseModelUri(location);
  if (parsed.kind === 'file') {
    return {
      dir: await modelDirAt(path.resolve(parsed.path), uri),
      location,
      downloaded: false,
      cleanup: async () => undefined,
    };
  }
  if (parsed.kind !== 'artifact') {
    throw MlflowError.invalidParameter(
      `Cannot download '${uri}': it resolves to '${location}', and there is no tracking store to look that up`,
    );
  }
  if (!stores.artifacts) {
    throw MlflowError.invalidParameter(
      `Cannot download '${uri}' from '${location}': no artifact repository factory was given`,
    );
  }
  const repo = stores.artifacts(withoutMLmodelFile(location));
  const tmp = await mkdtemp(path.join(opts.tmpDir ?? os.tmpdir(), 'mlflow-ts-model-'));
  const cleanup = () => rm(tmp, { recursive: true, force: true });
  try {
    await downloadArtifacts(repo, '', tmp, opts.onProgress);
    return { dir: await modelDirAt(tmp, uri), location, downloaded: true, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
