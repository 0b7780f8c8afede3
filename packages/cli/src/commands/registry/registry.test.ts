import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createStoreRegistry,
  fileStoreFactory,
  localPathOfUri,
  toRestJson,
  type StoreRegistry,
} from '@mlflow-ts/client';
import { createFsRegistryStore, createFsTrackingStore } from '@mlflow-ts/store-fs';
import type { ModelRegistryStore, TrackingStore } from '@mlflow-ts/format';
import { createCliContext } from '../../cli-context.js';
import { runCli, tempDir, type CliResult } from '../../../test/cli-harness.js';
import { modelsCommand } from '../models/index.js';
import { modelVersionsCommand, registeredModelsCommand } from './index.js';

const groups = [modelsCommand, registeredModelsCommand, modelVersionsCommand];

/** The file scheme with a registry, as the client's file factory provides it once wired. */
const storeRegistry: StoreRegistry = createStoreRegistry({
  file: async (uri, env) => {
    const base = await fileStoreFactory(uri, env);
    return { ...base, registry: createFsRegistryStore({ root: localPathOfUri(uri), trackingStore: base.tracking }) };
  },
});

let cleanup: () => Promise<void>;
let uri: string;
let tracking: TrackingStore;
let registry: ModelRegistryStore;

const run = (args: string[]): Promise<CliResult> =>
  runCli([...args, '--backend-store-uri', uri], { groups, storeRegistry });
async function ok(args: string[]): Promise<string> {
  const r = await run(args);
  if (r.code !== 0) throw new Error(`mlflow-ts ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}
const json = async (args: string[]) => JSON.parse(await ok([...args, '--json'])) as Record<string, unknown>;

beforeEach(async () => {
  let dir: string;
  ({ dir, cleanup } = await tempDir());
  uri = path.join(dir, 'mlruns');
  tracking = createFsTrackingStore({ root: uri });
  registry = createFsRegistryStore({ root: uri, trackingStore: tracking });
});

afterEach(async () => {
  await cleanup();
});

describe('mlflow-ts models register', () => {
  it('creates the model on first use, then adds versions; runs:/ sources carry their run id', async () => {
    const { info } = await tracking.createRun({});
    const first = await ok(['models', 'register', `runs:/${info.run_id}/model`, '--name', 'wine']);
    expect(first).toBe("Successfully registered model 'wine'.\nCreated version '1' of model 'wine'.\n");
    expect(await registry.getModelVersion('wine', '1')).toMatchObject({
      source: `runs:/${info.run_id}/model`,
      run_id: info.run_id,
    });

    // a local directory inside the run's artifacts, given as a plain path
    const local = path.join(localPathOfUri(info.artifact_uri), 'model');
    fs.mkdirSync(local, { recursive: true });
    const body = await json(['models', 'register', local, '--name', 'wine', '--run-id', info.run_id, '-t', 'k=v']);
    const mv = await registry.getModelVersion('wine', '2');
    expect(body).toEqual(toRestJson({ model_version: mv }));
    expect(mv).toMatchObject({ source: pathToFileURL(local).href, tags: [{ key: 'k', value: 'v' }] });
    const again = await ok(['models', 'register', 'models:/wine/1', '--name', 'wine']);
    expect(again).toContain("Registered model 'wine' already exists.");
    expect(again).toContain("Created version '3' of model 'wine'.");
  });

  it('refuses sources outside the store with a one-line error', async () => {
    await registry.createRegisteredModel({ name: 'm' });
    const r = await run(['models', 'register', '/etc/passwd', '--name', 'm']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error \(INVALID_PARAMETER_VALUE\): Invalid source 'file:\/\/\/etc\/passwd'.*\n$/);
  });
});

describe('mlflow-ts registered-models', () => {
  it('list/get/rename/delete, with --json printing the REST bodies', async () => {
    await registry.createRegisteredModel({ name: 'b-model', description: 'second' });
    await registry.createRegisteredModel({ name: 'a-model', tags: [{ key: 'team', value: 'ml' }] });
    await registry.createModelVersion({ name: 'a-model', source: 'runs:/r1/model' });
    await registry.setRegisteredModelAlias('a-model', 'champion', '1');

    const listed = await json(['registered-models', 'list']);
    const all = (await registry.searchRegisteredModels({})).items;
    expect(listed).toEqual(toRestJson({ registered_models: all }));
    expect(all.map((m) => m.name)).toEqual(['a-model', 'b-model']);
    const page = await json(['registered-models', 'list', '--max-results', '1']);
    expect((page.registered_models as unknown[]).length).toBe(1);
    expect(typeof page.next_page_token).toBe('string');
    expect(await ok(['registered-models', 'list', '--filter', "name = 'nope'", '--json'])).toBe('{}\n');
    const table = await ok(['registered-models', 'list']);
    expect(table.split('\n')[0]).toMatch(/^Name\s+Latest Versions\s+Aliases/);
    expect(table).toContain('champion=1');

    const got = await json(['registered-models', 'get', '--name', 'a-model']);
    expect(got).toEqual(toRestJson({ registered_model: await registry.getRegisteredModel('a-model') }));
    expect((got.registered_model as { latest_versions: unknown[] }).latest_versions).toHaveLength(1);

    const renamed = await json(['registered-models', 'rename', '--name', 'a-model', '--new-name', 'c-model']);
    expect((renamed.registered_model as { name: string }).name).toBe('c-model');
    expect((await registry.getModelVersion('c-model', '1')).aliases).toEqual(['champion']);
    expect(await json(['registered-models', 'delete', '--name', 'c-model'])).toEqual({});
    const missing = await run(['registered-models', 'get', '--name', 'c-model']);
    expect(missing).toMatchObject({
      code: 1,
      stderr: 'Error (RESOURCE_DOES_NOT_EXIST): Registered Model with name=c-model not found\n',
    });
  });
});

describe('mlflow-ts model-versions', () => {
  beforeEach(async () => {
    await registry.createRegisteredModel({ name: 'm' });
    for (let i = 1; i <= 3; i++) await registry.createModelVersion({ name: 'm', source: `runs:/run${i}/model` });
    await registry.createRegisteredModel({ name: 'other' });
    await registry.createModelVersion({ name: 'other', source: 'runs:/x/model' });
  });

  it('list and get print the REST bodies; --name narrows the listing', async () => {
    const listed = await json(['model-versions', 'list', '--name', 'm', '--order-by', 'version_number ASC']);
    const versions = (await registry.searchModelVersions({ filter: "name = 'm'", order_by: ['version_number ASC'] }))
      .items;
    expect(listed).toEqual(toRestJson({ model_versions: versions }));
    expect(versions.map((v) => v.version)).toEqual(['1', '2', '3']);
    const filtered = await json([
      'model-versions',
      'list',
      '--name',
      'm',
      '--filter',
      "version_number >= 2 OR name = 'other'",
    ]);
    expect((filtered.model_versions as { version: string }[]).map((v) => v.version).sort()).toEqual(['2', '3']);
    expect((await json(['model-versions', 'list'])).model_versions).toHaveLength(4);
    expect(await ok(['model-versions', 'list', '--filter', "name = 'none'", '--json'])).toBe('{}\n');

    const got = await json(['model-versions', 'get', '--name', 'm', '-v', '2']);
    expect(got).toEqual(toRestJson({ model_version: await registry.getModelVersion('m', '2') }));
    expect(await ok(['model-versions', 'get', '--name', 'm', '-v', '2'])).toContain(
      'Source:            runs:/run2/model',
    );
    const bad = await run(['model-versions', 'get', '--name', 'm', '-v', 'x']);
    expect(bad).toMatchObject({
      code: 1,
      stderr: "Error (INVALID_PARAMETER_VALUE): Parameter 'version' must be an integer, got 'x'.\n",
    });
  });

  it('set-alias, get by alias, delete-alias', async () => {
    expect(await json(['model-versions', 'set-alias', '--name', 'm', '--alias', 'champion', '-v', '2'])).toEqual({});
    const byAlias = await json(['model-versions', 'get', '--name', 'm', '--alias', 'champion']);
    expect(byAlias.model_version).toMatchObject({ version: '2', aliases: ['champion'] });
    const reserved = await run(['model-versions', 'set-alias', '--name', 'm', '--alias', 'latest', '-v', '1']);
    expect(reserved.code).toBe(1);
    expect(reserved.stderr).toContain('INVALID_PARAMETER_VALUE');
    expect(await ok(['model-versions', 'delete-alias', '--name', 'm', '--alias', 'champion'])).toBe(
      "Deleted alias 'champion' of model 'm'.\n",
    );
    const gone = await run(['model-versions', 'get', '--name', 'm', '--alias', 'champion']);
    expect(gone).toMatchObject({
      code: 1,
      stderr: 'Error (INVALID_PARAMETER_VALUE): Registered model alias champion not found.\n',
    });
    const both = await run(['model-versions', 'get', '--name', 'm']);
    expect(both).toMatchObject({ code: 1, stderr: 'Error: give exactly one of --version or --alias\n' });
  });

  it('transition with --archive-existing-versions, and delete', async () => {
    await ok(['model-versions', 'transition', '--name', 'm', '-v', '1', '--stage', 'production']);
    const moved = await json([
      'model-versions',
      'transition',
      '--name',
      'm',
      '-v',
      '3',
      '--stage',
      'Production',
      '--archive-existing-versions',
    ]);
    expect(moved).toEqual(toRestJson({ model_version: await registry.getModelVersion('m', '3') }));
    expect((moved.model_version as { current_stage: string }).current_stage).toBe('Production');
    expect((await registry.getModelVersion('m', '1')).current_stage).toBe('Archived');
    const invalid = await run(['model-versions', 'transition', '--name', 'm', '-v', '2', '--stage', 'Prod']);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('Invalid Model Version stage: Prod');

    await registry.setRegisteredModelAlias('m', 'old', '2');
    expect(await ok(['model-versions', 'delete', '--name', 'm', '-v', '2'])).toBe("Deleted version 2 of model 'm'.\n");
    await expect(registry.getModelVersion('m', '2')).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
    expect((await registry.getRegisteredModel('m')).aliases).toEqual([]);
  });
});

describe('the command objects on their own', () => {
  it('model-versions takes the long --version option (under the program it needs positional options)', async () => {
    await registry.createRegisteredModel({ name: 'm' });
    await registry.createModelVersion({ name: 'm', source: 'runs:/r/model' });
    let stdout = '';
    const ctx = createCliContext(
      {
        stdout: (t) => {
          stdout += t;
        },
        stderr: () => undefined,
        stderrIsTTY: false,
        env: {},
      },
      storeRegistry,
    );
    try {
      await modelVersionsCommand(ctx).parseAsync(
        ['get', '--name', 'm', '--version', '1', '--json', '--backend-store-uri', uri],
        { from: 'user' },
      );
    } finally {
      await ctx.close();
    }
    expect(JSON.parse(stdout)).toEqual(toRestJson({ model_version: await registry.getModelVersion('m', '1') }));
  });
});
