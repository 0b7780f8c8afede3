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

  it.each<[string, boolean]>([
    ['metrics.acc > 0.8', true],
    ['metrics.acc >= 0.85 AND metrics.acc <= 0.85', true],
    ['metrics.acc < 0.85', false],
    ['metrics.acc != 0.85', false],
    ['metrics.`f1 score` = 0.5', true],
    ['params.batch_size = "2"', true],
    ['params.`learning rate` != "0.01"', false],
    ["tags.s.release ILIKE '%rc%'", true],
    ["tags.s.release LIKE '%rc%'", false],
  ])('compares metrics numerically, params/tags as strings: %s → %s', (filter, expected) => {
    expect(matches(filter, run)).toBe(expected);
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

  it.each<[string, boolean]>([
    ['metrics.absent > 1 OR metrics.acc > 0.5', true],
    ['NOT (metrics.absent > 1 OR metrics.acc > 0.9)', false],
    ['NOT (metrics.absent > 1 AND metrics.acc > 0.9)', true],
    ['NOT metrics.acc > 0.9', true],
    ["(params.model = 'GPT-3' OR params.model = 'GPT-4') AND metrics.loss < 0.5", true],
  ])('follows SQL three-valued logic in OR / NOT: %s → %s', (filter, expected) => {
    expect(matches(filter, run)).toBe(expected);
  });

  it.each<[string, boolean]>([
    ['metrics.nan = 0', false],
    ['metrics.nan > 0', false],
    ['metrics.nan <= 0', false],
    ['metrics.nan != 0', true],
    ['metrics.nan BETWEEN 0 AND 1', false],
    ['metrics.nan IS NOT NULL', true],
  ])('treats NaN like Python floats: only != is true: %s → %s', (filter, expected) => {
    expect(matches(filter, run)).toBe(expected);
  });

  it.each<[string, boolean]>([
    ['metrics.acc BETWEEN 0.8 AND 0.9', true],
    ['metrics.acc BETWEEN 0.85 AND 0.85', true],
    ['metrics.acc BETWEEN 0.9 AND 1', false],
    ['metrics.acc NOT BETWEEN 0.9 AND 1', true],
    ['start_time BETWEEN 999 AND 1000', true],
  ])('supports BETWEEN (inclusive) and NOT BETWEEN: %s → %s', (filter, expected) => {
    expect(matches(filter, run)).toBe(expected);
  });

  it.each<[string, boolean]>([
    ["attributes.status = 'FINISHED'", true],
    ["status != 'FAILED'", true],
    ['"run name" = \'bold-fox-7\'', true],
    ['created = 1000', true],
    ["user_id LIKE 'ali%'", true],
    ["artifact_uri LIKE '%/abc123/artifacts'", true],
    ["run_id IN ('zzz', 'abc123')", true],
    ["run_id NOT IN ('abc123')", false],
    ["run_id IN ('ABC123')", false],
  ])('reads attributes and their aliases: %s → %s', (filter, expected) => {
    expect(matches(filter, run)).toBe(expected);
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
