/**
 * The index stays sorted through puts (new traces, a changed request_time, an unchanged one) and
 * removes, and a search walking it either way gives the page a full sort of the same traces gives.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchTracesInMemory } from '@mlflow-ts/format';
import type { TraceInfo } from '@mlflow-ts/format';
import { makeTraceInfo, newTraceIds } from '@mlflow-ts/format/testing';
import { createFsTrackingStore } from '../index.js';
import type { FsTrackingStore } from '../index.js';
import { ExperimentTraceIndex } from './trace-index.js';

const ids = (page: { items: TraceInfo[] }) => page.items.map((t) => t.trace_id);
const fullSort = (infos: TraceInfo[], order: (a: TraceInfo, b: TraceInfo) => number) =>
  [...infos].sort(order).map((t) => t.trace_id);
const idOrder = (a: TraceInfo, b: TraceInfo) => (a.trace_id < b.trace_id ? -1 : a.trace_id > b.trace_id ? 1 : 0);

describe('ExperimentTraceIndex', () => {
  it('keeps the default order through puts and removes, and walks it oldest first', () => {
    const idx = new ExperimentTraceIndex(path.join(os.tmpdir(), 'no-such-traces-dir'), () => {});
    const live = new Map<string, TraceInfo>();
    // Few distinct timestamps: most neighbours tie and are ordered by trace id.
    for (let i = 0; i < 400; i++) {
      const info = makeTraceInfo('1', `tr-${((i * 7919) % 400).toString(16).padStart(32, '0')}`, {
        request_time: 1000 + (i % 9),
      });
      idx.put(info);
      live.set(info.trace_id, info);
    }
    let i = 0;
    for (const [id, old] of [...live]) {
      const step = i++ % 4;
      if (step === 0) {
        idx.remove(id);
        live.delete(id);
      } else {
        // A new time (moves), or the same time with other fields (stays in place).
        const info = {
          ...old,
          request_time: step === 1 ? old.request_time - 3 : old.request_time,
          state: 'ERROR' as const,
        };
        idx.put(info);
        live.set(id, info);
      }
    }
    const all = [...live.values()];
    expect(idx.all().map((t) => t.trace_id)).toEqual(
      fullSort(all, (a, b) => b.request_time - a.request_time || idOrder(a, b)),
    );
    const asc = idx.inOrder([
      { key: 'timestamp_ms', ascending: true },
      { key: 'request_id', ascending: true },
    ]);
    expect([...(asc ?? [])].map((t) => t.trace_id)).toEqual(
      fullSort(all, (a, b) => a.request_time - b.request_time || idOrder(a, b)),
    );
    expect(
      idx.inOrder([
        { key: 'execution_time_ms', ascending: true },
        { key: 'timestamp_ms', ascending: false },
        { key: 'request_id', ascending: true },
      ]),
    ).toBeUndefined();
  });
});

describe('store-fs searchTraces over the sorted index', () => {
  let dir: string;
  let store: FsTrackingStore;
  let exp: string;
  const written: TraceInfo[] = [];
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-fs-trace-index-'));
    store = createFsTrackingStore({ root: path.join(dir, 'mlruns'), cacheDir: null, durability: 'none' });
    exp = await store.createExperiment({ name: 'index' });
    for (let i = 0; i < 120; i++) {
      const info = makeTraceInfo(exp, newTraceIds().mlflow, {
        request_time: 1_700_000_000_000 + (i % 11) * 1000,
        state: i % 3 ? 'OK' : 'ERROR',
        tags: { 'mlflow.traceName': `pipeline-${i % 4}` },
      });
      written.push(await store.traces!.startTrace(info));
    }
  });
  afterAll(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const cases: [string, { order_by?: string[]; filter?: string }][] = [
    ['newest first', {}],
    ['oldest first', { order_by: ['timestamp_ms ASC'] }],
    ['oldest first, filtered', { order_by: ['timestamp_ms ASC'], filter: "attributes.status = 'ERROR'" }],
    ['newest first, filtered', { order_by: ['timestamp_ms DESC'], filter: "trace.name = 'pipeline-1'" }],
    ['by duration (not the index order)', { order_by: ['execution_time_ms DESC'] }],
  ];
  for (const [label, req] of cases) {
    it(`${label}: every page as a full sort gives it`, async () => {
      const got: string[] = [];
      let token: string | undefined;
      do {
        const page = await store.traces!.searchTraces({
          experiment_ids: [exp],
          max_results: 17,
          page_token: token,
          ...req,
        });
        got.push(...ids(page));
        token = page.next_page_token;
      } while (token);
      // The reference: format's generic path (no presorted input), over traces in write order.
      const want = ids(searchTracesInMemory(written, { ...req, max_results: 1000 }));
      expect(got).toEqual(want);
      expect(got.length).toBeGreaterThan(0);
    });
  }
});
