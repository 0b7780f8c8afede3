/**
 * An acknowledged trace write is durable: before logSpans resolves, what the new trace created (tag
 * and span files, its folders) is synced, and only then trace_info.yaml, its commit point, is.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { makeSpan, newTraceIds } from '@mlflow-ts/format/testing';
import { createFsTrackingStore } from '../index.js';
import { hasProcFds, spySyncs } from '../../test/sync-spy.js';

describe('store-fs trace writes are synced before they resolve', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-fs-trace-sync-'));
  afterEach(() => vi.restoreAllMocks());
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!hasProcFds)('logSpans of a new trace: spans, tags and folders first, then trace_info.yaml', async () => {
    const store = createFsTrackingStore({ root: path.join(dir, 'mlruns'), cacheDir: null, durability: 'fsync' });
    const exp = await store.createExperiment({ name: 'sync' });
    const { otel, mlflow: id } = newTraceIds();
    const traceDir = path.join(dir, 'mlruns', exp, 'traces', id);
    const log = spySyncs();
    await store.traces!.logSpans(exp, [makeSpan({ traceHex: otel, spanId: 1, name: 'root', startMs: 1, endMs: 2 })]);
    vi.restoreAllMocks();
    const at = (entry: string) => {
      const i = log.indexOf(entry);
      expect(i, `${entry} synced`).toBeGreaterThanOrEqual(0);
      return i;
    };
    const phaseOne = [
      `data:${path.join(traceDir, 'artifacts', 'traces.json')}`,
      `data:${path.join(traceDir, 'tags', 'mlflow.artifactLocation')}`,
      `dir:${path.join(traceDir, 'tags')}`,
      `dir:${path.join(traceDir, 'artifacts')}`,
      `dir:${path.dirname(traceDir)}`,
    ].map(at);
    // The commit point and its folder (it was renamed into place) are synced after all of phase one.
    expect(at(`data:${path.join(traceDir, 'trace_info.yaml')}`)).toBeGreaterThan(Math.max(...phaseOne));
    expect(log.lastIndexOf(`dir:${traceDir}`)).toBeGreaterThan(Math.max(...phaseOne));
    // No empty request_metadata folder for a trace without metadata (MLflow reads a missing one as empty).
    expect(fs.existsSync(path.join(traceDir, 'request_metadata'))).toBe(false);
    expect((await store.traces!.batchGetTraces([id]))[0]?.spans.map((s) => s.name)).toEqual(['root']);

    // A later batch replaces traces.json and trace_info.yaml: each new content is synced (as its temp
    // file) before it is renamed over the old, and the folder after.
    const again = spySyncs();
    await store.traces!.logSpans(exp, [
      makeSpan({ traceHex: otel, spanId: 2, parentId: 1, name: 'child', startMs: 0, endMs: 3 }),
    ]);
    vi.restoreAllMocks();
    for (const folder of [path.join(traceDir, 'artifacts'), traceDir]) {
      const temp = again.findIndex((e) => e.startsWith(`data:${path.join(traceDir, '.~tr-')}`));
      expect(temp, 'a temp file synced').toBeGreaterThanOrEqual(0);
      expect(again.lastIndexOf(`dir:${folder}`)).toBeGreaterThan(temp);
    }
    expect(again.filter((e) => e.startsWith(`data:${path.join(traceDir, '.~tr-')}`)).length).toBe(2);
    expect((await store.traces!.batchGetTraces([id]))[0]?.spans.map((s) => s.name)).toEqual(['root', 'child']);
    await store.close();
  });
});
