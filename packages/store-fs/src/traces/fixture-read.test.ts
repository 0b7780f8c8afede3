/**
 * store-fs reads the traces MLflow 3.6's own FileStore wrote (test/fixtures/mlflow3-traces-mlruns,
 * recorded with trace_flow.py from store-grpc's mlflow3-traces fixtures), exactly.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFsTrackingStore } from '../index.js';
import type { FsTrackingStore } from '../index.js';
import { dumpYaml } from '../yaml-file.js';
import { readTraceInfo, traceInfoYaml } from './trace-files.js';

const fixture = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../test/fixtures/mlflow3-traces-mlruns/mlruns',
);
const EXP = '785728367372983933';
const FIRST = 'tr-17513f4077e4c99b678202c4e5a07ccf';
const traceDir = (id: string) => path.join(fixture, EXP, 'traces', id);

describe('store-fs reads an MLflow 3.6 FileStore tree with traces', () => {
  let dir: string;
  let store: FsTrackingStore;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-fs-trace-fixture-'));
    fs.cpSync(fixture, path.join(dir, 'mlruns'), { recursive: true });
    store = createFsTrackingStore({ root: path.join(dir, 'mlruns'), cacheDir: null });
  });
  afterAll(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds every trace with its info, tags and metadata as MLflow wrote them', async () => {
    const page = await store.traces!.searchTraces({ experiment_ids: [EXP] });
    const ids = fs.readdirSync(path.join(fixture, EXP, 'traces'));
    expect(page.items.map((t) => t.trace_id).sort()).toEqual(ids.sort());
    const info = await store.traces!.getTraceInfo(FIRST);
    expect(info).toMatchObject({
      trace_id: FIRST,
      trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: EXP } },
      request_time: Date.parse('2026-12-03T13:37:23.994Z'),
      execution_duration: 106,
      state: 'OK',
      request_preview: '{"question": "what is mlflow?"}',
      response_preview: '"answer to what is mlflow?"',
    });
    const files = (sub: string) =>
      Object.fromEntries(
        fs
          .readdirSync(path.join(traceDir(FIRST), sub))
          .map((k) => [k, fs.readFileSync(path.join(traceDir(FIRST), sub, k), 'utf8')]),
      );
    // The spans are in the trace's artifacts/traces.json, so the store reports them as its own.
    expect(info.tags).toEqual({ ...files('tags'), 'mlflow.trace.spansLocation': 'TRACKING_STORE' });
    expect(info.trace_metadata).toEqual(files('request_metadata'));
    expect(info.tags['mlflow.traceName']).toBe('pipeline');
  });

  it('returns the spans of traces.json exactly, and filters like MLflow', async () => {
    const [trace] = await store.traces!.batchGetTraces([FIRST]);
    const onDisk = JSON.parse(fs.readFileSync(path.join(traceDir(FIRST), 'artifacts', 'traces.json'), 'utf8')) as {
      spans: unknown[];
    };
    expect(trace?.spans).toEqual(onDisk.spans);
    expect(trace?.spans.map((s) => s.name)).toEqual(['pipeline', 'retrieve', 'generate']);
    const named = await store.traces!.searchTraces({
      experiment_ids: [EXP],
      filter: "trace.name = 'pipeline'",
      order_by: ['timestamp_ms ASC'],
    });
    expect(named.items.map((t) => t.trace_id)[0]).toBe(FIRST);
    const ok = await store.traces!.searchTraces({ experiment_ids: [EXP], filter: "attributes.status = 'OK'" });
    expect(ok.items).toHaveLength(2);
  });

  it('writes back in the same layout MLflow reads (tags as files, trace_info.yaml fields)', async () => {
    await store.traces!.setTraceTag(FIRST, 'reviewed', 'yes');
    const copyDir = path.join(dir, 'mlruns', EXP, 'traces', FIRST);
    expect(fs.readFileSync(path.join(copyDir, 'tags', 'reviewed'), 'utf8')).toBe('yes');
    // What we would write for MLflow's trace is byte for byte MLflow's trace_info.yaml.
    for (const id of fs.readdirSync(path.join(fixture, EXP, 'traces'))) {
      const info = readTraceInfo(traceDir(id));
      expect(info).not.toBeNull();
      expect(dumpYaml(traceInfoYaml(info!))).toBe(fs.readFileSync(path.join(traceDir(id), 'trace_info.yaml'), 'utf8'));
    }
  });
});
