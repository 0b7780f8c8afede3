import { describe, expect, it } from 'vitest';
import { jsonList, links, parseRoute, splitHash, withQuery } from './router.js';

const route = (hash: string) => parseRoute(splitHash(hash));

describe('parseRoute (MLflow hash routes)', () => {
  it('parses the links MLflow clients print', () => {
    expect(route('#/experiments/12/runs/abc123')).toEqual({
      page: 'run',
      experimentId: '12',
      runId: 'abc123',
      tab: 'overview',
    });
    expect(route('#/models/my%20model/versions/3')).toEqual({ page: 'model-version', name: 'my model', version: '3' });
    expect(route('#/experiments/0')).toEqual({ page: 'experiment', experimentId: '0', tab: 'runs' });
    expect(route('#/experiments/5/models/m-1')).toEqual({ page: 'logged-model', experimentId: '5', modelId: 'm-1' });
  });
  it('parses list pages and tabs', () => {
    expect(route('')).toEqual({ page: 'experiments' });
    expect(route('#/')).toEqual({ page: 'experiments' });
    expect(route('#/experiments')).toEqual({ page: 'experiments' });
    expect(route('#/models')).toEqual({ page: 'models' });
    expect(route('#/models/m')).toEqual({ page: 'model', name: 'm', subpage: undefined });
    expect(route('#/experiments/3/traces')).toEqual({ page: 'experiment', experimentId: '3', tab: 'traces' });
    expect(route('#/experiments/3/runs/r/artifacts/a/b.txt')).toEqual({
      page: 'run',
      experimentId: '3',
      runId: 'r',
      tab: 'artifacts',
      artifactPath: 'a/b.txt',
    });
    expect(route('#/runs/r1')).toEqual({ page: 'run', runId: 'r1', tab: 'overview' });
    expect(route('#/nope/x')).toEqual({ page: 'not-found', path: '/nope/x' });
  });
  it('parses compare and metric pages with JSON list parameters', () => {
    expect(route('#/compare-runs?runs=%5B%22a%22,%22b%22%5D&experiments=%5B%221%22%5D')).toEqual({
      page: 'compare-runs',
      runIds: ['a', 'b'],
      experimentIds: ['1'],
    });
    expect(route('#/compare-experiments/s?experiments=["1","2"]')).toEqual({
      page: 'compare-experiments',
      experimentIds: ['1', '2'],
    });
    expect(route('#/metric/loss?runs=["a"]&experiments=["0"]')).toMatchObject({
      page: 'metric',
      runIds: ['a'],
      metricKeys: ['loss'],
    });
  });
  it('round-trips the links it builds', () => {
    expect(route(links.compareRuns(['x', 'y'], ['0']))).toEqual({
      page: 'compare-runs',
      runIds: ['x', 'y'],
      experimentIds: ['0'],
    });
    expect(route(links.modelVersion('a/b', '2'))).toEqual({ page: 'model-version', name: 'a/b', version: '2' });
    expect(route(links.artifact('1', 'r', 'dir/f x.json'))).toMatchObject({ artifactPath: 'dir/f x.json' });
  });
  it("parses MLflow's compare-model-versions form and round-trips its own", () => {
    // What MLflow's model page navigates to: name as a JSON string of the encoded name, runs version → run id.
    expect(route('#/compare-model-versions?name="my%20model"&runs={"1":"r1","3":"r3"}')).toEqual({
      page: 'compare-model-versions',
      name: 'my model',
      runsByVersion: { '1': 'r1', '3': 'r3' },
    });
    expect(route(links.compareModelVersions('a&b/c', { '2': 'x' }))).toEqual({
      page: 'compare-model-versions',
      name: 'a&b/c',
      runsByVersion: { '2': 'x' },
    });
    expect(route('#/compare-model-versions?name=plain&runs=oops')).toEqual({
      page: 'compare-model-versions',
      name: 'plain',
      runsByVersion: {},
    });
  });

  it('jsonList accepts JSON arrays and comma lists', () => {
    expect(jsonList('["a","b"]')).toEqual(['a', 'b']);
    expect(jsonList('a,b')).toEqual(['a', 'b']);
    expect(jsonList(null)).toEqual([]);
  });
  it('withQuery sets and removes parameters', () => {
    expect(withQuery('#/experiments/1?a=1', { b: 'x y', a: undefined })).toBe('#/experiments/1?b=x+y');
  });
});
