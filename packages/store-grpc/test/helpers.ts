/** Test helpers: a real server on 127.0.0.1 (port 0) over a real store in a temp dir. */
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import * as grpc from '@grpc/grpc-js';
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

export interface RawReply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A request through node:http with exactly these path and headers (a Host fetch would not send). */
export function rawHttp(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const url = new URL(baseUrl);
    const req = request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** One unary gRPC call of raw request bytes: the error (null on success) and the answer's bytes. */
export function rawGrpcCall(
  address: string,
  path: string,
  body: Uint8Array,
  metadata: Record<string, string> = {},
  deadlineMs?: number,
): Promise<{ error: grpc.ServiceError | null; value?: Buffer }> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(metadata)) md.set(k, v);
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      path,
      (x: Buffer) => x,
      (x: Buffer) => x,
      Buffer.from(body),
      md,
      deadlineMs ? { deadline: Date.now() + deadlineMs } : {},
      (error, value) => {
        client.close();
        resolve({ error, value });
      },
    );
  });
}

/**
 * A recorded answer and ours made comparable: fields `isTime` names become their type (timestamps
 * differ between two servers), and empty strings read as absent (protobuf's default; MLflow's SQL
 * store sends `run_id: ""` where its file store, like ours, omits it).
 */
export function comparableAnswer(v: unknown, isTime: (key: string) => boolean): unknown {
  if (Array.isArray(v)) return v.map((x) => comparableAnswer(x, isTime));
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== '')
        .map(([k, x]) => [k, isTime(k) ? typeof x : comparableAnswer(x, isTime)]),
    );
  }
  return v;
}
