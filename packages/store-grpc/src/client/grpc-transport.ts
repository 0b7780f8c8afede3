/**
 * The store service's gRPC protocol over @grpc/grpc-js, with service definitions from protobufjs
 * reflection. Errors come back as MlflowError with the exact code from trailing metadata
 * `mlflow-error-code` (falling back to the gRPC status). UNAVAILABLE and RESOURCE_EXHAUSTED retry.
 */
import * as grpc from '@grpc/grpc-js';
import { GRPC_STATUS, MlflowError, errorCodeForGrpcStatus } from '@mlflow-ts/format';
import type { ErrorCode } from '@mlflow-ts/format';
import { ERROR_CODE_METADATA, grpcServiceDefinition } from '../protocol/grpc-definitions.js';
import { normalizeResponse } from '../protocol/normalize-message.js';
import { coerceRequest } from '../protocol/json-codec.js';
import { lookupType } from '../protocol/proto-root.js';
import { routeOf } from '../protocol/rpc-routes.js';
import type { ClientAuthOptions, Transport } from './transport.js';
import { authorizationHeader, backoffMs, sleep } from './transport.js';

export interface GrpcTransportOptions extends ClientAuthOptions {
  /** `host:port`. */
  address: string;
  retries?: number;
  /** Per-call deadline in ms (default none). */
  timeoutMs?: number;
}

export interface GrpcConnection {
  client: grpc.Client;
  metadata(): grpc.Metadata;
  retries: number;
  timeoutMs?: number;
}

export function toClientError(e: unknown): MlflowError {
  const err = e as grpc.ServiceError;
  if (typeof err?.code !== 'number') return new MlflowError('INTERNAL_ERROR', String((e as Error)?.message ?? e));
  const exact = err.metadata?.get(ERROR_CODE_METADATA)[0];
  const code = (typeof exact === 'string' && exact ? exact : errorCodeForGrpcStatus(err.code)) as ErrorCode;
  return new MlflowError(code, err.details || err.message);
}

export function isRetryable(e: unknown): boolean {
  const err = e as grpc.ServiceError;
  const exact = err?.metadata?.get(ERROR_CODE_METADATA)[0];
  return (
    (err?.code === GRPC_STATUS.UNAVAILABLE || err?.code === GRPC_STATUS.RESOURCE_EXHAUSTED) &&
    exact !== 'TEMPORARILY_UNAVAILABLE'
  );
}

export function createGrpcConnection(opts: GrpcTransportOptions): GrpcConnection {
  const client = new grpc.Client(opts.address, grpc.credentials.createInsecure(), {
    'grpc.max_receive_message_length': 256 * 1024 * 1024,
    'grpc.max_send_message_length': 256 * 1024 * 1024,
  });
  const auth = authorizationHeader(opts);
  return {
    client,
    retries: opts.retries ?? 4,
    timeoutMs: opts.timeoutMs,
    metadata() {
      const md = new grpc.Metadata();
      if (auth) md.set('authorization', auth);
      return md;
    },
  };
}

export function callOptions(conn: GrpcConnection): grpc.CallOptions {
  return conn.timeoutMs ? { deadline: Date.now() + conn.timeoutMs } : {};
}

/** One unary call with the connection's auth, deadline and retries; errors as MlflowError. */
export async function unaryCall(
  conn: GrpcConnection,
  def: grpc.MethodDefinition<object, object>,
  request: object,
  metadata: grpc.Metadata = conn.metadata(),
): Promise<Record<string, unknown>> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await new Promise<Record<string, unknown>>((resolve, reject) => {
        conn.client.makeUnaryRequest(
          def.path,
          def.requestSerialize,
          def.responseDeserialize as (b: Buffer) => Record<string, unknown>,
          request,
          metadata,
          callOptions(conn),
          (err, value) => (err ? reject(err) : resolve(value!)),
        );
      });
    } catch (e) {
      if (isRetryable(e) && attempt < conn.retries) {
        await sleep(backoffMs(attempt));
        continue;
      }
      throw toClientError(e);
    }
  }
}

export function createGrpcTransport(conn: GrpcConnection): Transport {
  return {
    async call(name, request) {
      const def = grpcServiceDefinition(routeOf(name).service)[name]!;
      const checked = coerceRequest(lookupType(name), request);
      return normalizeResponse(lookupType(`${name}.Response`), await unaryCall(conn, def, checked));
    },
    async close() {
      conn.client.close();
    },
  };
}
