/**
 * A model URI (local path, file:, runs:/, models:/ by version, alias, stage or latest, or any
 * artifact URI the client's stores reach) as a local directory holding MLmodel. Remote models are
 * downloaded into a temporary directory that `cleanup` removes.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { MlflowClient } from '@mlflow-ts/client';
import { MlflowError, parseModelUri } from '@mlflow-ts/format';

export interface LocalModelDir {
  dir: string;
  cleanup(): Promise<void>;
}

async function modelDirOf(p: string, uri: string): Promise<string> {
  const st = await stat(p).catch(() => undefined);
  if (!st) throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `No model found at '${uri}' (${p} does not exist)`);
  return st.isDirectory() ? p : path.dirname(p);
}

async function registeredVersion(client: MlflowClient, u: Extract<ReturnType<typeof parseModelUri>, { kind: 'models' }>): Promise<string> {
  if ('version' in u) return u.version;
  if ('alias' in u) return (await client.getModelVersionByAlias(u.name, u.alias)).version;
  const versions = await client.getLatestVersions(u.name, 'stage' in u ? [u.stage] : undefined);
  if (versions.length === 0) throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `No versions of registered model '${u.name}' found`);
  return String(Math.max(...versions.map((v) => Number(v.version))));
}

export async function resolveModelUri(uri: string, client?: () => MlflowClient): Promise<LocalModelDir> {
  const u = parseModelUri(uri);
  if (u.kind === 'file') return { dir: await modelDirOf(path.resolve(u.path), uri), cleanup: async () => undefined };
  if (u.kind === 'logged-model') {
    throw new MlflowError('INVALID_PARAMETER_VALUE', `Logged-model URIs (${uri}) are not supported here: use runs:/<run_id>/<path>, models:/<name>/<version> or a local path`);
  }
  if (!client) throw new MlflowError('INVALID_PARAMETER_VALUE', `Resolving '${uri}' needs a tracking client`);
  const c = client();
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'mlflow-ts-tfjs-model-'));
  const cleanup = () => rm(tmp, { recursive: true, force: true });
  try {
    let local: string;
    if (u.kind === 'runs') {
      local = await c.downloadArtifacts(u.runId, u.path.replace(/\/+$/, ''), tmp);
    } else if (u.kind === 'models') {
      const source = await c.getModelVersionDownloadUri(u.name, await registeredVersion(c, u));
      local = await c.downloadArtifactsFromUri(source, tmp);
      if (u.subPath) local = path.join(local, ...u.subPath.split('/'));
    } else {
      local = await c.downloadArtifactsFromUri(u.uri, tmp);
    }
    return { dir: await modelDirOf(local, uri), cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
