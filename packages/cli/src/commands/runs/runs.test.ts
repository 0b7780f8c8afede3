import { describe, expect, it } from 'vitest';
import { getMetricHistoryResponse, getRunResponse, searchRunsResponse } from '@mlflow-ts/client';
import { cliOk, runCli, useFileStore } from '../../../test/cli-harness.js';

const fx = useFileStore();

describe('mlflow-ts runs', () => {
  it('create prints a run id; shell loggers write params, metrics and tags', async () => {
    const exp = await fx.store.createExperiment({ name: 'e' });
    const runId = (
      await fx.cli(['runs', 'create', '--experiment-id', exp, '--run-name', 'shell', '-t', 'a=1', '-t', 'b=x=y'])
    ).trim();
    expect(runId).toMatch(/^[0-9a-f]{32}$/);
    await fx.cli(['runs', 'log-param', '--run-id', runId, '--key', 'lr', '--value', '0.1']);
    await fx.cli([
      'runs',
      'log-metric',
      '--run-id',
      runId,
      '--key',
      'loss',
      '--value',
      '0.5',
      '--step',
      '3',
      '--timestamp',
      '1700',
    ]);
    await fx.cli(['runs', 'log-metric', '--run-id', runId, '--key', 'bad', '--value', 'nan']);
    await fx.cli(['runs', 'set-tag', '--run-id', runId, '--key', 'stage', '--value', 'dev']);
    const run = await fx.store.getRun(runId);
    expect(run.info).toMatchObject({ run_name: 'shell', experiment_id: exp, status: 'RUNNING' });
    expect(run.data.params).toEqual([{ key: 'lr', value: '0.1' }]);
    expect(run.data.metrics.find((m) => m.key === 'loss')).toMatchObject({ value: 0.5, step: 3, timestamp: 1700 });
    expect(Object.fromEntries(run.data.tags.map((t) => [t.key, t.value]))).toMatchObject({
      a: '1',
      b: 'x=y',
      stage: 'dev',
      'mlflow.runName': 'shell',
    });

    await fx.cli(['runs', 'end', '--run-id', runId, '--status', 'killed']);
    expect((await fx.store.getRun(runId)).info.status).toBe('KILLED');

    const byName = (await fx.cli(['runs', 'create', '--experiment-name', 'e'])).trim();
    expect((await fx.store.getRun(byName)).info.experiment_id).toBe(exp);
    const noSuch = await runCli(['runs', 'create', '--experiment-name', 'ghost', '--backend-store-uri', fx.uri]);
    expect(noSuch).toMatchObject({
      code: 1,
      stderr: "Error (RESOURCE_DOES_NOT_EXIST): Could not find experiment with name 'ghost'\n",
    });
  });

  it('describe --json prints exactly the runs/get body', async () => {
    const run = await fx.store.createRun({ experiment_id: '0', start_time: 1000, run_name: 'desc', tags: [] });
    const id = run.info.run_id;
    await fx.store.logMetric(id, { key: 'inf', value: Infinity, timestamp: 5, step: 0 });
    await fx.store.logParam(id, { key: 'p', value: 'v' });
    const out = await fx.cli(['runs', 'describe', '--run-id', id, '--json']);
    const current = await fx.store.getRun(id);
    expect(out).toBe(`${JSON.stringify(getRunResponse(current), null, 2)}\n`);
    const body = JSON.parse(out);
    expect(Object.keys(body)).toEqual(['run']);
    expect(body.run.info).toMatchObject({
      run_id: id,
      run_uuid: id,
      run_name: 'desc',
      status: 'RUNNING',
      start_time: 1000,
      lifecycle_stage: 'active',
    });
    expect(body.run.info.end_time).toBeUndefined();
    expect(body.run.data.metrics).toEqual([{ key: 'inf', value: 'Infinity', timestamp: 5, step: 0 }]);
    expect(body.run.data.params).toEqual([{ key: 'p', value: 'v' }]);
    // empty repeated fields are omitted, not []
    expect(JSON.stringify(body)).not.toContain('[]');

    const human = await fx.cli(['runs', 'describe', '--run-id', id]);
    expect(human).toContain(`Run Id:          ${id}`);
    expect(human).toContain('p:  v');
  });

  it('list --json is the runs/search body, with filter, repeated order-by and max-results', async () => {
    const exp = await fx.store.createExperiment({ name: 'e' });
    const ids: string[] = [];
    for (const [i, v] of [3, 1, 2].entries()) {
      const r = await fx.store.createRun({ experiment_id: exp, start_time: 1000 + i, tags: [], run_name: `r${i}` });
      await fx.store.logMetric(r.info.run_id, { key: 'm', value: v, timestamp: 1, step: 0 });
      ids.push(r.info.run_id);
    }
    const all = JSON.parse(
      await fx.cli([
        'runs',
        'list',
        '--experiment-id',
        exp,
        '--order-by',
        'metrics.m ASC',
        '--order-by',
        'start_time DESC',
        '--json',
      ]),
    );
    expect(all.runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([ids[1], ids[2], ids[0]]);
    expect(all.next_page_token).toBeUndefined();

    const page = await fx.store.searchRuns({ experiment_ids: [exp], filter: 'metrics.m >= 2', max_results: 1 });
    const out = await fx.cli([
      'runs',
      'list',
      '--experiment-id',
      exp,
      '--filter',
      'metrics.m >= 2',
      '--max-results',
      '1',
      '--json',
    ]);
    expect(JSON.parse(out)).toEqual(searchRunsResponse(page));
    expect(JSON.parse(out).next_page_token).toEqual(expect.any(String));

    expect(await fx.cli(['runs', 'list', '--experiment-id', exp, '--filter', 'metrics.m > 10', '--json'])).toBe('{}\n');
    const viaEnv = await cliOk(['runs', 'list', '--backend-store-uri', fx.uri], { MLFLOW_EXPERIMENT_ID: exp });
    expect(viaEnv).toMatch(/^Date\s+Name\s+ID\s+Status/);
    expect(viaEnv.split('\n').filter((l) => ids.some((id) => l.includes(id)))).toHaveLength(3);
  });

  it('delete and restore; list --view deleted_only', async () => {
    const r = await fx.store.createRun({ experiment_id: '0', start_time: 1, tags: [] });
    const id = r.info.run_id;
    expect(await fx.cli(['runs', 'delete', '--run-id', id])).toBe(`Run with ID ${id} has been deleted.\n`);
    expect((await fx.store.getRun(id)).info.lifecycle_stage).toBe('deleted');
    const deleted = JSON.parse(await fx.cli(['runs', 'list', '--experiment-id', '0', '-v', 'deleted_only', '--json']));
    expect(deleted.runs.map((x: { info: { run_id: string } }) => x.info.run_id)).toEqual([id]);
    expect(await fx.cli(['runs', 'restore', '--run-id', id])).toBe(`Run with ID ${id} has been restored.\n`);
    expect((await fx.store.getRun(id)).info.lifecycle_stage).toBe('active');
  });

  it('create --status ends the run at once and --parent-run-id links it; --json prints the run', async () => {
    const parent = await fx.store.createRun({ experiment_id: '0', start_time: 1, tags: [] });
    const body = JSON.parse(
      await fx.cli([
        'runs',
        'create',
        '--parent-run-id',
        parent.info.run_id,
        '--status',
        'FINISHED',
        '--description',
        'note',
        '--json',
      ]),
    );
    expect(body.run.info.status).toBe('FINISHED');
    expect(body.run.info.end_time).toEqual(expect.any(Number));
    const tags = Object.fromEntries(body.run.data.tags.map((t: { key: string; value: string }) => [t.key, t.value]));
    expect(tags).toMatchObject({ 'mlflow.parentRunId': parent.info.run_id, 'mlflow.note.content': 'note' });
  });

  it('rejects bad input with one line and exit 1', async () => {
    const r = await fx.store.createRun({ experiment_id: '0', start_time: 1, tags: [] });
    const notNumber = await runCli([
      'runs',
      'log-metric',
      '--run-id',
      r.info.run_id,
      '--key',
      'k',
      '--value',
      'abc',
      '--backend-store-uri',
      fx.uri,
    ]);
    expect(notNumber.code).toBe(1);
    expect(notNumber.stderr).toContain("expected a number, got 'abc'");
    await fx.store.logParam(r.info.run_id, { key: 'p', value: '1' });
    const changed = await runCli([
      'runs',
      'log-param',
      '--run-id',
      r.info.run_id,
      '--key',
      'p',
      '--value',
      '2',
      '--backend-store-uri',
      fx.uri,
    ]);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(/^Error \(INVALID_PARAMETER_VALUE\): .*\n$/);
    const noRun = await runCli(['runs', 'describe', '--run-id', 'f'.repeat(32), '--backend-store-uri', fx.uri]);
    expect(noRun.code).toBe(1);
    expect(noRun.stderr).toMatch(/RESOURCE_DOES_NOT_EXIST/);
    const noExp = await runCli(['runs', 'list', '--backend-store-uri', fx.uri]);
    expect(noExp).toMatchObject({ code: 1, stderr: 'Error: missing --experiment-id (or $MLFLOW_EXPERIMENT_ID)\n' });
    const missingOpt = await runCli(['runs', 'describe', '--backend-store-uri', fx.uri]);
    expect(missingOpt.code).toBe(1);
    expect(missingOpt.stderr).toContain("required option '--run-id <id>' not specified");
  });
});

describe('mlflow-ts metrics history', () => {
  it('--json prints the metrics/get-history body with every point in log order', async () => {
    const r = await fx.store.createRun({ experiment_id: '0', start_time: 1, tags: [] });
    const id = r.info.run_id;
    const points = [
      { key: 'loss', value: 1, timestamp: 10, step: 0 },
      { key: 'loss', value: NaN, timestamp: 11, step: 1 },
      { key: 'loss', value: 0.25, timestamp: 12, step: 1 },
    ];
    await fx.store.logBatch(id, { metrics: points });
    const out = await fx.cli(['metrics', 'history', '--run-id', id, '--key', 'loss', '--json']);
    const body = JSON.parse(out);
    expect(body).toEqual(getMetricHistoryResponse(await fx.store.getMetricHistory(id, 'loss')));
    expect(
      body.metrics.map((m: Record<string, unknown>) => ({
        key: m.key,
        value: m.value,
        timestamp: m.timestamp,
        step: m.step,
      })),
    ).toEqual([
      { key: 'loss', value: 1, timestamp: 10, step: 0 },
      { key: 'loss', value: 'NaN', timestamp: 11, step: 1 },
      { key: 'loss', value: 0.25, timestamp: 12, step: 1 },
    ]);
    expect(await fx.cli(['metrics', 'history', '--run-id', id, '--key', 'none', '--json'])).toBe('{}\n');
    const table = await fx.cli(['metrics', 'history', '--run-id', id, '--key', 'loss']);
    expect(table.trim().split('\n')).toHaveLength(5);
  });
});
