import { describe, expect, it } from 'vitest';
import type { Run } from '@mlflow-ts/format';
import {
  formatRestJson,
  getMetricHistoryResponse,
  getRunResponse,
  searchExperimentsResponse,
  searchRunsResponse,
  toRestJson,
} from './rest-json.js';

const run: Run = {
  info: {
    run_id: 'abc',
    run_uuid: 'abc',
    run_name: 'r',
    experiment_id: '0',
    user_id: '',
    status: 'RUNNING',
    start_time: 1,
    artifact_uri: 'file:///m/0/abc/artifacts',
    lifecycle_stage: 'active',
  },
  data: { metrics: [{ key: 'm', value: NaN, timestamp: 2, step: 0 }], params: [], tags: [] },
  inputs: { dataset_inputs: [] },
};

describe('toRestJson', () => {
  it('drops empty arrays, undefined and null, keeps empty messages', () => {
    expect(toRestJson({ a: [], b: undefined, c: null, d: {}, e: [1], f: '' })).toEqual({ d: {}, e: [1], f: '' });
  });

  it('writes non-finite doubles as MLflow strings', () => {
    expect(toRestJson([NaN, Infinity, -Infinity, 1.5])).toEqual(['NaN', 'Infinity', '-Infinity', 1.5]);
  });
});

describe('response builders', () => {
  it('getRunResponse is the runs/get body', () => {
    expect(getRunResponse(run)).toEqual({
      run: {
        info: run.info,
        data: { metrics: [{ key: 'm', value: 'NaN', timestamp: 2, step: 0 }] },
        inputs: {},
        outputs: {},
      },
    });
    expect(Object.keys(getRunResponse(run).run as object)).toEqual(['info', 'data', 'inputs', 'outputs']);
  });

  it('an empty search is {} and a token is kept only when present', () => {
    expect(searchRunsResponse({ items: [] })).toEqual({});
    expect(searchRunsResponse({ items: [], next_page_token: '' })).toEqual({});
    expect(searchExperimentsResponse({ items: [], next_page_token: 'tok' })).toEqual({ next_page_token: 'tok' });
    expect(getMetricHistoryResponse({ items: [{ key: 'k', value: 1, timestamp: 3, step: 2 }] })).toEqual({
      metrics: [{ key: 'k', value: 1, timestamp: 3, step: 2 }],
    });
  });

  it('formats with indent 2 like json.dumps(indent=2)', () => {
    expect(formatRestJson({ a: [1], b: [] })).toBe('{\n  "a": [\n    1\n  ]\n}');
  });
});
