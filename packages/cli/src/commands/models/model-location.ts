/**
 * Turns what the user typed (a model directory, an MLmodel file, a `file:` URI, `runs:/<id>/<path>`
 * or `models:/<name>/<version>`) into a local directory holding the MLmodel. Remote models are
 * downloaded into a temporary directory that `cleanup` removes.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { MlflowClient } from '@mlflow-ts/client';
import { MlflowError, parseModelUri, type ModelUri } from '@mlflow-ts/format';
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

async function downloaded(source: string, fetch: (dst: string) => Promise<string>): Promise<LocalModel> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'mlflow-ts-model-'));
  const cleanup = () => rm(tmp, { recursive: true, force: true });
  try {
    return { ...(await localModel(await fetch(tmp), source, cleanup)), remote: true };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** The version a registered-model URI points at (number, alias, stage or latest). */
async function registeredVersion(c: MlflowClient, u: Extract<ModelUri, { kind: 'models' }>): Promise<string> {
  if ('version' in u) return u.version;
  if ('alias' in u) return (await c.getModelVersionByAlias(u.name, u.alias)).version;
  const stages = 'stage' in u ? [u.stage] : undefined;
  const versions = await c.getLatestVersions(u.name, stages);
  if (versions.length === 0) {
    throw MlflowError.notFound(`No versions of model '${u.name}'${'stage' in u ? ` in stage '${u.stage}'` : ''} found`);
  }
  return String(Math.max(...versions.map((v) => Number(v.version))));
}

export async function resolveModel(client: () => MlflowClient, uriOrPath: string): Promise<LocalModel> {
  const u = parseModelUri(uriOrPath);
  switch (u.kind) {
    case 'file':
      return localModel(path.resolve(u.path), uriOrPath);
    case 'runs': {
      const c = client();
      return downloaded(uriOrPath, (dst) => c.downloadArtifacts(u.runId, u.path.replace(/\/+$/, ''), dst));
    }
    case 'models': {
      const c = client();
      const version = await registeredVersion(c, u);
      const uri = await c.getModelVersionDownloadUri(u.name, version);
      return downloaded(uriOrPath, async (dst) => {
        const local = await c.downloadArtifactsFromUri(uri, dst);
        return u.subPath ? path.join(local, ...u.subPath.split('/')) : local;
      });
    }
    case 'artifact': {
      const c = client();
      return downloaded(uriOrPath, (dst) => c.downloadArtifactsFromUri(u.uri, dst));
    }
    case 'logged-model':
      throw new UsageError(`Logged-model URIs (${uriOrPath}) are not supported here: use runs:/<run_id>/<path> or a local path`);
  }
}
