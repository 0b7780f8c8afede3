import { describe, expect, it } from 'vitest';
import type { Run } from '../entities.js';
import { runValueAccessor } from './accessors.js';
import { compileFilter, evaluateFilter } from './evaluate.js';
import { parseFilter } from './parser.js';

function makeRun(opts: {
  id?: string;
  metrics?: Record<string, number>;
  params?: Record<string, string>;
  tags?: Record<string, string>;
  datasets?: { name: string; digest: string; context?: string }[];
  start?: number;
  end?: number;
  status?: Run['info']['status'];
}): Run {
  const id = opts.id ?? 'abc123';
  return {
    info: {
      run_id: id,
      run_uuid: id,
      run_name: opts.tags?.['mlflow.runName'] ?? 'bold-fox-7',
      experiment_id: '0',
      user_id: 'alice',
      status: opts.status ?? 'FINISHED',
      start_time: opts.start ?? 1000,
      ...(opts.end === undefined ? {} : { end_time: opts.end }),
      artifact_uri: `file:///tmp/mlruns/0/${id}/artifacts`,
      lifecycle_stage: 'active',
    },
    data: {
      metrics: Object.entries(opts.metrics ?? {}).map(([key, value]) => ({ key, value, timestamp: 1, step: 0 })),
      params: Object.entries(opts.params ?? {}).map(([key, value]) => ({ key, value })),
      tags: Object.entries(opts.tags ?? {}).map(([key, value]) => ({ key, value })),
    },
    inputs: {
      dataset_inputs: (opts.datasets ?? []).map((d) => ({
        tags: d.context === undefined ? [] : [{ key: 'mlflow.data.context', value: d.context }],
        dataset: { name: d.name, digest: d.digest, source_type: 'local', source: 'x' },
      })),
    },
  };
}

const matches = (filter: string, run: Run) => evaluateFilter(parseFilter(filter, 'runs'), runValueAccessor(run));

describe('evaluateFilter', () => {
  const run = makeRun({
    metrics: { acc: 0.85, loss: 0.2, 'f1 score': 0.5, nan: NaN },
    params: { model: 'GPT-4', batch_size: '2', 'learning rate': '0.01' },
    tags: { task: 'Classification', 's.release': '1.1.0-RC', 'mlflow.runName': 'bold-fox-7' },
    datasets: [
      { name: 'custom', digest: 's8ds293b', context: 'train' },
      { name: 'also custom', digest: 'jks834s2' },
    ],
    end: 2000,
  });

  it('matches everything with no filter', () => {
    expect(evaluateFilter(null, runValueAccessor(run))).toBe(true);
  });

  it('compares metrics numerically, params/tags as strings', () => {
    expect(matches('metrics.acc > 0.8', run)).toBe(true);
    expect(matches('metrics.acc >= 0.85 AND metrics.acc <= 0.85', run)).toBe(true);
    expect(matches('metrics.acc < 0.85', run)).toBe(false);
    expect(matches('metrics.acc != 0.85', run)).toBe(false);
    expect(matches('metrics.`f1 score` = 0.5', run)).toBe(true);
    expect(matches('params.batch_size = "2"', run)).toBe(true);
    expect(matches('params.`learning rate` != "0.01"', run)).toBe(false);
    expect(matches("tags.s.release ILIKE '%rc%'", run)).toBe(true);
    expect(matches("tags.s.release LIKE '%rc%'", run)).toBe(false);
  });

  it('never matches a missing metric, param or tag — even with != or NOT', () => {
    expect(matches('metrics.absent != 1', run)).toBe(false);
    expect(matches("params.absent != 'x'", run)).toBe(false);
    expect(matches("tags.absent != 'x'", run)).toBe(false);
    expect(matches('NOT metrics.absent > 1', run)).toBe(false);
    expect(matches('metrics.absent IS NULL', run)).toBe(true);
    expect(matches('metrics.acc IS NULL', run)).toBe(false);
    expect(matches('metrics.acc IS NOT NULL AND params.model IS NOT NULL', run)).toBe(true);
    expect(matches('end_time IS NOT NULL', run)).toBe(true);
    expect(matches('end_time > 1', makeRun({}))).toBe(false);
    expect(matches('end_time IS NULL', makeRun({}))).toBe(true);
  });

  it('follows SQL three-valued logic in OR / NOT', () => {
    expect(matches('metrics.absent > 1 OR metrics.acc > 0.5', run)).toBe(true);
    expect(matches('NOT (metrics.absent > 1 OR metrics.acc > 0.9)', run)).toBe(false);
    expect(matches('NOT (metrics.absent > 1 AND metrics.acc > 0.9)', run)).toBe(true);
    expect(matches('NOT metrics.acc > 0.9', run)).toBe(true);
    expect(matches("(params.model = 'GPT-3' OR params.model = 'GPT-4') AND metrics.loss < 0.5", run)).toBe(true);
  });

  it('treats NaN like Python floats: only != is true', () => {
    expect(matches('metrics.nan = 0', run)).toBe(false);
    expect(matches('metrics.nan > 0', run)).toBe(false);
    expect(matches('metrics.nan <= 0', run)).toBe(false);
    expect(matches('metrics.nan != 0', run)).toBe(true);
    expect(matches('metrics.nan BETWEEN 0 AND 1', run)).toBe(false);
    expect(matches('metrics.nan IS NOT NULL', run)).toBe(true);
  });

  it('supports BETWEEN (inclusive) and NOT BETWEEN', () => {
    expect(matches('metrics.acc BETWEEN 0.8 AND 0.9', run)).toBe(true);
    expect(matches('metrics.acc BETWEEN 0.85 AND 0.85', run)).toBe(true);
    expect(matches('metrics.acc BETWEEN 0.9 AND 1', run)).toBe(false);
    expect(matches('metrics.acc NOT BETWEEN 0.9 AND 1', run)).toBe(true);
    expect(matches('start_time BETWEEN 999 AND 1000', run)).toBe(true);
  });

  it('reads attributes and their aliases', () => {
    expect(matches("attributes.status = 'FINISHED'", run)).toBe(true);
    expect(matches("status != 'FAILED'", run)).toBe(true);
    expect(matches('"run name" = \'bold-fox-7\'', run)).toBe(true);
    expect(matches('created = 1000', run)).toBe(true);
    expect(matches("user_id LIKE 'ali%'", run)).toBe(true);
    expect(matches("artifact_uri LIKE '%/abc123/artifacts'", run)).toBe(true);
    expect(matches("run_id IN ('zzz', 'abc123')", run)).toBe(true);
    expect(matches("run_id NOT IN ('abc123')", run)).toBe(false);
    expect(matches("run_id IN ('ABC123')", run)).toBe(false);
  });

  it('matches datasets when any logged dataset does', () => {
    expect(matches("datasets.name = 'also custom'", run)).toBe(true);
    expect(matches("datasets.digest IN ('s8ds293b', 'jks834s2')", run)).toBe(true);
    expect(matches("datasets.name LIKE 'custom'", run)).toBe(true);
    expect(matches("datasets.context = 'train'", run)).toBe(true);
    expect(matches("datasets.context = 'test'", run)).toBe(false);
    expect(matches("datasets.name != 'custom'", run)).toBe(true);
    expect(matches("datasets.name NOT IN ('custom', 'also custom')", run)).toBe(false);
    const plain = makeRun({});
    expect(matches("datasets.name != 'x'", plain)).toBe(false);
    expect(matches('datasets.name IS NULL', plain)).toBe(true);
    expect(matches('datasets.context IS NULL', makeRun({ datasets: [{ name: 'd', digest: 'x' }] }))).toBe(true);
  });

  it('compiles once and reuses the predicate', () => {
    const node = parseFilter('metrics.acc > 0.5', 'runs');
    expect(compileFilter(node)).toBe(compileFilter(node));
    expect(compileFilter(null)(() => undefined)).toBe(true);
  });
});
