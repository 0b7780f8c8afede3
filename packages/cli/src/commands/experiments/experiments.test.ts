import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFsTrackingStore } from '@mlflow-ts/store-fs';
import type { TrackingStore } from '@mlflow-ts/format';
import { cliOk, runCli, tempDir } from '../../../test/cli-harness.js';

let dir: string;
let cleanup: () => Promise<void>;
let uri: string;
let store: TrackingStore;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  uri = path.join(dir, 'mlruns');
  store = createFsTrackingStore({ root: uri });
});

afterEach(async () => {
  await store.close?.();
  await cleanup();
});

describe('mlflow-ts experiments', () => {
  it('create prints the id; --json prints the experiments/create body', async () => {
    const out = await cliOk(['experiments', 'create', '-n', 'alpha', '--backend-store-uri', uri]);
    const id = /with id (\S+)$/.exec(out.trim())?.[1];
    expect((await store.getExperimentByName('alpha'))?.experiment_id).toBe(id);
    const json = JSON.parse(await cliOk(['experiments', 'create', '-n', 'beta', '--json', '--backend-store-uri', uri]));
    expect(Object.keys(json)).toEqual(['experiment_id']);
    expect((await store.getExperiment(json.experiment_id)).name).toBe('beta');
  });

  it('get --json is the experiments/get body and search --json the experiments/search body', async () => {
    const id = await store.createExperiment({ name: 'tagged', tags: [{ key: 'team', value: 'ml' }] });
    const exp = await store.getExperiment(id);
    const got = await cliOk(['experiments', 'get', '-x', id, '--json', '--backend-store-uri', uri]);
    expect(JSON.parse(got)).toEqual({ experiment: exp });
    expect(got).toBe(`${JSON.stringify({ experiment: exp }, null, 2)}\n`);
    const byName = JSON.parse(
      await cliOk(['experiments', 'get', '-n', 'tagged', '--json', '--backend-store-uri', uri]),
    );
    expect(byName.experiment.experiment_id).toBe(id);

    const search = JSON.parse(await cliOk(['experiments', 'search', '--json', '--backend-store-uri', uri]));
    expect(Object.keys(search)).toEqual(['experiments']);
    expect(search.experiments.map((e: { name: string }) => e.name).sort()).toEqual(['Default', 'tagged']);
    const filtered = JSON.parse(
      await cliOk(['experiments', 'search', '--filter', "name = 'tagged'", '--json', '--backend-store-uri', uri]),
    );
    expect(filtered).toEqual({ experiments: [exp] });
    // an empty search is {} exactly as MLflow answers it
    const none = await cliOk([
      'experiments',
      'search',
      '--filter',
      "name = 'nope'",
      '--json',
      '--backend-store-uri',
      uri,
    ]);
    expect(none).toBe('{}\n');
  });

  it('rename, delete and restore change the store; search --view filters by stage', async () => {
    const id = await store.createExperiment({ name: 'old' });
    await cliOk(['experiments', 'rename', '-x', id, '--new-name', 'new', '--backend-store-uri', uri]);
    expect((await store.getExperiment(id)).name).toBe('new');
    expect(await cliOk(['experiments', 'delete', '-x', id, '--backend-store-uri', uri])).toBe(
      `Experiment with ID ${id} has been deleted.\n`,
    );
    expect((await store.getExperiment(id)).lifecycle_stage).toBe('deleted');
    const deleted = JSON.parse(
      await cliOk(['experiments', 'search', '-v', 'deleted_only', '--json', '--backend-store-uri', uri]),
    );
    expect(deleted.experiments.map((e: { experiment_id: string }) => e.experiment_id)).toEqual([id]);
    expect(await cliOk(['experiments', 'restore', '-x', id, '--backend-store-uri', uri])).toBe(
      `Experiment with id ${id} has been restored.\n`,
    );
    expect((await store.getExperiment(id)).lifecycle_stage).toBe('active');
    const table = await cliOk(['experiments', 'search', '--backend-store-uri', uri]);
    expect(table).toMatch(/^Experiment Id\s+Name/);
    expect(table).toContain('new');
  });

  it('honours MLFLOW_TRACKING_URI when --backend-store-uri is absent', async () => {
    await cliOk(['experiments', 'create', '-n', 'via-env'], { MLFLOW_TRACKING_URI: uri });
    expect(await store.getExperimentByName('via-env')).not.toBeNull();
  });

  it('user errors print one line and exit 1', async () => {
    const missing = await runCli(['experiments', 'get', '-x', '12345', '--backend-store-uri', uri]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^Error \(RESOURCE_DOES_NOT_EXIST\): .*12345.*\n$/);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);

    await store.createExperiment({ name: 'dup' });
    const dup = await runCli(['experiments', 'create', '-n', 'dup', '--backend-store-uri', uri]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/RESOURCE_ALREADY_EXISTS/);

    const both = await runCli(['experiments', 'get', '--backend-store-uri', uri]);
    expect(both).toMatchObject({ code: 1, stdout: '' });
    expect(both.stderr).toBe('Error: give exactly one of --experiment-id or --experiment-name\n');

    const badView = await runCli(['experiments', 'search', '-v', 'some', '--backend-store-uri', uri]);
    expect(badView.code).toBe(1);
    expect(badView.stderr).toContain('must be one of active_only, deleted_only, all');
  });
});
