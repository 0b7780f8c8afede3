/**
 * `mlflow-ts server`: MLflow's tracking server (REST API + proxied artifacts) over a local `mlruns`
 * store or MLflow's SQL database (`sqlite:///…`, `postgresql://…`), plus the gRPC store service when
 * `--grpc-port` is given. Options and defaults follow `mlflow server`; SIGTERM/SIGINT shut down
 * gracefully (in-flight requests finish). `--workers N` (SQL backends) runs N processes on one port.
 */
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { collect } from '../../options.js';
import { parsePort, type ServerStoreOptions, serveArtifactsValue, withServerStoreOptions } from './common-options.js';
import { createFsTrackingStore } from '@mlflow-ts/store-fs';
import * as storeFs from '@mlflow-ts/store-fs';
import type { ModelRegistryStore, TrackingStore } from '@mlflow-ts/format';
import { createStoreServer } from '@mlflow-ts/store-grpc/server';
import type { AuthOptions, AuthUser } from '@mlflow-ts/store-grpc/server';
import { uiDistDir, uiIsBuilt } from '@mlflow-ts/ui';
import type { CliContext } from '../../cli-context.js';
import { UsageError } from '../../usage-error.js';
import { untilStopped } from '../../until-stopped.js';
import { checkSqlDatabase, isSqlStoreUri, openSqlRegistryStore, openSqlTrackingStore } from './sql-backend.js';
import { isClusterWorker, leaveCluster, reportListening, runPrimary } from './workers.js';
import { checkArtifactsDestination, s3ArtifactsOption } from './artifacts-option.js';

export interface ServerCommandOptions extends ServerStoreOptions {
  grpcPort?: number;
  authToken?: string[];
  authUser?: string[];
  /** MLflow's basic-auth user database (path or sqlite:///path). */
  authDb?: string;
  /** `name:password`: the admin ensured in the auth database at start. */
  authAdmin?: string;
  authDefaultPermission?: string;
  insecure?: boolean;
  /** Serve the web UI at `/` (default true). */
  ui?: boolean;
  allowedHosts?: string[];
  corsAllowedOrigins?: string[];
  disableSecurityMiddleware?: boolean;
  xFrameOptions?: string;
  /** false (`--no-fsync`): acknowledged writes are not fsync'ed (scratch use). Default true. */
  fsync?: boolean;
  /** Processes sharing the port (SQL backends only; default 1). */
  workers?: number;
}

function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < 1 || n > 256)
      throw new InvalidArgumentError(`${name} must be a whole number from 1 to 256, got '${value}'.`);
    return n;
  };
}

const commaList = (value: string): string[] =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');

/** `user:password`, optionally `:readonly` or `:admin`. */
function parseUser(spec: string): AuthUser {
  const m = /^([^:]+):(.+?)(?::(readonly|admin))?$/.exec(spec);
  if (!m)
    throw new UsageError(`--auth-user must be 'username:password[:readonly|:admin]', got '${spec.split(':')[0]}:…'`);
  return { username: m[1]!, password: m[2]!, readOnly: m[3] === 'readonly', admin: m[3] === 'admin' };
}

function parseAdmin(spec: string): { username: string; password: string } {
  const colon = spec.indexOf(':');
  if (colon <= 0) throw new UsageError(`--auth-admin must be 'username:password', got '${spec.split(':')[0]}…'`);
  return { username: spec.slice(0, colon), password: spec.slice(colon + 1) };
}

function localStorePath(uri: string, option = '--backend-store-uri'): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri) && !uri.startsWith('file:')) {
    throw new UsageError(
      `${option} '${uri}' is not supported: use a local file store (path or file: URI), sqlite:///… or postgresql://…`,
    );
  }
  return uri;
}

function fsRegistry(root: string): ModelRegistryStore | undefined {
  // A file registry store, when store-fs provides one.
  const registryFactory = (storeFs as Record<string, unknown>).createFsRegistryStore as
    | ((opts: { root: string }) => ModelRegistryStore)
    | undefined;
  return registryFactory?.({ root });
}

interface OpenedStores {
  tracking: TrackingStore;
  registry: ModelRegistryStore | undefined;
  /** Where `--no-serve-artifacts` servers keep local artifacts (file stores: the store's root). */
  localArtifactRoot: string;
}

async function openStores(o: ServerCommandOptions): Promise<OpenedStores> {
  const defaultArtifactRoot = o.defaultArtifactRoot ?? (o.serveArtifacts ? 'mlflow-artifacts:/' : undefined);
  const registryUri = o.registryStoreUri ?? o.backendStoreUri;
  if (isSqlStoreUri(o.backendStoreUri)) {
    // MLflow's default artifact root beside a database is ./mlruns.
    const tracking = await openSqlTrackingStore(o.backendStoreUri, defaultArtifactRoot ?? resolve('mlruns'));
    try {
      const registry = isSqlStoreUri(registryUri)
        ? await openSqlRegistryStore(registryUri, tracking)
        : fsRegistry(localStorePath(registryUri, '--registry-store-uri'));
      return { tracking, registry, localArtifactRoot: resolve('mlruns') };
    } catch (err) {
      await tracking.close?.();
      throw err;
    }
  }
  const backend = localStorePath(o.backendStoreUri);
  // The registry and artifact stores read the same switch from the environment.
  if (o.fsync === false) process.env.MLFLOW_TS_FSYNC = '0';
  const tracking = createFsTrackingStore({
    durability: o.fsync === false ? 'none' : undefined,
    root: backend,
    defaultArtifactRoot,
  });
  try {
    const registry = isSqlStoreUri(registryUri)
      ? await openSqlRegistryStore(registryUri, tracking)
      : fsRegistry(registryUri);
    return { tracking, registry, localArtifactRoot: tracking.root };
  } catch (err) {
    await tracking.close();
    throw err;
  }
}

/** Starts the server; resolves when `signal` aborts and the server has shut down. */
export async function runServer(
  ctx: Pick<CliContext, 'print'>,
  o: ServerCommandOptions,
  signal: AbortSignal,
): Promise<void> {
  const workers = o.workers ?? 1;
  if (workers > 1 && !isClusterWorker()) {
    if (!isSqlStoreUri(o.backendStoreUri)) {
      throw new UsageError(
        `--workers ${workers} needs a SQL backend (sqlite:///… or postgresql://…): the file store '${o.backendStoreUri}' takes one writer process`,
      );
    }
    // Checked once here, so bad input is one line from this process, not one per worker.
    await checkSqlDatabase(o.backendStoreUri);
    if (o.registryStoreUri !== undefined && isSqlStoreUri(o.registryStoreUri))
      await checkSqlDatabase(o.registryStoreUri);
    if (o.serveArtifacts) await checkArtifactsDestination(o.artifactsDestination);
    const hostShown = o.host.includes(':') ? `[${o.host}]` : o.host;
    await runPrimary(
      workers,
      signal,
      ({ httpPort, grpcPort }) => {
        ctx.print(
          `mlflow-ts server listening on http://${hostShown}:${httpPort}${grpcPort !== undefined ? ` (gRPC ${hostShown}:${grpcPort})` : ''} (${workers} workers)`,
        );
      },
      (line) => process.stderr.write(`${line}\n`),
    );
    return;
  }
  // An s3:// destination is checked before any store opens: a bad bucket is one line at start.
  const s3Artifacts = o.serveArtifacts
    ? await s3ArtifactsOption(o.artifactsDestination, process.env, o.defaultArtifactRoot)
    : undefined;
  const { tracking, registry, localArtifactRoot } = await openStores(o);
  const auth =
    o.authToken?.length || o.authUser?.length || o.authDb
      ? {
          tokens: o.authToken ?? [],
          users: (o.authUser ?? []).map(parseUser),
          database: o.authDb,
          admin: o.authAdmin ? parseAdmin(o.authAdmin) : undefined,
          defaultPermission: o.authDefaultPermission as NonNullable<AuthOptions['defaultPermission']> | undefined,
        }
      : undefined;
  const server = createStoreServer({
    tracking,
    registry,
    artifacts: s3Artifacts ?? { root: o.serveArtifacts ? resolve(o.artifactsDestination) : localArtifactRoot },
    serveArtifacts: o.serveArtifacts,
    host: o.host,
    port: o.port,
    grpcPort: o.grpcPort,
    auth,
    insecure: o.insecure,
    ui: o.ui !== false && uiIsBuilt() ? { root: uiDistDir() } : undefined,
    allowedHosts: o.allowedHosts,
    corsAllowedOrigins: o.corsAllowedOrigins,
    disableSecurityMiddleware: o.disableSecurityMiddleware,
    xFrameOptions: o.xFrameOptions,
  });
  try {
    const { httpPort, grpcPort } = await server.listen();
    if (isClusterWorker()) {
      reportListening(httpPort, grpcPort);
      if (!signal.aborted)
        await new Promise<void>((done) => signal.addEventListener('abort', () => done(), { once: true }));
      return;
    }
    const hostShown = o.host.includes(':') ? `[${o.host}]` : o.host;
    ctx.print(
      `mlflow-ts server listening on http://${hostShown}:${httpPort}${grpcPort !== undefined ? ` (gRPC ${hostShown}:${grpcPort})` : ''}`,
    );
    if (o.ui !== false)
      ctx.print(
        uiIsBuilt()
          ? `UI: http://${hostShown}:${httpPort}/`
          : 'UI not built (npm run build -w @mlflow-ts/ui); serving the API only',
      );
    if (!signal.aborted)
      await new Promise<void>((done) => signal.addEventListener('abort', () => done(), { once: true }));
  } finally {
    await server.close();
    await tracking.close?.();
    await registry?.close?.();
    leaveCluster();
  }
}

export function serverCommand(ctx: CliContext): Command {
  const env = ctx.io.env;
  return withServerStoreOptions(
    new Command('server').description(
      "run MLflow's tracking server (REST API, proxied artifacts) and the gRPC store service",
    ),
  )
    .addOption(
      new Option('--grpc-port <port>', 'also serve the gRPC store service on this port')
        .env('MLFLOW_GRPC_PORT')
        .argParser(parsePort('--grpc-port')),
    )
    .addOption(new Option('--auth-token <token>', 'require this bearer token (repeatable)').argParser(collect))
    .addOption(
      new Option('--auth-user <user:password[:readonly|:admin]>', 'basic-auth user (repeatable)').argParser(collect),
    )
    .addOption(
      new Option(
        '--auth-db <uri>',
        "MLflow's basic-auth user database (path or sqlite:///path): users, per-experiment and per-model permissions",
      ).env('MLFLOW_AUTH_DATABASE_URI'),
    )
    .addOption(
      new Option('--auth-admin <user:password>', 'admin created in --auth-db when missing').env('MLFLOW_AUTH_ADMIN'),
    )
    .addOption(
      new Option('--auth-default-permission <permission>', 'permission of --auth-db users where none is set')
        .choices(['READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS'])
        .default('READ'),
    )
    .addOption(
      new Option('--workers <n>', 'server processes sharing the port (SQL backends only)')
        .env('MLFLOW_WORKERS')
        .default(1)
        .argParser(positiveInt('--workers')),
    )
    .option('--insecure', 'allow a non-loopback --host without authentication')
    .option('--no-ui', 'do not serve the web UI at /')
    .option(
      '--no-fsync',
      'do not fsync acknowledged writes (faster; a power loss or OS crash can lose them; scratch use only)',
    )
    .addOption(
      new Option(
        '--allowed-hosts <hosts>',
        "comma-separated Host headers to accept (DNS rebinding protection; wildcards like '*.internal', '*' = all; default: localhost, private IPs and --host)",
      )
        .env('MLFLOW_SERVER_ALLOWED_HOSTS')
        .argParser(commaList),
    )
    .addOption(
      new Option(
        '--cors-allowed-origins <origins>',
        "comma-separated origins that may make cross-origin writes (default: same origin and localhost; '*' = all, dangerous)",
      )
        .env('MLFLOW_SERVER_CORS_ALLOWED_ORIGINS')
        .argParser(commaList),
    )
    .option('--disable-security-middleware', 'DANGEROUS: turn off Host, Origin and security-header checks')
    .addOption(
      new Option('--x-frame-options <value>', 'X-Frame-Options header: SAMEORIGIN, DENY or NONE')
        .env('MLFLOW_SERVER_X_FRAME_OPTIONS')
        .default('SAMEORIGIN'),
    )
    .action(async (raw: Omit<ServerCommandOptions, 'serveArtifacts'> & { serveArtifacts: boolean | string }) => {
      const envToken = env.MLFLOW_SERVER_AUTH_TOKEN;
      const o: ServerCommandOptions = {
        ...raw,
        serveArtifacts: serveArtifactsValue(raw.serveArtifacts),
        authToken: raw.authToken ?? (envToken ? [envToken] : undefined),
      };
      await untilStopped((signal) => runServer(ctx, o, signal));
    });
}
