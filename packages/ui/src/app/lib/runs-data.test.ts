import { describe, expect, it } from 'vitest';
import { cellText, collectKeys, nestRuns, toTableRun } from './runs-data.js';
import type { Run } from './types.js';

function run(id: string, parent?: string, extra: Partial<Run['data']> = {}): Run {
  return {
    info: {
      run_id: id,
      run_name: `name-${id}`,
      experiment_id: '1',
      status: 'FINISHED',
      lifecycle_stage: 'active',
      start_time: 0,
      end_time: 90_000,
    },
    data: { tags: parent ? [{ key: 'mlflow.parentRunId', value: parent }] : [], ...extra },
  };
}

describe('runs data', () => {
  it('puts children after their parent with a depth', () => {
    const rows = nestRuns(
      [run('c1', 'p'), run('a'), run('p'), run('c2', 'p'), run('orphan', 'missing')].map(toTableRun),
    );
    expect(rows.map((r) => `${r.id}:${r.depth}`)).toEqual(['a:0', 'p:0', 'c1:1', 'c2:1', 'orphan:0']);
  });
  it('survives a parent cycle', () => {
    const rows = nestRuns([run('x', 'y'), run('y', 'x')].map(toTableRun));
    expect(rows.map((r) => r.id).sort()).toEqual(['x', 'y']);
  });
  it('collects keys and formats cells', () => {
    const r = toTableRun(
      run('a', undefined, {
        metrics: [{ key: 'loss', value: 'NaN', timestamp: 0 }],
        params: [{ key: 'lr', value: '0.1' }],
      }),
    );
    expect(collectKeys([r])).toEqual({ metrics: ['loss'], params: ['lr'], tags: [] });
    expect(cellText(r, 'metrics.loss')).toBe('NaN');
    expect(cellText(r, 'params.lr')).toBe('0.1');
    expect(cellText(r, 'attributes.duration')).toBe('1.5min');
    expect(cellText(r, 'params.missing')).toBe('');
  });
});
