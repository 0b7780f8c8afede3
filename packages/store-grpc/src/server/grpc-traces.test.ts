/**
 * The gRPC trace RPCs and the OTLP/gRPC collector service against a real server over store-fs: bad
 * input answers MLflow's error code (trailing `mlflow-error-code`) with the gRPC status the one table
 * gives it, and writes nothing; auth denies by default, as REST does for the trace routes.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grpcStatusForErrorCode } from '@mlflow-ts/format';
import { createGrpcStore } from '../client/stores.js';
import { ERROR_CODE_METADATA, grpcServiceDefinition } from '../protocol/grpc-definitions.js';
import { encodeOtlpRequest } from '../protocol/otlp-proto.js';
import { http, rawGrpcCall, startTestServer, type TestServer } from '../../test/helpers.js';

const EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const hexId = (n: number, bytes: number) => Buffer.from(n.toString(16).padStart(bytes * 2, '0'), 'hex');

/** An OTLP export body of `count` spans of one trace (OTel trace id `traceNo`). */
function exportBody(traceNo: number, count: number): Buffer {
  const spans = Array.from({ length: count }, (_, i) => ({
    traceId: hexId(traceNo, 16),
    spanId: hexId(i + 1, 8),
    ...(i > 0 ? { parentSpanId: hexId(1, 8) } : {}),
    name: `span-${i}`,
    startTimeUnixNano: String(1_700_000_000_000_000_000 + i),
    endTimeUnixNano: String(1_700_000_000_500_000_000 + i),
    attributes: [{ key: 'mlflow.spanType', value: { stringValue: '"CHAIN"' } }],
  }));
  return Buffer.from(encodeOtlpRequest({ resourceSpans: [{ scopeSpans: [{ spans }] }] }));
}

const traceIdOf = (traceNo: number) => `tr-${hexId(traceNo, 16).toString('hex')}`;

interface Answer {
  status: number;
  code: string | undefined;
  value?: Record<string, unknown>;
}

/** One raw unary call: request bytes in, status and MLflow code (or the decoded answer) out. */
async function rawCall(address: string, path: string, body: Buffer, metadata: Record<string, string> = {}) {
  const { error, value } = await rawGrpcCall(address, path, body, metadata);
  if (error) {
    const code = error.metadata?.get(ERROR_CODE_METADATA)[0];
    return { status: error.code, code: typeof code === 'string' ? code : undefined };
  }
  const def = path === EXPORT_PATH ? undefined : grpcServiceDefinition('Traces')[path.split('/').pop()!];
  return { status: grpc.status.OK, code: undefined, value: def?.responseDeserialize(value!) as Answer['value'] };
}

const traces = (name: string, request: object) =>
  [`/mlflow_ts.Traces/${name}`, grpcServiceDefinition('Traces')[name]!.requestSerialize(request)] as const;

describe('gRPC trace RPCs: bad input', () => {
  let s: TestServer;
  let experimentId: string;
  beforeAll(async () => {
    s = await startTestServer({ store: 'fs' });
    experimentId = await s.tracking.createExperiment({ name: 'grpc-traces' });
  });
  afterAll(async () => {
    await s?.close();
  });

  const searchAll = async () =>
    (await s.tracking.traces!.searchTraces({ experiment_ids: [experimentId], max_results: 100 })).items;

  const CASES: [string, () => readonly [string, Buffer], Record<string, string> | undefined, string][] = [
    [
      'trace id with path characters',
      () => traces('GetTraceInfoV3', { trace_id: '../../etc/passwd' }),
      undefined,
      'INVALID_PARAMETER_VALUE',
    ],
    [
      'tag on a trace id with a slash',
      () => traces('SetTraceTagV3', { trace_id: 'tr-a/b', key: 'k', value: 'v' }),
      undefined,
      'INVALID_PARAMETER_VALUE',
    ],
    [
      'unknown trace',
      () => traces('GetTraceInfoV3', { trace_id: traceIdOf(0xdead) }),
      undefined,
      'RESOURCE_DOES_NOT_EXIST',
    ],
    ['batch get without ids', () => traces('BatchGetTraces', {}), undefined, 'INVALID_PARAMETER_VALUE'],
    ['search without locations', () => traces('SearchTracesV3', {}), undefined, 'INVALID_PARAMETER_VALUE'],
    ['start without trace', () => traces('StartTraceV3', {}), undefined, 'INVALID_PARAMETER_VALUE'],
    [
      'undecodable trace request',
      () => ['/mlflow_ts.Traces/StartTraceV3', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f])],
      undefined,
      'MALFORMED_REQUEST',
    ],
    ['malformed OTLP export', () => [EXPORT_PATH, Buffer.from([0x0a, 0x05, 0x12, 0x7f, 0x01])], {}, 'BAD_REQUEST'],
    [
      'OTLP export without the experiment header',
      () => [EXPORT_PATH, exportBody(1, 1)],
      undefined,
      'INVALID_PARAMETER_VALUE',
    ],
    [
      'OTLP export into an unknown experiment',
      () => [EXPORT_PATH, exportBody(2, 1)],
      { 'x-mlflow-experiment-id': '987654' },
      'RESOURCE_DOES_NOT_EXIST',
    ],
    [
      'OTLP export of more spans than one batch may carry',
      () => [EXPORT_PATH, exportBody(3, 10_001)],
      {},
      'INVALID_PARAMETER_VALUE',
    ],
  ];

  it.each(CASES)('%s answers its MLflow code, nothing written', async (_what, request, metadata, code) => {
    const [path, body] = request();
    const md = metadata && Object.keys(metadata).length === 0 ? { 'x-mlflow-experiment-id': experimentId } : metadata;
    const answer = await rawCall(s.grpcAddress, path, body, md);
    expect(answer).toEqual({ status: grpcStatusForErrorCode(code), code });
    expect(await searchAll()).toEqual([]);
  });

  it('an OTLP export over gRPC lands as a trace the Traces service returns with its spans', async () => {
    const answer = await rawCall(s.grpcAddress, EXPORT_PATH, exportBody(7, 3), {
      'x-mlflow-experiment-id': experimentId,
    });
    expect(answer.status).toBe(grpc.status.OK);
    const [path, body] = traces('GetTrace', { trace_id: traceIdOf(7), allow_partial: true });
    const got = await rawCall(s.grpcAddress, path, body);
    expect(got.status).toBe(grpc.status.OK);
    const trace = got.value?.trace as {
      trace_info: { trace_id: string; request_time: number };
      spans: { name: string }[];
    };
    expect(trace.trace_info.trace_id).toBe(traceIdOf(7));
    expect(trace.trace_info.request_time).toBe(1_700_000_000_000);
    expect(trace.spans.map((x) => x.name).sort()).toEqual(['span-0', 'span-1', 'span-2']);
    // The same trace over REST (one store, two transports).
    const rest = await http(s.baseUrl, 'GET', `/api/3.0/mlflow/traces/${traceIdOf(7)}`);
    expect(rest.json.trace.trace_info.trace_id).toBe(traceIdOf(7));
  });
});

describe('gRPC trace RPCs: auth', () => {
  let s: TestServer;
  let experimentId: string;
  const admin = { username: 'admin', password: 'password1234' };
  beforeAll(async () => {
    const { tmpdir } = await import('node:os');
    s = await startTestServer({
      store: 'fs',
      auth: { database: `${tmpdir()}/grpc-traces-auth-${process.pid}-${Date.now()}.db`, admin },
    });
    experimentId = await s.tracking.createExperiment({ name: 'auth-traces' });
    const created = await http(
      s.baseUrl,
      'POST',
      '/api/2.0/mlflow/users/create',
      { username: 'bob', password: 'bob-password-123' },
      { authorization: `Basic ${Buffer.from('admin:password1234').toString('base64')}` },
    );
    expect(created.status).toBe(200);
  });
  afterAll(async () => {
    await s?.close();
  });

  const bob = { authorization: `Basic ${Buffer.from('bob:bob-password-123').toString('base64')}` };
  const search = () =>
    traces('SearchTracesV3', {
      locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
    });

  it('without credentials every trace RPC and the OTLP export are UNAUTHENTICATED', async () => {
    for (const [path, body] of [
      search(),
      traces('GetTraceInfoV3', { trace_id: traceIdOf(1) }),
      [EXPORT_PATH, exportBody(1, 1)] as const,
    ]) {
      expect(await rawCall(s.grpcAddress, path, body, { 'x-mlflow-experiment-id': experimentId })).toEqual({
        status: grpc.status.UNAUTHENTICATED,
        code: 'UNAUTHENTICATED',
      });
    }
  });

  it('a database user who is not an admin is denied (no trace rule yet: admins only), and nothing is written', async () => {
    const denied = { status: grpcStatusForErrorCode('PERMISSION_DENIED'), code: 'PERMISSION_DENIED' };
    const [sp, sb] = search();
    expect(await rawCall(s.grpcAddress, sp, sb, bob)).toEqual(denied);
    expect(
      await rawCall(s.grpcAddress, EXPORT_PATH, exportBody(5, 2), { ...bob, 'x-mlflow-experiment-id': experimentId }),
    ).toEqual(denied);
    expect((await s.tracking.traces!.searchTraces({ experiment_ids: [experimentId] })).items).toEqual([]);
    // REST answers the same user the same way.
    const rest = await http(s.baseUrl, 'POST', '/api/3.0/mlflow/traces/search', { locations: [] }, bob);
    expect(rest.status).toBe(403);
  });

  it('the admin reaches the trace store through the gRPC trace client', async () => {
    const remote = createGrpcStore({ address: s.grpcAddress, ...admin });
    try {
      const t = remote.tracking.traces!;
      const spans = (await import('@mlflow-ts/format')).spanFromOtlp;
      const { span } = spans({
        trace_id: hexId(9, 16),
        span_id: hexId(1, 8),
        name: 'root',
        start_time_unix_nano: 1,
        end_time_unix_nano: 2,
      });
      await t.logSpans(experimentId, [span]);
      const found = await t.searchTraces({ experiment_ids: [experimentId] });
      expect(found.items.map((i) => i.trace_id)).toEqual([traceIdOf(9)]);
    } finally {
      await remote.close();
    }
  });
});

describe('gRPC trace RPCs: read-only users', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({
      store: 'fs',
      auth: { users: [{ username: 'reader', password: 'reader-password-123', readOnly: true }] },
    });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('may search and get, may not start, tag or export', async () => {
    const md = { authorization: `Basic ${Buffer.from('reader:reader-password-123').toString('base64')}` };
    const experimentId = await s.tracking.createExperiment({ name: 'ro' });
    const [sp, sb] = traces('SearchTracesV3', {
      locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
    });
    expect((await rawCall(s.grpcAddress, sp, sb, md)).status).toBe(grpc.status.OK);
    const [gp, gb] = traces('GetTraceInfoV3', { trace_id: traceIdOf(3) });
    expect((await rawCall(s.grpcAddress, gp, gb, md)).code).toBe('RESOURCE_DOES_NOT_EXIST');
    const denied = { status: grpcStatusForErrorCode('PERMISSION_DENIED'), code: 'PERMISSION_DENIED' };
    const [tp, tb] = traces('SetTraceTagV3', { trace_id: traceIdOf(3), key: 'k', value: 'v' });
    expect(await rawCall(s.grpcAddress, tp, tb, md)).toEqual(denied);
    expect(
      await rawCall(s.grpcAddress, EXPORT_PATH, exportBody(4, 1), { ...md, 'x-mlflow-experiment-id': experimentId }),
    ).toEqual(denied);
  });
});
