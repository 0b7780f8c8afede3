import { describe, expect, it } from 'vitest';
import type { TraceInfo } from '../trace-entities.js';
import { searchTracesInMemory } from './trace-search.js';

const info = (i: number, t: number, d: number): TraceInfo => ({
  trace_id: `tr-${String(i).padStart(32, '0')}`,
  trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '1' } },
  request_time: t,
  execution_duration: d,
  state: i % 3 ? 'OK' : 'ERROR',
  trace_metadata: {},
  tags: {},
});

describe('searchTracesInMemory', () => {
  // Many equal timestamps and durations: ties are broken by request_id, exactly as a full sort would.
  const all = Array.from({ length: 3000 }, (_, i) => info(i, 1000 + (i % 17), (i * 7) % 23));
  const sorted = (order: (a: TraceInfo, b: TraceInfo) => number) => [...all].sort(order).map((t) => t.trace_id);

  it('pages through top-k selection and a full sort alike, in MLflow order', () => {
    const byDuration = sorted(
      (a, b) =>
        (a.execution_duration ?? 0) - (b.execution_duration ?? 0) ||
        b.request_time - a.request_time ||
        (a.trace_id < b.trace_id ? -1 : 1),
    );
    for (const max of [97, 500]) {
      const ids: string[] = [];
      let token: string | undefined;
      do {
        const page = searchTracesInMemory(all, {
          order_by: ['execution_time_ms ASC'],
          max_results: max,
          page_token: token,
        });
        ids.push(...page.items.map((t) => t.trace_id));
        token = page.next_page_token;
      } while (token);
      expect(ids).toEqual(byDuration);
    }
    const asc = searchTracesInMemory(all, {
      order_by: ['timestamp_ms ASC'],
      max_results: 50,
      filter: "status = 'ERROR'",
    });
    expect(asc.items.map((t) => t.trace_id)).toEqual(
      sorted((a, b) => a.request_time - b.request_time || (a.trace_id < b.trace_id ? -1 : 1))
        .filter((id) => Number(id.slice(3)) % 3 === 0)
        .slice(0, 50),
    );
  });

  it('presorted input stops at a full page', () => {
    const pre = [...all].sort((a, b) => b.request_time - a.request_time || (a.trace_id < b.trace_id ? -1 : 1));
    const page = searchTracesInMemory(pre, { max_results: 10 }, { presorted: true });
    expect(page.items.map((t) => t.trace_id)).toEqual(pre.slice(0, 10).map((t) => t.trace_id));
    expect(page.next_page_token).toBeTruthy();
  });
});

describe('searchTracesInMemory on presorted input, oldest first', () => {
  it('gives the same page as on unsorted input', () => {
    const all = Array.from({ length: 1500 }, (_, i) => info(i, 1000 + (i % 13), i % 5));
    const pre = [...all].sort((a, b) => b.request_time - a.request_time || (a.trace_id < b.trace_id ? -1 : 1));
    for (const order_by of [['timestamp_ms ASC'], ['timestamp_ms ASC', 'execution_time_ms DESC']]) {
      const want = searchTracesInMemory(all, { order_by, max_results: 120 });
      const got = searchTracesInMemory(pre, { order_by, max_results: 120 }, { presorted: true });
      expect(got.items.map((t) => t.trace_id)).toEqual(want.items.map((t) => t.trace_id));
    }
  });
});

describe('searchTracesInMemory with the caller walking its index (inOrder)', () => {
  it('takes the walk for the order asked and stops at a full page', () => {
    const all = Array.from({ length: 500 }, (_, i) => info(i, 1000 + (i % 7), i % 5));
    const asc = [...all].sort((a, b) => a.request_time - b.request_time || (a.trace_id < b.trace_id ? -1 : 1));
    let pulled = 0;
    const walk = function* () {
      for (const t of asc) {
        pulled++;
        yield t;
      }
    };
    const req = { order_by: ['timestamp_ms ASC'], max_results: 20, filter: "status = 'OK'" };
    const got = searchTracesInMemory(all, req, {
      inOrder: (c) => (c[0]?.key === 'timestamp_ms' && c[0].ascending ? walk() : undefined),
    });
    expect(got.items.map((t) => t.trace_id)).toEqual(searchTracesInMemory(all, req).items.map((t) => t.trace_id));
    expect(got.next_page_token).toBeTruthy();
    expect(pulled).toBeLessThan(40);
    // An order the caller cannot walk falls back to selecting from `infos`.
    const byDuration = { order_by: ['execution_time_ms DESC'], max_results: 20 };
    expect(searchTracesInMemory(all, byDuration, { inOrder: () => undefined }).items.map((t) => t.trace_id)).toEqual(
      searchTracesInMemory(all, byDuration).items.map((t) => t.trace_id),
    );
  });
});
