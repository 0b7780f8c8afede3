/** What we write is what MLflow writes: meta.yaml layouts compared with the fixture files line by line. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFsTrackingStore } from '../index.js';
import { fixturesDir, tempDir } from '../../test/temp-store.js';
import { parseYaml } from '../yaml-file.js';

const WINE = path.join(fixturesDir, '160103126__mlflow-fastapi-wine', 'mlruns', '895387645806649699');
const read = (...p: string[]) => fs.readFileSync(path.join(...p), 'utf8');
/** `key: <value shape>` per line: the value replaced by its YAML type, so layouts compare exactly. */
function shape(text: string): string[] {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => {
      const m = /^([a-z_]+):(?: (.*))?$/.exec(line);
      if (!m) return line;
      const v = m[2];
      const kind =
        v === undefined
          ? 'block'
          : v === 'null'
            ? 'null'
            : v === "''"
              ? "''"
              : /^'\d+'$/.test(v)
                ? "'digits'"
                : /^-?\d+$/.test(v)
                  ? 'int'
                  : v === '[]'
                    ? '[]'
                    : v === '{}'
                      ? '{}'
                      : 'str';
      return `${m[1]}: ${kind}`;
    });
}

describe('files written in MLflow layout', () => {
  it('experiment and run meta.yaml match MLflow 3.x field by field', async () => {
    const root = path.join(tempDir(), 'mlruns');
    const store = createFsTrackingStore({ root });
    const expId = await store.createExperiment({ name: 'wine-quality-optimization' });
    expect(expId).toMatch(/^[1-9]\d{17}$/);
    const expMeta = read(root, expId, 'meta.yaml');
    expect(shape(expMeta)).toEqual(shape(read(WINE, 'meta.yaml')));
    expect(parseYaml(expMeta)).toMatchObject({ experiment_id: expId, artifact_location: `file://${root}/${expId}` });
    expect(fs.existsSync(path.join(root, '0', 'meta.yaml'))).toBe(true);
    expect(fs.existsSync(path.join(root, '.trash'))).toBe(true);

    const run = await store.createRun({
      experiment_id: expId,
      user_id: 'prade',
      run_name: 'hyperparameter-sweep',
      start_time: 1754589325598,
    });
    const runId = run.info.run_id;
    expect(runId).toMatch(/^[0-9a-f]{32}$/);
    const created = read(root, expId, runId, 'meta.yaml');
    // At creation MLflow 3.x writes deleted_time: null and end_time: null.
    expect(created).toBe(
      [
        `artifact_uri: file://${root}/${expId}/${runId}/artifacts`,
        'deleted_time: null',
        'end_time: null',
        "entry_point_name: ''",
        `experiment_id: '${expId}'`,
        'lifecycle_stage: active',
        `run_id: ${runId}`,
        'run_name: hyperparameter-sweep',
        "source_name: ''",
        'source_type: 4',
        "source_version: ''",
        'start_time: 1754589325598',
        'status: 1',
        'tags: []',
        'user_id: prade',
        '',
      ].join('\n'),
    );
    await store.updateRun(runId, { status: 'FINISHED', end_time: 1754589521194 });
    // The fixture parent run was finished the same way: identical layout and, here, identical values.
    const fixtureRun = read(WINE, 'd8f910a5d96b478cab1a9539778901ed', 'meta.yaml');
    const ours = read(root, expId, runId, 'meta.yaml');
    expect(shape(ours)).toEqual(shape(fixtureRun));
    const norm = (t: string) => t.replace(/^(artifact_uri|experiment_id|run_id): .*$/gm, '$1: X');
    expect(norm(ours)).toBe(norm(fixtureRun));
    expect(read(root, expId, runId, 'tags', 'mlflow.runName')).toBe('hyperparameter-sweep');

    await store.deleteRun(runId);
    const deleted = parseYaml(read(root, expId, runId, 'meta.yaml')) as Record<string, unknown>;
    expect(deleted.lifecycle_stage).toBe('deleted');
    expect(typeof deleted.deleted_time).toBe('number');
    await store.restoreRun(runId);
    expect(read(root, expId, runId, 'meta.yaml')).not.toContain('deleted_time');
    await store.close();
  });

  it('params, tags and metrics: raw values, nested keys, Python float repr', async () => {
    const root = path.join(tempDir(), 'mlruns');
    const store = createFsTrackingStore({ root });
    const run = await store.createRun({ experiment_id: '0' });
    const dir = path.join(root, '0', run.info.run_id);
    await store.logBatch(run.info.run_id, {
      params: [
        { key: 'lr', value: '0.01' },
        { key: 'opt/name', value: 'SGD' },
      ],
      tags: [{ key: 'team', value: 'a b' }],
      metrics: [
        { key: 'total_trials', value: 15, timestamp: 1754589521149, step: 0 },
        { key: 'tiny', value: 1e-5, timestamp: 1, step: 2 },
        { key: 'tiny', value: NaN, timestamp: 2, step: 3 },
        { key: 'tiny', value: -Infinity, timestamp: 3, step: 4 },
        { key: 'loss/train', value: 0.5, timestamp: 4, step: 5 },
      ],
    });
    expect(read(dir, 'params', 'lr')).toBe('0.01');
    expect(read(dir, 'params', 'opt', 'name')).toBe('SGD');
    expect(read(dir, 'tags', 'team')).toBe('a b');
    expect(read(dir, 'metrics', 'total_trials')).toBe('1754589521149 15.0 0\n');
    expect(read(dir, 'metrics', 'tiny')).toBe('1 1e-05 2\n2 nan 3\n3 -inf 4\n');
    expect(read(dir, 'metrics', 'loss', 'train')).toBe('4 0.5 5\n');
    const got = await store.getRun(run.info.run_id);
    expect(got.data.params).toEqual([
      { key: 'lr', value: '0.01' },
      { key: 'opt/name', value: 'SGD' },
    ]);
    expect(got.data.metrics.find((m) => m.key === 'tiny')).toEqual({
      key: 'tiny',
      value: -Infinity,
      timestamp: 3,
      step: 4,
    });
    expect(got.data.metrics.find((m) => m.key === 'loss/train')?.value).toBe(0.5);

    await store.logMetric(run.info.run_id, {
      key: 'acc',
      value: 0.9,
      timestamp: 10,
      step: 1,
      dataset_name: 'train',
      dataset_digest: 'abc123',
    });
    expect(read(dir, 'metrics', 'acc')).toBe('10 0.9 1 train abc123\n');
    const hist = await store.getMetricHistory(run.info.run_id, 'acc');
    expect(hist.items).toEqual([
      { key: 'acc', value: 0.9, timestamp: 10, step: 1, dataset_name: 'train', dataset_digest: 'abc123' },
    ]);
    await store.close();
  });

  it('inputs and outputs links and dataset records', async () => {
    const root = path.join(tempDir(), 'mlruns');
    const store = createFsTrackingStore({ root });
    const run = await store.createRun({});
    const runId = run.info.run_id;
    const dataset = { name: 'wine', digest: 'd1', source_type: 'local', source: '/data/wine.csv', schema: '{"x":1}' };
    await store.logInputs(runId, {
      datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'train' }], dataset }],
      models: [{ model_id: 'm-abc' }],
    });
    await store.logOutputs(runId, [{ model_id: 'm-7b5b292a66ea4824a2aaedc5c3ea4bf4', step: 0 }]);
    const out = read(root, '0', runId, 'outputs', 'm-7b5b292a66ea4824a2aaedc5c3ea4bf4', 'meta.yaml');
    expect(out).toBe(
      read(WINE, 'a300d8876f2042bf86eb8cee1c072d55', 'outputs', 'm-7b5b292a66ea4824a2aaedc5c3ea4bf4', 'meta.yaml'),
    );
    const datasets = fs.readdirSync(path.join(root, '0', 'datasets'));
    expect(datasets).toHaveLength(1);
    expect(parseYaml(read(root, '0', 'datasets', datasets[0]!, 'meta.yaml'))).toEqual({ ...dataset, profile: null });
    const got = await store.getRun(runId);
    expect(got.inputs.dataset_inputs).toEqual([{ tags: [{ key: 'mlflow.data.context', value: 'train' }], dataset }]);
    expect(got.inputs.model_inputs).toEqual([{ model_id: 'm-abc' }]);
    expect(got.outputs?.model_outputs).toEqual([{ model_id: 'm-7b5b292a66ea4824a2aaedc5c3ea4bf4', step: 0 }]);
    await store.close();
  });

  it('experiment delete moves to .trash and marks runs, restore brings both back', async () => {
    const root = path.join(tempDir(), 'mlruns');
    const store = createFsTrackingStore({ root });
    const id = await store.createExperiment({ name: 'e', tags: [{ key: 'k', value: 'v' }] });
    const run = await store.createRun({ experiment_id: id });
    await store.deleteExperiment(id);
    expect(fs.existsSync(path.join(root, id))).toBe(false);
    const meta = read(root, '.trash', id, 'meta.yaml');
    expect(meta).toContain('lifecycle_stage: deleted');
    expect(meta).toContain('tags:\n  k: v\n');
    expect((await store.getExperiment(id)).lifecycle_stage).toBe('deleted');
    expect((await store.getRun(run.info.run_id)).info.lifecycle_stage).toBe('deleted');
    await expect(store.createExperiment({ name: 'e' })).rejects.toMatchObject({ code: 'RESOURCE_ALREADY_EXISTS' });
    await store.restoreExperiment(id);
    expect(fs.existsSync(path.join(root, id, 'meta.yaml'))).toBe(true);
    expect((await store.getRun(run.info.run_id)).info.lifecycle_stage).toBe('active');
    await expect(store.deleteExperiment('0')).rejects.toMatchObject({ code: 'INTERNAL_ERROR' });
    await store.close();
  });
});
