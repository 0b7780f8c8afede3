/**
 * @grpc/grpc-js service definitions derived from protobufjs reflection of our .proto files: each
 * method's (de)serializers encode and decode plain snake_case objects (int64 as numbers, enums as
 * names), the same objects the REST side uses. A request that fails to decode is handed to the
 * handler as a `DecodeFailure`, so the server answers INVALID_ARGUMENT rather than grpc-js's INTERNAL.
 */
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import type protobuf from 'protobufjs';
import { OBJECT_OPTIONS, lookupService } from './proto-root.js';
import type { ServiceName } from './proto-root.js';
import { wellKnownFromWire, wellKnownToWire } from './well-known-types.js';

const DECODE_FAILURE = Symbol.for('mlflow-ts.grpc-decode-failure');

export interface DecodeFailure {
  [DECODE_FAILURE]: string;
}

export function decodeFailureOf(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? (value as Partial<DecodeFailure>)[DECODE_FAILURE] : undefined;
}

function serializer(type: protobuf.Type): (value: object) => Buffer {
  return (value) => {
    const bytes = type.encode(type.fromObject(wellKnownToWire(type, value as Record<string, unknown>))).finish();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
}

function deserializer(type: protobuf.Type): (buf: Buffer) => Record<string, unknown> {
  return (buf) => {
    try {
      return wellKnownFromWire(type, type.toObject(type.decode(buf), OBJECT_OPTIONS));
    } catch (e) {
      return { [DECODE_FAILURE]: `Malformed ${type.name} message: ${(e as Error).message}` } as unknown as Record<
        string,
        unknown
      >;
    }
  };
}

const cache = new Map<ServiceName, ServiceDefinition>();

export function grpcServiceDefinition(name: ServiceName): ServiceDefinition {
  const hit = cache.get(name);
  if (hit) return hit;
  const service = lookupService(name);
  const def: Record<string, MethodDefinition<object, object>> = {};
  for (const method of service.methodsArray) {
    method.resolve();
    const req = method.resolvedRequestType!;
    const res = method.resolvedResponseType!;
    def[method.name] = {
      path: `/${service.fullName.replace(/^\./, '')}/${method.name}`,
      requestStream: !!method.requestStream,
      responseStream: !!method.responseStream,
      requestSerialize: serializer(req),
      requestDeserialize: deserializer(req),
      responseSerialize: serializer(res),
      responseDeserialize: deserializer(res),
      originalName: method.name,
    };
  }
  const out = def as ServiceDefinition;
  cache.set(name, out);
  return out;
}

/** The gRPC metadata key carrying the exact MLflow error code next to the gRPC status. */
export const ERROR_CODE_METADATA = 'mlflow-error-code';
