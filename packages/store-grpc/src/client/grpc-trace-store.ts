/**
 * The trace client over gRPC: our Traces service (MLflow's trace messages) and OTLP's collector
 * `TraceService/Export` for spans, with the connection's auth, deadline and retries.
 */
import type { TraceStore } from '@mlflow-ts/format';
import { grpcServiceDefinition } from '../protocol/grpc-definitions.js';
import { MLFLOW_EXPERIMENT_ID_HEADER } from '../protocol/trace-routes.js';
import type { GrpcConnection } from './grpc-transport.js';
import { unaryCall } from './grpc-transport.js';
import { createTraceClient } from './trace-client.js';

export function createGrpcTraceStore(conn: GrpcConnection): TraceStore {
  const traces = grpcServiceDefinition('Traces');
  // The export body is already OTLP protobuf (the same bytes OTLP/HTTP sends).
  const exportDef = { ...grpcServiceDefinition('OtlpTraces').Export!, requestSerialize: (b: object) => b as Buffer };
  return createTraceClient({
    call: (name, request) => unaryCall(conn, traces[name]!, request),
    async exportSpans(experimentId, body) {
      const metadata = conn.metadata();
      metadata.set(MLFLOW_EXPERIMENT_ID_HEADER, experimentId);
      await unaryCall(conn, exportDef, Buffer.from(body.buffer, body.byteOffset, body.byteLength), metadata);
    },
  });
}
