/**
 * Loads the package's .proto files (shipped in `proto/`) with protobufjs reflection. keepCase keeps
 * MLflow's snake_case field names, so the reflected JSON mapping is MLflow's wire JSON.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const PROTO_FILES = ['entities.proto', 'tracking.proto', 'registry.proto', 'artifacts.proto', 'traces.proto'];

/** src/protocol/x.ts and dist/protocol/x.js both sit two levels below the package root. */
function protoDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const dir = resolve(here, '..', '..', 'proto');
  if (!existsSync(dir)) throw new Error(`mlflow-ts store-grpc: proto directory missing at ${dir}`);
  return dir;
}

let root: protobuf.Root | undefined;

export function protoRoot(): protobuf.Root {
  if (root) return root;
  const dir = protoDir();
  const r = new protobuf.Root();
  r.resolvePath = (_origin, target) => resolve(dir, target);
  r.loadSync(PROTO_FILES, { keepCase: true });
  r.resolveAll();
  root = r;
  return r;
}

export function lookupType(name: string): protobuf.Type {
  return protoRoot().lookupType(`mlflow_ts.${name}`);
}

/** Our services, and OTLP's collector service (`OtlpTraces`) under its specification name. */
export type ServiceName = 'Tracking' | 'Registry' | 'Artifacts' | 'Traces' | 'OtlpTraces';

export function lookupService(name: ServiceName): protobuf.Service {
  return protoRoot().lookupService(
    name === 'OtlpTraces' ? 'opentelemetry.proto.collector.trace.v1.TraceService' : `mlflow_ts.${name}`,
  );
}

/** Plain-object conversion used on both sides of the wire: int64 as numbers, enums as names. */
export const OBJECT_OPTIONS: protobuf.IConversionOptions = {
  longs: Number,
  enums: String,
  defaults: false,
  arrays: false,
};
/** MLflow's JSON: as above plus NaN/±Infinity as strings. */
export const JSON_OPTIONS: protobuf.IConversionOptions = { ...OBJECT_OPTIONS, json: true };
