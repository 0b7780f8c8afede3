/**
 * What a crash can leave of an unacknowledged trace write — a trace directory without trace_info.yaml
 * (phase one written, commit point not reached) or with an empty one (its data never flushed) — is no
 * trace: not found, not searched, and a later write of the same trace completes it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectMlflowError, makeSpan, newTraceIds } from '@mlflow-ts/format/testing';
import { createFsTrackingStore } from '../index.js';
import type { FsTrackingStore } from '../index.js';

describe('store-fs traces after a crash mid-write', () => {
  let dir: string;
  let store: FsTrackingStore;
  let exp: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-fs-trace-crash-'));
    store = createFsTrackingStore({ root: path.join(dir, 'mlruns'), cacheDir: null });
    exp = await store.createExperiment({ name: 'crash' });
  });
  afterAll(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const leftover of ['no trace_info.yaml', 'an empty trace_info.yaml'] as const) {
    it(`ignores a trace directory with ${leftover}, and completes it on the next write`, async () => {
      const { otel, mlflow: id } = newTraceIds();
      const traceDir = path.join(dir, 'mlruns', exp, 'traces', id);
      fs.mkdirSync(path.join(traceDir, 'tags'), { recursive: true });
      fs.writeFileSync(path.join(traceDir, 'tags', 'mlflow.traceName'), 'half');
      if (leftover === 'an empty trace_info.yaml') fs.writeFileSync(path.join(traceDir, 'trace_info.yaml'), '');
      await expectMlflowError(store.traces!.getTraceInfo(id), 'RESOURCE_DOES_NOT_EXIST');
      expect((await store.traces!.searchTraces({ experiment_ids: [exp] })).items.map((t) => t.trace_id)).not.toContain(
        id,
      );
      expect(await store.traces!.batchGetTraces([id])).toEqual([]);

      await store.traces!.logSpans(exp, [makeSpan({ traceHex: otel, spanId: 1, name: 'root', startMs: 5, endMs: 9 })]);
      const info = await store.traces!.getTraceInfo(id);
      expect(info.state).toBe('OK');
      expect((await store.traces!.batchGetTraces([id]))[0]?.spans.map((s) => s.name)).toEqual(['root']);
      expect((await store.traces!.searchTraces({ experiment_ids: [exp] })).items.map((t) => t.trace_id)).toContain(id);
    });
  }
});
