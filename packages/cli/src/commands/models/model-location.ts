/**
 * Turns what the user typed (a model directory, an MLmodel file, a `file:` URI, `runs:/<id>/<path>`
 * or `models:/<name>/<version>`) into a local directory holding the MLmodel. Remote models are
 * downloaded into a temporary directory that `cleanup` removes.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { localPathOfUri, uriScheme, type MlflowClient } from '@mlflow-ts/client';
import { MlflowError } from '@mlflow-ts/format';
import { UsageError } from '../../usage-error.js';

export interface LocalModel {
  /** The directory holding `MLmodel`. */
  dir: string;
  /** What the user asked for, for messages. */
  source: string;
  /** True when `dir` is a temporary download of a runs:/ or models:/ URI. */
  remote: boolean;
  cleanup(): Promise<void>;
}

async function localModel(p: string, source: string, cleanup: () => Promise<void> = async () => undefined): Promise<LocalModel> {
  let st;
  try {
    st = await stat(p);
  } catch {
    throw new UsageError(`No model found at '${source}': ${p} does not exist`);
  }
  const dir = st.isDirectory() ? p : path.dirname(p);
  if (!st.isDirectory() && path.basename(p) !== 'MLmodel') {
    throw new UsageError(`'${source}' is a file but not an MLmodel file`);
  }
  return { dir, source, remote: false, cleanup };
}

async function downloaded(client: MlflowClient, source: string, fetch: (dst: string) => Promise<string>): Promise<LocalModel> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'mlflow-ts-model-'));
  const cleanup = () => rm(tmp, { recursive: true, force: true });
  try {
    return { ...(await localModel(await fetch(tmp), source, cleanup)), remote: true };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

export async function resolveModel(client: () => MlflowClient, uriOrPath: string): Promise<LocalModel> {
  const scheme = uriScheme(uriOrPath);
  if (scheme === 'file') return localModel(localPathOfUri(uriOrPath), uriOrPath);
  if (scheme === 'runs') {
    const m = /^runs:\/+([^/]+)\/?(.*)$/.exec(uriOrPath);
    if (!m || !m[1]) throw MlflowError.invalidParameter(`Not a proper runs:/ URI: ${uriOrPath}. Runs URIs must be of the form 'runs:/<run_id>/run-relative/path/to/artifact'`);
    const [, runId, artifactPath] = m;
    const c = client();
    return downloaded(c, uriOrPath, (dst) => c.downloadArtifacts(runId!, artifactPath!.replace(/\/+$/, ''), dst));
  }
  if (scheme === 'models') {
    const m = /^models:\/+([^/@]+)(?:\/([^/]+)|@(.+))$/.exec(uriOrPath);
    if (!m) throw MlflowError.invalidParameter(`Not a proper models:/ URI: ${uriOrPath}. Use models:/<name>/<version> or models:/<name>@<alias>`);
    const [, name, version, alias] = m;
    const c = client();
    const v = alias !== undefined ? (await c.getModelVersionByAlias(name!, alias)).version : version!;
    const uri = await c.getModelVersionDownloadUri(name!, v);
    return downloaded(c, uriOrPath, (dst) => c.downloadArtifactsFromUri(uri, dst));
  }
  throw new UsageError(`Unsupported model location '${uriOrPath}' (scheme '${scheme}'): use a path, file:, runs:/ or models:/ URI`);
}
