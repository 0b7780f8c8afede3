/** Test helpers: a real server on 127.0.0.1 (port 0) over a real store in a temp dir. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelRegistryStore, TrackingStore } from '@mlflow-ts/format';
import { createMemoryRegistryStore, createMemoryTrackingStore } from '@mlflow-ts/format/testing';
import { createStoreServer } from '../src/server/index.js';
import type { StoreServerOptions } from '../src/server/index.js';

export interface TestServer {
  baseUrl: string;
  grpcAddress: string;
  dir: string;
  artifactsDir: string;
  tracking: TrackingStore;
  registry: ModelRegistryStore;
  close(): Promise<void>;
}

export async function startTestServer(
  opts: Partial<StoreServerOptions> & { store?: 'memory' | 'fs' } = {},
): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'mlflow-ts-store-grpc-'));
  const artifactsDir = join(dir, 'mlartifacts');
  let tracking: TrackingStore;
  if (opts.store === 'fs') {
    const { createFsTrackingStore } = await import('@mlflow-ts/store-fs');
    tracking = createFsTrackingStore({ root: join(dir, 'mlruns'), defaultArtifactRoot: 'mlflow-artifacts:/' });
  } else {
    tracking = createMemoryTrackingStore({ artifactRoot: 'mlflow-artifacts:/' });
  }
  const registry = createMemoryRegistryStore();
  const server = createStoreServer({
    tracking,
    registry,
    artifacts: { root: artifactsDir },
    port: 0,
    grpcPort: 0,
    ...opts,
  });
  const { httpPort, grpcPort } = await server.listen();
  return {
    baseUrl: `http://127.0.0.1:${httpPort}`,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    dir,
    artifactsDir,
    tracking,
    registry,
    async close() {
      await server.close();
      await tracking.close?.();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** fetch + JSON body, returning status and parsed JSON (or text). */
export async function http(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(baseUrl + path, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json: json as Record<string, any>, text, headers: res.headers };
}
