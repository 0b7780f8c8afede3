/**
 * Fuzzing the wire decoders against a real server on 127.0.0.1 (fixed seed, a few hundred runs per
 * property): random JSON bodies and query strings on every REST route, random text as JSON, random
 * bytes and random well-typed messages on every gRPC method. Nothing may answer 5xx (other than
 * 501 for a capability the store lacks), crash the server or leave it unable to answer.
 * Latency (≤ 100 ms per request) is measured in bench/fuzz.bench.mjs, not here.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRPC_STATUS } from '@mlflow-ts/format';
import { grpcServiceDefinition } from '../protocol/grpc-definitions.js';
import { lookupType } from '../protocol/proto-root.js';
import { API_PREFIXES, RPC_ROUTES, routeOf } from '../protocol/rpc-routes.js';
import type { RpcName } from '../protocol/rpc-routes.js';
import { rawGrpcCall, startTestServer, type TestServer } from '../../test/helpers.js';

const SEED = 20261203;
const RUNS = 300;

let s: TestServer;
const logs: string[] = [];
beforeAll(async () => {
  s = await startTestServer({ store: 'fs', log: (m) => logs.push(m) });
  const exp = await s.tracking.createExperiment({ name: 'fuzz' });
  await s.tracking.createRun({ experiment_id: exp });
});
afterAll(async () => {
  await s?.close();
});

interface Route {
  name: RpcName;
  method: string;
  url: string;
  fields: string[];
}
const ROUTES: Route[] = (Object.keys(RPC_ROUTES) as RpcName[]).flatMap((name) => {
  const route = routeOf(name);
  const prefix = route.ajaxOnly ? API_PREFIXES.find((p) => p.startsWith('/ajax-api'))! : API_PREFIXES[0]!;
  const fields = Object.keys(lookupType(name).fields);
  return route.http.map(({ method, path }) => ({ name, method, url: prefix + path, fields }));
});

const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(
    '0',
    '1',
    '-1',
    'NaN',
    'Infinity',
    '',
    '.',
    '..',
    '../x',
    '%2e',
    'a/b',
    'mlflow-artifacts:/x',
    'runs:/abc/m',
    '\u0000',
    'x'.repeat(300),
  ),
);
const value = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  {
    weight: 1,
    arbitrary: fc.array(
      fc.dictionary(fc.constantFrom('key', 'value', 'timestamp', 'step', 'name', 'digest'), scalar, { maxKeys: 4 }),
      { maxLength: 3 },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);
/** An object with some of the request message's own field names (so handlers get past decoding) and noise. */
const body = (route: Route) =>
  fc.dictionary(
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...route.fields, 'unknown_field') },
      { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
    ),
    value,
    { maxKeys: 5 },
  );
const routeAndBody = fc.constantFrom(...ROUTES).chain((route) => fc.tuple(fc.constant(route), body(route)));

function expectNo5xx(status: number, text: string, what: string): void {
  if (status === 501) return;
  expect(status, `${what} → ${status} ${text.slice(0, 300)}`).toBeLessThan(500);
}

function urlOf(route: Route): string {
  return route.url.replace(/\{(\w+)\}/g, 'm-0000');
}

function query(obj: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(obj)) {
    for (const item of Array.isArray(v) ? v : [v])
      params.append(k, typeof item === 'object' ? JSON.stringify(item) : String(item));
  }
  return params.toString();
}

async function send(
  route: Route,
  payload: Record<string, unknown> | string,
): Promise<{ status: number; text: string }> {
  const get = route.method === 'GET';
  const url = `${s.baseUrl}${urlOf(route)}${get && typeof payload === 'object' ? `?${query(payload)}` : ''}`;
  const res = await fetch(url, {
    method: route.method,
    headers: get ? {} : { 'content-type': 'application/json' },
    body: get ? undefined : typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
  return { status: res.status, text: await res.text() };
}

describe('REST decoder fuzz', () => {
  it('random JSON bodies and query strings on every route: no 5xx', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(routeAndBody, async ([route, payload]) => {
        const { status, text } = await send(route, payload);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        expectNo5xx(status, text, `${route.method} ${route.url} ${JSON.stringify(payload).slice(0, 200)}`);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // The bodies reach the handlers: some succeed, most are refused by validation.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(10);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(10);
  });

  it('random text as a JSON body: 400, never 5xx', async () => {
    const posts = ROUTES.filter((r) => r.method !== 'GET');
    const text = fc.oneof(
      fc.string({ maxLength: 60, unit: 'binary' }),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc
        .tuple(fc.constantFrom('[', '{"a":', '{"tags":['), fc.integer({ min: 1, max: 5000 }))
        .map(([open, n]) => open.repeat(n)),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...posts), text, async (route, payload) => {
        const { status, text: answer } = await send(route, payload);
        expectNo5xx(status, answer, `${route.method} ${route.url} ${payload.slice(0, 200)}`);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('still answers /health afterwards', async () => {
    expect(await (await fetch(`${s.baseUrl}/health`)).text()).toBe('OK');
  });
});

describe('protobuf decoder fuzz (gRPC)', () => {
  interface Method {
    path: string;
    type: string;
  }
  const unary: Method[] = [];
  for (const service of ['Tracking', 'Registry'] as const) {
    for (const [name, def] of Object.entries(grpcServiceDefinition(service))) {
      if (!def.requestStream && !def.responseStream) unary.push({ path: def.path, type: name });
    }
  }
  unary.push(
    { path: '/mlflow_ts.Artifacts/List', type: 'ListArtifactsProxied' },
    { path: '/mlflow_ts.Artifacts/Delete', type: 'DeleteArtifact' },
  );

  const call = async (path: string, bytes: Uint8Array) =>
    (await rawGrpcCall(s.grpcAddress, path, bytes, {}, 20_000)).error;
  const BAD = new Set<number>([
    GRPC_STATUS.INTERNAL,
    GRPC_STATUS.UNKNOWN,
    GRPC_STATUS.DATA_LOSS,
    GRPC_STATUS.DEADLINE_EXCEEDED,
    GRPC_STATUS.UNAVAILABLE,
  ]);

  it('random bytes on every unary method: a status, never INTERNAL or UNKNOWN', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...unary), fc.uint8Array({ maxLength: 64 }), async (method, bytes) => {
        const err = await call(method.path, bytes);
        if (err)
          expect(
            BAD.has(err.code),
            `${method.path} ${Buffer.from(bytes).toString('hex')} → ${err.code} ${err.details}`,
          ).toBe(false);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('random well-typed messages on every unary method: never INTERNAL or UNKNOWN', async () => {
    const messages = fc.constantFrom(...unary).chain((method) => {
      let type: ReturnType<typeof lookupType> | undefined;
      try {
        type = lookupType(method.type);
      } catch {
        type = undefined;
      }
      const fields = type ? Object.values(type.fields) : [];
      const fieldValue = (f: (typeof fields)[number]): fc.Arbitrary<unknown> => {
        const one: fc.Arbitrary<unknown> =
          f.resolvedType && 'fields' in f.resolvedType
            ? fc.dictionary(
                fc.constantFrom(...Object.keys((f.resolvedType as ReturnType<typeof lookupType>).fields), 'x'),
                fc.oneof(fc.string({ maxLength: 8 }), fc.integer()),
                { maxKeys: 3 },
              )
            : ['int64', 'int32', 'uint64', 'double', 'float', 'sint64'].includes(f.type)
              ? fc.oneof(fc.integer(), fc.double())
              : f.type === 'bool'
                ? fc.boolean()
                : fc.oneof(
                    fc.string({ maxLength: 10 }),
                    fc.constantFrom('.', '', '..', '%2e', '\u0000', 'x'.repeat(300)),
                  );
        return f.repeated ? fc.array(one, { maxLength: 3 }) : one;
      };
      const record = Object.fromEntries(fields.map((f) => [f.name, fc.option(fieldValue(f), { nil: undefined })]));
      return fc.tuple(fc.constant(method), fc.record(record));
    });
    await fc.assert(
      fc.asyncProperty(messages, async ([method, obj]) => {
        let bytes: Uint8Array;
        try {
          const type = lookupType(method.type);
          bytes = type.encode(type.fromObject(obj)).finish();
        } catch {
          return; // not encodable (enum names, ranges): nothing to send
        }
        const err = await call(method.path, bytes);
        if (err)
          expect(
            BAD.has(err.code),
            `${method.path} ${JSON.stringify(obj).slice(0, 200)} → ${err.code} ${err.details}`,
          ).toBe(false);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
