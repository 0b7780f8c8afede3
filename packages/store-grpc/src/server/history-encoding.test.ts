import { describe, expect, it } from 'vitest';
import { toMlflowJson } from '../protocol/json-codec.js';
import { lookupType } from '../protocol/proto-root.js';
import { historyEncoderFor } from './history-encoding.js';

const generic = (rpc: string, res: object) => JSON.stringify(toMlflowJson(lookupType(`${rpc}.Response`), res));
const genericPb = (rpc: string, res: object) => {
  const t = lookupType(`${rpc}.Response`);
  return Buffer.from(t.encode(t.fromObject(res)).finish());
};
const encoder = (rpc: string) => {
  const e = historyEncoderFor(rpc, lookupType(`${rpc}.Response`));
  if (!e) throw new Error(`no encoder for ${rpc}`);
  return e;
};

const odd = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  0,
  1e21,
  1e-7,
  5e-324,
  -1.5,
  0.1 + 0.2,
  Number.MAX_VALUE,
  123456789.123,
];
function points(n: number, key = 'loss') {
  return Array.from({ length: n }, (_, i) => ({
    key,
    value: odd[i % odd.length]! * (i + 1),
    timestamp: 1700000000000 + i,
    step: i,
  }));
}

/** A point with every optional field set, negative numbers included. */
const EVERY_FIELD = {
  key: 'k',
  value: 1,
  timestamp: -5,
  step: -1,
  dataset_name: 'd',
  dataset_digest: 'x',
  model_id: 'm-1',
  run_id: 'r',
};

describe('history encoding', () => {
  it('writes the same JSON bytes as the generic mapping, for odd numbers, keys and optional fields', () => {
    const e = encoder('GetMetricHistory');
    const cases: object[] = [
      {},
      { metrics: [] },
      { metrics: [], next_page_token: '' },
      { metrics: points(40) },
      { metrics: points(3, 'a "quoted" \\ key\n€ 🙂'), next_page_token: 'tok"en' },
      { metrics: [EVERY_FIELD] },
      {
        metrics: [
          { key: 'k', value: 2, timestamp: 3 },
          { key: 'k', value: 2, timestamp: 3, step: 0, extra: 'dropped' },
        ],
      },
    ];
    for (const c of cases) {
      expect(e.json(c)).toBe(generic('GetMetricHistory', c));
      expect(e.jsonBytes(c).toString('utf8')).toBe(generic('GetMetricHistory', c));
    }
    const bulk = { metrics: points(30).map((m, i) => ({ ...m, run_id: `run${i % 3}` })) };
    expect(encoder('GetMetricHistoryBulkInterval').json(bulk)).toBe(generic('GetMetricHistoryBulkInterval', bulk));
    expect(encoder('GetMetricHistoryBulk').json(bulk)).toBe(generic('GetMetricHistoryBulk', bulk));
  });

  it('writes the same protobuf bytes as protobufjs', () => {
    const e = encoder('GetMetricHistory');
    const cases: object[] = [
      {},
      { metrics: points(50), next_page_token: 'next' },
      { metrics: points(2, 'ключ €'), next_page_token: '' },
      { metrics: [EVERY_FIELD] },
      { metrics: [{ key: 'k', value: 2, timestamp: 2 ** 52 + 7, step: 300 }] },
    ];
    for (const c of cases) expect(e.protobuf(c)).toEqual(genericPb('GetMetricHistory', c));
    const bulk = { metrics: points(20).map((m, i) => ({ ...m, run_id: `run${i % 2}` })) };
    expect(encoder('GetMetricHistoryBulkInterval').protobuf(bulk)).toEqual(
      genericPb('GetMetricHistoryBulkInterval', bulk),
    );
    // Something only the generic encoder coerces: the fast path declines.
    expect(e.protobuf({ metrics: [{ key: 'k', value: 1, timestamp: '17' }] })).toBeNull();
  });

  it("reuses a series' encoded points and stays exact after appends, pages and rewrites", () => {
    const e = encoder('GetMetricHistory');
    const series = points(100);
    const check = (items: object[], token?: string) => {
      const res = token === undefined ? { metrics: items } : { metrics: items, next_page_token: token };
      expect(e.json(res)).toBe(generic('GetMetricHistory', res));
      expect(e.jsonBytes(res).toString('utf8')).toBe(generic('GetMetricHistory', res));
      expect(e.protobuf(res)).toEqual(genericPb('GetMetricHistory', res));
    };
    check(series.slice());
    check(series.slice()); // cached
    check(series.slice()); // cached bytes
    series.push(...points(5).map((m) => ({ ...m, value: m.value + 1 })));
    check(series.slice()); // appended
    check(series.slice(0, 10), 'page-2'); // first page
    check(series.slice(10, 30)); // a later page
    const rewritten = [series[0]!, ...points(20).map((m) => ({ ...m, value: 42 }))];
    check(rewritten); // same first object, different rest
    check(series.slice()); // back to the original objects
    check(points(100)); // all new objects
  });
});
