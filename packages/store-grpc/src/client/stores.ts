/**
 * `createRestStore` / `createGrpcStore`: a TrackingStore, a ModelRegistryStore and an artifact
 * repository factory for `mlflow-artifacts:` URIs, all talking to one server. The `*StoreFactory`
 * forms take a tracking URI and the environment (MLFLOW_TRACKING_TOKEN / USERNAME / PASSWORD), so
 * a client can register them for `http(s)://` and `grpc://`.
 */
import { createRestTraceStore } from './rest-trace-store.js';
import { MlflowError } from '@mlflow-ts/format';
import type { ArtifactRepository, ModelRegistryStore, TrackingStore } from '@mlflow-ts/format';
import { mlflowArtifactsPath } from '../protocol/artifact-uri.js';
import { ARTIFACTS_PREFIX } from '../protocol/rpc-routes.js';
import { createGrpcArtifactRepository } from './grpc-artifact-repository.js';
import { createGrpcTraceStore } from './grpc-trace-store.js';
import { createGrpcConnection, createGrpcTransport } from './grpc-transport.js';
import type { GrpcTransportOptions } from './grpc-transport.js';
import { createHttpArtifactRepository } from './http-artifact-repository.js';
import { createRegistryClient } from './registry-client.js';
import { createHttpClient, createRestTransport } from './rest-transport.js';
import type { RestTransportOptions } from './rest-transport.js';
import { createTrackingClient } from './tracking-client.js';

export interface RemoteStore {
  tracking: TrackingStore;
  registry: ModelRegistryStore;
  /** Repositories for `mlflow-artifacts:` URIs (and, over REST, this server's proxied artifact URLs). */
  artifacts: (artifactUri: string) => ArtifactRepository;
  close(): Promise<void>;
}

export type RestStoreOptions = RestTransportOptions;
export type GrpcStoreOptions = GrpcTransportOptions;

function unsupported(uri: string): MlflowError {
  return MlflowError.invalidParameter(
    `Artifact URI '${uri}' is not served by the tracking server; use an artifact repository for its scheme`,
  );
}

export function createRestStore(options: RestStoreOptions): RemoteStore {
  const http = createHttpClient(options);
  const transport = createRestTransport(http);
  const proxied = `${http.baseUrl}${ARTIFACTS_PREFIX}`;
  return {
    // MLflow 3 traces ride along as the tracking store's `traces` capability.
    tracking: { ...createTrackingClient(transport), traces: createRestTraceStore(http) },
    registry: createRegistryClient(transport),
    artifacts(uri) {
      if (uri.startsWith('mlflow-artifacts:')) return createHttpArtifactRepository(http, mlflowArtifactsPath(uri), uri);
      if (uri === proxied || uri.startsWith(`${proxied}/`)) {
        const rest = decodeURIComponent(uri.slice(proxied.length).replace(/^\/+/, '').replace(/\/+$/, ''));
        return createHttpArtifactRepository(http, rest, uri);
      }
      throw unsupported(uri);
    },
    close: () => transport.close(),
  };
}

export function createGrpcStore(options: GrpcStoreOptions): RemoteStore {
  const conn = createGrpcConnection(options);
  const transport = createGrpcTransport(conn);
  return {
    tracking: { ...createTrackingClient(transport), traces: createGrpcTraceStore(conn) },
    registry: createRegistryClient(transport),
    artifacts(uri) {
      if (uri.startsWith('mlflow-artifacts:')) return createGrpcArtifactRepository(conn, mlflowArtifactsPath(uri), uri);
      throw unsupported(uri);
    },
    close: () => transport.close(),
  };
}

type Env = Record<string, string | undefined>;

function authFromEnv(env: Env): { token?: string; username?: string; password?: string } {
  return {
    token: env.MLFLOW_TRACKING_TOKEN || undefined,
    username: env.MLFLOW_TRACKING_USERNAME,
    password: env.MLFLOW_TRACKING_PASSWORD,
  };
}

function retriesFromEnv(env: Env): number | undefined {
  const n = Number(env.MLFLOW_HTTP_REQUEST_MAX_RETRIES);
  return env.MLFLOW_HTTP_REQUEST_MAX_RETRIES !== undefined && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** For `http://` and `https://` tracking URIs. */
export function restStoreFactory(uri: string, env: Env): RemoteStore {
  return createRestStore({ baseUrl: uri, ...authFromEnv(env), retries: retriesFromEnv(env) });
}

/** For `grpc://host:port` tracking URIs. */
export function grpcStoreFactory(uri: string, env: Env): RemoteStore {
  const m = /^grpc:\/\/([^/?#]+)\/?$/.exec(uri);
  if (!m) throw MlflowError.invalidParameter(`Invalid gRPC tracking URI '${uri}': expected grpc://host:port`);
  return createGrpcStore({ address: m[1]!, ...authFromEnv(env), retries: retriesFromEnv(env) });
}
