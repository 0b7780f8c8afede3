/**
 * The gRPC face of the store service: every tracking, registry and trace RPC (same handlers and
 * authorizer as REST), OTLP's collector `TraceService/Export` (same ingestion as `/v1/traces`), and
 * artifact upload/download as byte-chunk streams. Errors carry the gRPC status from the one table
 * (`grpcStatusForErrorCode`) and the exact MLflow code in trailing metadata `mlflow-error-code`.
 */
import * as grpc from '@grpc/grpc-js';
import { MlflowError, assertSafeArtifactPath } from '@mlflow-ts/format';
import type { ArtifactRepository } from '@mlflow-ts/format';
import { ERROR_CODE_METADATA, decodeFailureOf, grpcServiceDefinition } from '../protocol/grpc-definitions.js';
import { normalizeRequest } from '../protocol/normalize-message.js';
import { lookupService, lookupType } from '../protocol/proto-root.js';
import { RPC_ROUTES, routeOf } from '../protocol/rpc-routes.js';
import type { RpcName } from '../protocol/rpc-routes.js';
import { MLFLOW_EXPERIMENT_ID_HEADER, OTLP_EXPORT_RPC, traceRouteOf } from '../protocol/trace-routes.js';
import type { TraceRpcName } from '../protocol/trace-routes.js';
import { assertDeletableArtifactPath } from './artifact-root-guard.js';
import type { Authenticator, Principal } from './auth.js';
import type { Authorizer } from './auth/authorization.js';
import type { GuardedRpc, HandlerContext, Req } from './handler-context.js';
import { toMlflowError } from './http-errors.js';
import type { ErrorHygiene } from './http-errors.js';
import { historyEncoderFor } from './history-encoding.js';
import { OtlpRejection, ingestOtlpExport } from './otlp-ingest.js';
import { RPC_HANDLERS } from './rpc-handlers.js';
import { TRACE_HANDLERS } from './trace-handlers.js';

const OTLP_BODY = 'otlp_export_body';

export interface GrpcServerOptions {
  ctx: HandlerContext;
  proxyRoot: () => ArtifactRepository;
  serveArtifacts: boolean;
  /** Null when auth is off; else returns the principal or null for bad credentials. */
  authenticate: Authenticator | null;
  /** Per-experiment checks of database users on the artifact service. */
  authorizer?: Authorizer;
  /** How errors are cleaned before they leave (no server paths; details to the log). */
  errors?: ErrorHygiene;
}

function statusOfError(e: unknown, hygiene?: ErrorHygiene): Partial<grpc.StatusObject> {
  const err = toMlflowError(e, hygiene);
  const metadata = new grpc.Metadata();
  metadata.set(ERROR_CODE_METADATA, err.code);
  return { code: err.grpcStatus, details: err.message, metadata };
}

function checkRequest(request: unknown): void {
  const failure = decodeFailureOf(request);
  if (failure) throw new MlflowError('MALFORMED_REQUEST', failure);
}

/** The service with the history RPCs' responses written by the fast encoder (generic one as fallback). */
function withHistoryEncoders(def: grpc.ServiceDefinition): grpc.ServiceDefinition {
  const out: Record<string, grpc.MethodDefinition<object, object>> = { ...def };
  for (const [name, method] of Object.entries(def)) {
    const fast = historyEncoderFor(name, lookupType(`${name}.Response`));
    if (!fast) continue;
    const generic = method.responseSerialize;
    out[name] = { ...method, responseSerialize: (value: object) => fast.protobuf(value) ?? generic(value) };
  }
  return out as grpc.ServiceDefinition;
}

export function createGrpcServer(opts: GrpcServerOptions): grpc.Server {
  const statusOf = (e: unknown) => statusOfError(e, opts.errors);
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 64 * 1024 * 1024 });

  const authorize = async (metadata: grpc.Metadata, write: boolean): Promise<Principal | undefined> => {
    if (!opts.authenticate) return undefined;
    const header = metadata.get('authorization')[0];
    const principal = await opts.authenticate(typeof header === 'string' ? header : header?.toString());
    if (!principal)
      throw new MlflowError('UNAUTHENTICATED', 'You are not authenticated. Please provide valid credentials.');
    if (write && principal.readOnly)
      throw new MlflowError('PERMISSION_DENIED', `Permission denied: user '${principal.name}' is read-only`);
    return principal;
  };

  /** One unary RPC: authenticate (and refuse writes by read-only users), check the decode, run. */
  const unary =
    (
      write: boolean,
      run: (request: Req, principal: Principal | undefined, metadata: grpc.Metadata) => Promise<object>,
    ) =>
    (call: grpc.ServerUnaryCall<Req, object>, callback: grpc.sendUnaryData<object>) => {
      (async () => {
        const principal = await authorize(call.metadata, write);
        checkRequest(call.request);
        return run(call.request, principal, call.metadata);
      })().then(
        (res) => callback(null, res),
        (e) => callback(statusOf(e)),
      );
    };
  const { ctx } = opts;
  const guarded = (name: GuardedRpc, req: Req, principal: Principal | undefined, run: () => Promise<object>) =>
    ctx.guard ? ctx.guard(name, req, principal, run) : run();

  for (const service of ['Tracking', 'Registry'] as const) {
    const impl: grpc.UntypedServiceImplementation = {};
    for (const name of Object.keys(RPC_ROUTES) as RpcName[]) {
      const route = routeOf(name);
      if (route.service !== service) continue;
      const requestType = lookupType(name);
      impl[name] = unary(!route.read, (request, principal) => {
        const req = normalizeRequest(requestType, request);
        return guarded(name, req, principal, () => RPC_HANDLERS[name](ctx, req));
      });
    }
    server.addService(withHistoryEncoders(grpcServiceDefinition(service)), impl);
  }

  // MLflow's trace RPCs over the REST trace handlers; the path parameter is the message's trace_id.
  const traceImpl: grpc.UntypedServiceImplementation = {};
  for (const method of lookupService('Traces').methodsArray) {
    const route = traceRouteOf(method.name);
    const handler = TRACE_HANDLERS[method.name];
    if (!route || !handler) throw new Error(`no trace handler for ${method.name}`);
    traceImpl[method.name] = unary(!route.read, (req, principal) =>
      guarded(route.name as TraceRpcName, req, principal, () =>
        handler(ctx, req, { trace_id: typeof req.trace_id === 'string' ? req.trace_id : '' }),
      ),
    );
  }
  server.addService(grpcServiceDefinition('Traces'), traceImpl);

  // OTLP/gRPC: the export request stays bytes, decoded by the same code as POST /v1/traces.
  const otlp = grpcServiceDefinition('OtlpTraces');
  server.addService(
    { Export: { ...otlp.Export!, requestDeserialize: (buf: Buffer) => ({ [OTLP_BODY]: buf }) } },
    {
      Export: unary(true, (req, principal, metadata) => {
        const header = metadata.get(MLFLOW_EXPERIMENT_ID_HEADER)[0];
        const experimentId = typeof header === 'string' ? header : undefined;
        return guarded(OTLP_EXPORT_RPC, { experiment_id: experimentId }, principal, async () => {
          try {
            await ingestOtlpExport(ctx, req[OTLP_BODY] as Buffer, false, experimentId);
          } catch (e) {
            throw e instanceof OtlpRejection ? e.error : e;
          }
          return {};
        });
      }),
    },
  );

  const artifactsOn = (): ArtifactRepository => {
    if (!opts.serveArtifacts)
      throw new MlflowError('TEMPORARILY_UNAVAILABLE', 'Artifact serving is disabled (--no-serve-artifacts)');
    return opts.proxyRoot();
  };

  server.addService(grpcServiceDefinition('Artifacts'), {
    Upload: (
      call: grpc.ServerReadableStream<{ path?: string; data?: Uint8Array }, object>,
      callback: grpc.sendUnaryData<object>,
    ) => {
      (async () => {
        const principal = await authorize(call.metadata, true);
        const it = call[Symbol.asyncIterator]();
        const first = await it.next();
        if (first.done)
          throw MlflowError.invalidParameter('Upload stream is empty: the first message must name the path');
        checkRequest(first.value);
        const path = first.value.path ?? '';
        assertSafeArtifactPath(path);
        opts.authorizer?.checkArtifactPath(principal, path, 'update');
        async function* chunks(): AsyncGenerator<Uint8Array> {
          if (first.value.data && first.value.data.length > 0) yield first.value.data;
          for (let n = await it.next(); !n.done; n = await it.next()) {
            checkRequest(n.value);
            if (n.value.data && n.value.data.length > 0) yield n.value.data;
          }
        }
        await artifactsOn().writeArtifact(path, chunks());
        return {};
      })().then(
        (res) => callback(null, res),
        (e) => callback(statusOf(e)),
      );
    },
    Download: (call: grpc.ServerWritableStream<{ path?: string }, object>) => {
      (async () => {
        const principal = await authorize(call.metadata, false);
        checkRequest(call.request);
        const path = call.request.path ?? '';
        assertSafeArtifactPath(path);
        opts.authorizer?.checkArtifactPath(principal, path, 'read');
        for await (const chunk of await artifactsOn().readArtifact(path)) {
          if (call.cancelled) return;
          if (!call.write({ data: chunk })) await new Promise((resolve) => call.once('drain', resolve));
        }
        call.end();
      })().catch((e) => call.emit('error', statusOf(e)));
    },
    List: (call: grpc.ServerUnaryCall<{ path?: string }, object>, callback: grpc.sendUnaryData<object>) => {
      (async () => {
        const principal = await authorize(call.metadata, false);
        checkRequest(call.request);
        const path = call.request.path || undefined;
        if (path) assertSafeArtifactPath(path);
        opts.authorizer?.checkArtifactPath(principal, path ?? '', 'read');
        return { files: await artifactsOn().listArtifacts(path) };
      })().then(
        (res) => callback(null, res),
        (e) => callback(statusOf(e)),
      );
    },
    Delete: (call: grpc.ServerUnaryCall<{ path?: string }, object>, callback: grpc.sendUnaryData<object>) => {
      (async () => {
        const principal = await authorize(call.metadata, true);
        checkRequest(call.request);
        const path = assertDeletableArtifactPath(call.request.path ?? '');
        opts.authorizer?.checkArtifactPath(principal, path, 'delete');
        const repo = artifactsOn();
        if (!repo.deleteArtifacts) throw new MlflowError('NOT_IMPLEMENTED', 'This artifact repository cannot delete');
        await repo.deleteArtifacts(path);
        return {};
      })().then(
        (res) => callback(null, res),
        (e) => callback(statusOf(e)),
      );
    },
  });
  return server;
}
