/** resolveModelUri only needs the store interfaces: here it runs on the in-memory reference stores. */
import { describe, expect, it } from 'vitest';
import { createMemoryRegistryStore, createMemoryTrackingStore, expectMlflowError } from '../testing/index.js';
import { resolveModelUri } from './resolve-model-uri.js';

async function setup() {
  const tracking = createMemoryTrackingStore({ artifactRoot: 's3://bucket/mlruns' });
  const registry = createMemoryRegistryStore();
  const run = (await tracking.createRun({})).info;
  await registry.createRegisteredModel({ name: 'm' });
  await registry.createModelVersion({ name: 'm', source: 's3://bucket/models/one' });
  await registry.createModelVersion({ name: 'm', source: `runs:/${run.run_id}/model` });
  await registry.createModelVersion({ name: 'm', source: 's3://bucket/models/three' });
  await registry.transitionModelVersionStage('m', '1', 'Production', false);
  await registry.transitionModelVersionStage('m', '2', 'Staging', false);
  await registry.setRegisteredModelAlias('m', 'champion', '2');
  return { tracking, registry, run };
}

describe('resolveModelUri', () => {
  it('resolves versions, aliases, stages and latest, with sub-paths', async () => {
    const { tracking, registry, run } = await setup();
    const opts = { registry, tracking };
    expect(await resolveModelUri('models:/m/1', opts)).toBe('s3://bucket/models/one');
    expect(await resolveModelUri('models:/m/3/MLmodel', opts)).toBe('s3://bucket/models/three/MLmodel');
    expect(await resolveModelUri('models:/m/production', opts)).toBe('s3://bucket/models/one');
    expect(await resolveModelUri('models:/m/Latest/data/model.onnx', opts)).toBe(
      's3://bucket/models/three/data/model.onnx',
    );
    // version 2's source is a runs:/ URI: resolved through the run's artifact_uri
    expect(await resolveModelUri('models:/m@champion', opts)).toBe(`${run.artifact_uri}/model`);
    expect(await resolveModelUri('models:/m@champion/MLmodel', opts)).toBe(`${run.artifact_uri}/model/MLmodel`);
    expect(await resolveModelUri(`runs:/${run.run_id}/model/MLmodel`, opts)).toBe(`${run.artifact_uri}/model/MLmodel`);
    expect(await resolveModelUri(`runs:/${run.run_id}`, opts)).toBe(run.artifact_uri);
    // without a tracking store a runs:/ download URI is returned as it is
    expect(await resolveModelUri('models:/m/2', { registry })).toBe(`runs:/${run.run_id}/model`);
    expect(await resolveModelUri('/local/dir', opts)).toBe('/local/dir');
  });

  it('resolves runs:/<run_id>/<name> to the logged model of that name the run produced (MLflow 3)', async () => {
    const { tracking, registry, run } = await setup();
    const other = (await tracking.createRun({})).info;
    await tracking.createLoggedModel!({ experiment_id: '0', name: 'model', source_run_id: other.run_id });
    const mine = (await tracking.createLoggedModel!({ experiment_id: '0', name: 'model', source_run_id: run.run_id }))
      .info;
    const opts = { registry, tracking };
    expect(await resolveModelUri(`runs:/${run.run_id}/model`, opts)).toBe(mine.artifact_uri);
    expect(await resolveModelUri(`runs:/${run.run_id}/model/MLmodel`, opts)).toBe(`${mine.artifact_uri}/MLmodel`);
    // No logged model of that name from this run: the run's own artifacts.
    expect(await resolveModelUri(`runs:/${run.run_id}/other`, opts)).toBe(`${run.artifact_uri}/other`);
    expect(await resolveModelUri(`runs:/${run.run_id}`, opts)).toBe(run.artifact_uri);
  });

  it('reports missing stages, aliases, versions and unresolvable forms', async () => {
    const { tracking, registry } = await setup();
    const opts = { registry, tracking };
    const e = await expectMlflowError(resolveModelUri('models:/m/Archived', opts), 'RESOURCE_DOES_NOT_EXIST');
    expect(e.message).toContain("stage 'Archived'");
    await expectMlflowError(resolveModelUri('models:/m/NoSuchStage', opts), 'INVALID_PARAMETER_VALUE');
    await expectMlflowError(resolveModelUri('models:/m@nope', opts), 'INVALID_PARAMETER_VALUE');
    await expectMlflowError(resolveModelUri('models:/m/9', opts), 'RESOURCE_DOES_NOT_EXIST');
    await expectMlflowError(resolveModelUri('models:/missing/1', opts), 'RESOURCE_DOES_NOT_EXIST');
    await expectMlflowError(resolveModelUri('models:/m/1/../../x', opts), 'INVALID_PARAMETER_VALUE');
    // A tracking store without the logged-model capability cannot answer models:/<model_id>.
    await expectMlflowError(
      resolveModelUri('models:/m-0123', { ...opts, tracking: { getRun: tracking.getRun } }),
      'INVALID_PARAMETER_VALUE',
    );
    await expectMlflowError(resolveModelUri('models:/m-0123', opts), 'RESOURCE_DOES_NOT_EXIST');
    const withLoggedModels = Object.assign(Object.create(tracking) as typeof tracking, {
      getLoggedModel: async (id: string) => ({ info: { artifact_uri: `s3://logged/${id}` } }),
    });
    expect(await resolveModelUri('models:/m-0123', { ...opts, tracking: withLoggedModels })).toBe('s3://logged/m-0123');
    const logged = (await tracking.createLoggedModel!({ experiment_id: '0' })).info;
    expect(await resolveModelUri(`models:/${logged.model_id}`, opts)).toBe(logged.artifact_uri);
    await expectMlflowError(resolveModelUri('runs:/abc/model', { registry }), 'INVALID_PARAMETER_VALUE');
    await expectMlflowError(resolveModelUri('models:/m/1', { tracking }), 'INVALID_PARAMETER_VALUE');
  });
});
