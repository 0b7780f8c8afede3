/**
 * `@mlflow-ts/store-grpc/server`: MLflow's REST API (fastify) and a gRPC service (@grpc/grpc-js)
 * over any TrackingStore / ModelRegistryStore, plus MLflow's proxied artifact API.
 */
import { realpathSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import Fastify from 'fastify';
import { MlflowError } from '@mlflow-ts/format';
import type { ModelRegistryStore, TrackingStore } from '@mlflow-ts/format';
import { API_PREFIXES, RPC_ROUTES, routeOf } from '../protocol/rpc-routes.js';
import type { RpcName } from '../protocol/rpc-routes.js';
import { createArtifactAccess } from './artifact-access.js';
import type { ArtifactsOption } from './artifact-access.js';
import { artifactRoutes } from './artifact-routes.js';
import { isUiPath, uiRoutes } from './ui-routes.js';
import { WWW_AUTHENTICATE, checkAuthOptions, createAuthenticator, hasAnyAuth } from './auth.js';
import { authApi } from './auth/auth-api.js';
import { openAuthDb } from './auth/auth-db.js';
import { createAuthorizer } from './auth/authorization.js';
import { checkHttpAccess } from './auth/http-access.js';
import { hashPassword } from './auth/passwords.js';
import { principalOf, setPrincipal } from './auth/principals.js';
import type { AuthOptions } from './auth.js';
import { createGrpcServer } from './grpc-server.js';
import type { HandlerContext } from './handler-context.js';
import { attachErrorHygiene, errorReply } from './http-errors.js';
import type { ErrorHygiene } from './http-errors.js';
import { restApi, sendError } from './rest-api.js';
import { COLUMNAR_RUNS_URLS, columnarRunsApi } from './columnar-runs.js';
import { traceApi } from './trace-api.js';
import { TRACE_ROUTES, traceRoutePrefixes } from '../protocol/trace-routes.js';
import { createSecurityHooks } from './security-middleware.js';

export type { ArtifactsOption } from './artifact-access.js';
export type { AuthOptions, AuthUser } from './auth.js';
export type { SecurityOptions } from './security-middleware.js';

/** The MLflow version `/version` reports (the REST API level this server speaks). */
export const SERVER_VERSION = '3.6.0';

export interface StoreServerOptions {
  tracking: TrackingStore;
  registry?: ModelRegistryStore;
  /** `{ root }`: `--artifacts-destination` (serves `mlflow-artifacts:/`); or a repository factory. */
  artifacts: ArtifactsOption;
  /** Default 127.0.0.1. */
  host?: string;
  /** HTTP port, default 5000 (0 = any free port). */
  port?: number;
  /** gRPC port; no gRPC listener when omitted (0 = any free port). */
  grpcPort?: number;
  auth?: AuthOptions;
  /** Allow a non-loopback host without auth. */
  insecure?: boolean;
  /** Max JSON body bytes (default 32 MiB). Artifact uploads stream and are not limited by this. */
  bodyLimit?: number;
  /** How long close() waits for in-flight requests before cutting connections (default 10 s). */
  closeTimeoutMs?: number;
  /** `--no-serve-artifacts` → false: the proxied artifact API answers 503. Default true. */
  serveArtifacts?: boolean;
  /** A built web UI (`index.html`, `static-files/`) served at `/`, e.g. `uiDistDir()` of @mlflow-ts/ui. */
  ui?: { root: string };
  /** Host header patterns accepted (DNS rebinding protection); default localhost, private IPs, the bound host. */
  allowedHosts?: string[];
  /** Origins allowed to make cross-origin writes (besides the same origin and localhost). */
  corsAllowedOrigins?: string[];
  /** DANGEROUS: turns off the Host, Origin and security-header checks. */
  disableSecurityMiddleware?: boolean;
  /** `X-Frame-Options` (default SAMEORIGIN; NONE = no header). */
  xFrameOptions?: string;
  /** Where server-side details go (rejected requests, internal errors); default stderr. */
  log?: (message: string) => void;
}

export interface StoreServer {
  listen(): Promise<{ httpPort: number; grpcPort: number | undefined }>;
  /** Stops accepting, lets in-flight requests finish, then resolves. */
  close(): Promise<void>;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The server's own directories, as error messages may show them: `<artifact root>/…` instead of the path. */
function serverRoots(options: StoreServerOptions, artifactDir: string | undefined): ErrorHygiene['roots'] {
  const roots: ErrorHygiene['roots'] = [];
  const add = (dir: unknown, label: string) => {
    if (typeof dir !== 'string' || dir === '') return;
    for (const candidate of [dir, resolvePath(dir)]) {
      roots.push({ dir: candidate, label });
      try {
        roots.push({ dir: realpathSync(candidate), label });
      } catch {
        // not created yet: the resolved path is enough
      }
    }
  };
  add(artifactDir, '<artifact root>');
  add((options.tracking as { root?: unknown }).root, '<tracking root>');
  add((options.registry as { root?: unknown } | undefined)?.root, '<registry root>');
  return roots.sort((a, b) => b.dir.length - a.dir.length);
}

/** POST routes that only read (searches): read-only users may call them. */
const READ_POSTS = new Set<string>();
for (const name of Object.keys(RPC_ROUTES) as RpcName[]) {
  const route = routeOf(name);
  if (!route.read) continue;
  for (const { method, path } of route.http)
    if (method !== 'GET') for (const p of API_PREFIXES) READ_POSTS.add(p + path);
}
// Trace searches are POSTs that only read (protocol/trace-routes.ts).
for (const route of TRACE_ROUTES) {
  if (route.read && route.method !== 'GET')
    for (const p of traceRoutePrefixes(route.version)) READ_POSTS.add(p + route.path);
}
for (const url of COLUMNAR_RUNS_URLS) READ_POSTS.add(url);

export function createStoreServer(options: StoreServerOptions): StoreServer {
  const host = options.host ?? '127.0.0.1';
  const hasAuth = hasAnyAuth(options.auth);
  if (options.auth) checkAuthOptions(options.auth);
  const serveArtifacts = options.serveArtifacts ?? true;
  const access = createArtifactAccess(options.artifacts);
  const ctx: HandlerContext = {
    tracking: options.tracking,
    registry: options.registry,
    artifactsFor: access.artifactsFor,
    allowedRoots: access.allowedRoots,
  };
  // Database users get MLflow's per-resource permissions, on REST and gRPC alike (ctx.guard).
  const authDb = options.auth?.database !== undefined ? openAuthDb(options.auth.database) : undefined;
  const authorizer = authDb ? createAuthorizer(authDb, options.auth?.defaultPermission) : undefined;
  if (authorizer) ctx.guard = authorizer.guardRpc.bind(null, ctx);
  const authenticate = hasAuth ? createAuthenticator(options.auth!, authDb) : null;

  const app = Fastify({
    bodyLimit: options.bodyLimit ?? 32 * 1024 * 1024,
    logger: false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  const log = options.log ?? ((message: string) => process.stderr.write(`mlflow-ts server: ${message}\n`));
  const errors: ErrorHygiene = { roots: serverRoots(options, access.local?.dir), log };
  attachErrorHygiene(app, errors);
  const security = createSecurityHooks({ ...options, bindHost: host, log });
  if (security) {
    app.addHook('onRequest', security.onRequest);
    app.addHook('onSend', security.onSend);
  }
  app.addHook('onRequest', async (request, reply) => {
    if (!authenticate) return;
    const path = (request.raw.url ?? '').split('?')[0];
    // The UI's static files hold no data; its API calls carry the credentials it asks for.
    if (path === '/health' || (options.ui && isUiPath(path ?? ''))) return;
    const principal = await authenticate(request.headers.authorization);
    if (!principal) {
      // The UI sends X-Requested-With so the browser's own Basic prompt does not hide its sign-in form (which takes tokens too).
      if (request.headers['x-requested-with'] !== 'XMLHttpRequest') reply.header('WWW-Authenticate', WWW_AUTHENTICATE);
      return sendError(
        reply,
        new MlflowError(
          'UNAUTHENTICATED',
          'You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate.',
        ),
      );
    }
    const write = !['GET', 'HEAD', 'OPTIONS'].includes(request.method) && !READ_POSTS.has(path!);
    if (write && principal.readOnly) {
      return sendError(
        reply,
        new MlflowError('PERMISSION_DENIED', `Permission denied: user '${principal.name}' is read-only`),
      );
    }
    setPrincipal(request.raw, principal);
    if (authorizer) {
      try {
        await checkHttpAccess(authorizer, ctx, principal, {
          method: request.method,
          route: request.routeOptions.url,
          path: path ?? '',
          query: (request.query ?? {}) as Record<string, unknown>,
          params: (request.params ?? {}) as Record<string, unknown>,
        });
      } catch (e) {
        return sendError(reply, e);
      }
    }
  });
  // While closing, every response ends its connection, so keep-alive clients do not hold close() open.
  let closing = false;
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
  app.setErrorHandler((error, _request, reply) => {
    const { status, body } = errorReply(error, errors);
    return reply.code(status).type('application/json').send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .type('application/json')
      .send(
        JSON.stringify({
          error_code: 'ENDPOINT_NOT_FOUND',
          message: `No endpoint ${request.method} ${request.url.split('?')[0]}`,
        }),
      ),
  );
  app.get('/health', async (_req, reply) => reply.type('text/plain').send('OK'));
  app.get('/version', async (_req, reply) => reply.type('text/plain').send(SERVER_VERSION));
  app.register(restApi, { ctx });
  app.register(columnarRunsApi, { ctx });
  if (authorizer) app.register(authApi, { ctx, authorizer, principalOf: (request) => principalOf(request.raw) });
  app.register(traceApi, { ctx });
  app.register(artifactRoutes, { ctx, serveArtifacts, proxyRoot: access.proxyRoot });
  if (options.ui) app.register(uiRoutes, { root: options.ui.root });

  let grpcServer: grpc.Server | undefined;
  let listening = false;

  return {
    async listen() {
      if (!isLoopback(host) && !hasAuth && !options.insecure) {
        throw MlflowError.invalidParameter(
          `Refusing to listen on non-loopback host '${host}' without auth; configure auth or pass insecure: true`,
        );
      }
      if (access.local) await mkdir(access.local.dir, { recursive: true });
      if (authDb) {
        const admin = options.auth?.admin;
        if (admin && !authDb.getUser(admin.username))
          authDb.createUser(admin.username, await hashPassword(admin.password), true);
        if (!authDb.hasAdmin()) {
          throw MlflowError.invalidParameter(
            `The auth database '${options.auth?.database}' has no admin user; give one (--auth-admin NAME:PASSWORD)`,
          );
        }
      }
      await app.listen({ host, port: options.port ?? 5000 });
      listening = true;
      const httpPort = (app.server.address() as AddressInfo).port;
      let grpcPort: number | undefined;
      if (options.grpcPort !== undefined) {
        grpcServer = createGrpcServer({
          ctx,
          proxyRoot: access.proxyRoot,
          serveArtifacts,
          authenticate,
          authorizer,
          errors,
        });
        const bindHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
        grpcPort = await new Promise<number>((resolve, reject) => {
          grpcServer!.bindAsync(
            `${bindHost}:${options.grpcPort}`,
            grpc.ServerCredentials.createInsecure(),
            (err, port) => (err ? reject(err) : resolve(port)),
          );
        }).catch(async (e) => {
          await app.close();
          throw e;
        });
      }
      return { httpPort, grpcPort };
    },
    async close() {
      closing = true;
      const tasks: Promise<unknown>[] = [];
      if (listening) {
        // Past the grace period, cut whatever is still open (a stuck upload must not block shutdown).
        const force = setTimeout(() => app.server.closeAllConnections(), options.closeTimeoutMs ?? 10_000);
        tasks.push(app.close().finally(() => clearTimeout(force)));
      }
      if (grpcServer) {
        const g = grpcServer;
        tasks.push(
          new Promise<void>((resolve) => {
            const force = setTimeout(() => g.forceShutdown(), options.closeTimeoutMs ?? 10_000);
            g.tryShutdown(() => {
              clearTimeout(force);
              resolve();
            });
          }),
        );
      }
      await Promise.all(tasks);
      authDb?.close();
      listening = false;
      grpcServer = undefined;
    },
  };
}
