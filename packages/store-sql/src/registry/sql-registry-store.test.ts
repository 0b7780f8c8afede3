/**
 * What the conformance suite cannot see: the rows MLflow's tables hold after each operation (as
 * MLflow's SqlAlchemyStore leaves them), version numbers under concurrency through two connections,
 * and filters that try to inject SQL. Each case runs on SQLite (a temp file) and PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_VERSIONS_TAG, MlflowError, registerModelVersion } from '@mlflow-ts/format';
import type { ErrorCode } from '@mlflow-ts/format';
import { createMemoryTrackingStore } from '@mlflow-ts/format/testing';
import { connectSql } from '../connect.js';
import type { SqlConnection } from '../connect.js';
import { ensureSchema } from '../schema/ensure-schema.js';
import { createSqlStore } from '../sql-store.js';
import { createTestDatabase } from '../testing/index.js';
import { createSqlRegistryStore } from './sql-registry-store.js';
import type { SqlRegistryStore } from './sql-registry-store.js';

interface Backend {
  uri: string;
  /** A second, independent connection to the same database. */
  connect(): Promise<SqlConnection>;
  cleanup(): Promise<void>;
}

async function sqliteBackend(): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), 'sql-registry-'));
  const uri = `sqlite:///${join(dir, 'mlflow.db')}`;
  const first = await connectSql(uri);
  await ensureSchema(first);
  await first.close();
  return { uri, connect: () => connectSql(uri), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

async function postgresBackend(): Promise<Backend> {
  const database = await createTestDatabase('mlflow_ts_registry');
  const first = await connectSql(database.uri);
  await ensureSchema(first);
  await first.close();
  return { uri: database.uri, connect: () => connectSql(database.uri), cleanup: () => database.drop() };
}

let counter = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
const runId = () => globalThis.crypto.randomUUID().replace(/-/g, '');

async function rejects(p: Promise<unknown>, code: ErrorCode): Promise<MlflowError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!MlflowError.isInstance(err)) throw new Error(`expected MlflowError ${code}, got ${String(err)}`);
  expect(err.code, err.message).toBe(code);
  return err;
}

for (const [label, make] of [
  ['SQLite', sqliteBackend],
  ['PostgreSQL', postgresBackend],
] as const) {
  describe(`SqlRegistryStore on ${label}`, () => {
    let backend: Backend;
    let connA: SqlConnection;
    let connB: SqlConnection;
    let store: SqlRegistryStore;
    let storeB: SqlRegistryStore;

    beforeAll(async () => {
      backend = await make();
      connA = await backend.connect();
      connB = await backend.connect();
      store = createSqlRegistryStore(connA);
      storeB = createSqlRegistryStore(connB);
    });
    afterAll(async () => {
      await connA?.close();
      await connB?.close();
      await backend?.cleanup();
    });

    const MODEL_TABLES = [
      'registered_models',
      'model_versions',
      'registered_model_tags',
      'model_version_tags',
      'registered_model_aliases',
    ] as const;
    const rows = async (table: (typeof MODEL_TABLES)[number], name: string) =>
      connA.db.selectFrom(table).selectAll().where('name', '=', name).execute();
    /** No row of the model left in any registry table. */
    const expectGone = async (name: string) => {
      for (const table of MODEL_TABLES) expect(await rows(table, name), table).toEqual([]);
    };

    it('numbers 20 concurrent versions created through two connections 1..20, none lost or shared', async () => {
      const name = unique('concurrent');
      await store.createRegisteredModel({ name });
      const created = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? store : storeB).createModelVersion({ name, source: `runs:/${runId()}/model` }),
        ),
      );
      const numbers = created.map((v) => Number(v.version)).sort((a, b) => a - b);
      expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      const stored = (await rows('model_versions', name)).map((r) => r.version).sort((a, b) => a - b);
      expect(stored).toEqual(numbers);
      // Every source landed on exactly one row.
      expect(new Set((await rows('model_versions', name)).map((r) => r.source)).size).toBe(20);
    });

    it('writes the model_versions columns as MLflow fills them', async () => {
      const name = unique('columns');
      const model = await store.createRegisteredModel({ name, description: 'd' });
      const rid = runId();
      const v = await store.createModelVersion({
        name,
        source: `runs:/${rid}/model`,
        run_id: rid,
        run_link: 'http://x/run',
        description: 'first',
      });
      const [row] = await rows('model_versions', name);
      expect(row).toMatchObject({
        name,
        version: 1,
        current_stage: 'None',
        source: `runs:/${rid}/model`,
        storage_location: `runs:/${rid}/model`,
        run_id: rid,
        run_link: 'http://x/run',
        status: 'READY',
        status_message: null,
        user_id: null,
        description: 'first',
      });
      expect(row?.creation_time).toBe(v.creation_timestamp);
      expect(row?.last_updated_time).toBe(v.creation_timestamp);
      // Creating a version bumps the model's last_updated_time.
      const [m] = await rows('registered_models', name);
      expect(m?.last_updated_time).toBeGreaterThanOrEqual(model.last_updated_timestamp);
      expect(m?.last_updated_time).toBe(v.creation_timestamp);
      const noRun = await store.createModelVersion({ name, source: 's3://bucket/path/model' });
      expect(noRun.run_id).toBeUndefined();
      expect((await rows('model_versions', name)).find((r) => r.version === 2)).toMatchObject({
        run_id: null,
        run_link: null,
        description: null,
      });
    });

    it('stores the resolved location of models:/ sources in storage_location', async () => {
      const tracking = createMemoryTrackingStore({ artifactRoot: 's3://bucket/mlruns' });
      const withTracking = createSqlRegistryStore(connA, { trackingStore: tracking });
      const experimentId = await tracking.createExperiment({ name: unique('exp') });
      const run = await tracking.createRun({ experiment_id: experimentId });
      const logged = await tracking.createLoggedModel?.({
        experiment_id: experimentId,
        source_run_id: run.info.run_id,
      });
      if (!logged) throw new Error('the memory tracking store has logged models');
      const name = unique('logged');
      await withTracking.createRegisteredModel({ name });
      const v1 = await withTracking.createModelVersion({
        name,
        source: `models:/${logged.info.model_id}`,
        model_id: logged.info.model_id,
      });
      expect(v1).toMatchObject({ source: `models:/${logged.info.model_id}`, run_id: run.info.run_id });
      expect(v1.model_id).toBeUndefined(); // MLflow's table has no model_id column
      expect(await withTracking.getModelVersionDownloadUri(name, '1')).toBe(logged.info.artifact_uri);
      const v2 = await withTracking.createModelVersion({ name, source: `models:/${name}/1` });
      expect(v2.source).toBe(`models:/${name}/1`);
      expect((await rows('model_versions', name)).find((r) => r.version === 2)?.storage_location).toBe(
        logged.info.artifact_uri,
      );
      await rejects(
        withTracking.createModelVersion({ name, source: 'models:/m-00000000000000000000000000000000' }),
        'INVALID_PARAMETER_VALUE',
      );
      // A registry without a tracking store cannot look the logged model up: the URI is the location.
      const v3 = await store.createModelVersion({ name, source: `models:/${logged.info.model_id}` });
      expect((await rows('model_versions', name)).find((r) => r.version === Number(v3.version))?.storage_location).toBe(
        `models:/${logged.info.model_id}`,
      );
    });

    it("registers an MLflow 3 logged model as MLflow's register_model does, beside the SQL tracking store", async () => {
      const tracking = await createSqlStore({ uri: backend.uri, defaultArtifactRoot: 's3://bucket/mlflow' });
      try {
        const registry = createSqlRegistryStore(tracking.connection, { trackingStore: tracking });
        const experimentId = await tracking.createExperiment({ name: unique('exp') });
        const run = await tracking.createRun({ experiment_id: experimentId });
        const logged = await tracking.createLoggedModel?.({
          experiment_id: experimentId,
          name: 'model',
          source_run_id: run.info.run_id,
        });
        if (!logged) throw new Error('the SQL tracking store has logged models');
        const name = unique('registered');
        const v = await registerModelVersion({ tracking, registry }, `runs:/${run.info.run_id}/model`, name, {
          alias: 'champion',
        });
        expect(v).toMatchObject({
          name,
          version: '1',
          source: `models:/${logged.info.model_id}`,
          run_id: run.info.run_id,
          aliases: ['champion'],
        });
        const [row] = await rows('model_versions', name);
        expect(row?.storage_location).toBe(logged.info.artifact_uri);
        expect(await registry.getModelVersionDownloadUri(name, '1')).toBe(logged.info.artifact_uri);
        const tags = (await tracking.getLoggedModel?.(logged.info.model_id))?.info.tags ?? [];
        expect(tags.find((t) => t.key === MODEL_VERSIONS_TAG)?.value).toContain(name);
      } finally {
        await tracking.close();
      }
    });

    it('refuses sources outside the allowed schemes and roots, and over-long values', async () => {
      const name = unique('sources');
      await store.createRegisteredModel({ name });
      for (const source of [
        '/etc/passwd',
        'file:///etc/passwd',
        's3://bucket/../../x',
        'runs:/abc/%2e%2e/x',
        'ftp://host/model',
        '',
      ]) {
        await rejects(store.createModelVersion({ name, source }), 'INVALID_PARAMETER_VALUE');
      }
      await rejects(store.createModelVersion({ name, source: `s3://b/${'x'.repeat(500)}` }), 'INVALID_PARAMETER_VALUE');
      await rejects(
        store.createModelVersion({ name, source: 's3://b/m', run_link: 'x'.repeat(501) }),
        'INVALID_PARAMETER_VALUE',
      );
      await rejects(store.setRegisteredModelTag(name, 'k', 'v'.repeat(5001)), 'INVALID_PARAMETER_VALUE');
      const local = createSqlRegistryStore(connA, { allowedSourceRoots: ['/srv/models'] });
      expect((await local.createModelVersion({ name, source: '/srv/models/a' })).version).toBe('1');
      expect(await rows('model_versions', name)).toHaveLength(1);
    });

    it('transitions stages with archive_existing_versions, bumping every touched row', async () => {
      const name = unique('stages');
      await store.createRegisteredModel({ name });
      for (let i = 0; i < 3; i++) await store.createModelVersion({ name, source: `runs:/${runId()}/m` });
      await store.transitionModelVersionStage(name, '1', 'Production', false);
      await store.transitionModelVersionStage(name, '2', 'Production', false);
      const before = await rows('model_versions', name);
      await new Promise((r) => setTimeout(r, 5));
      const v3 = await store.transitionModelVersionStage(name, '3', 'production', true);
      const after = new Map((await rows('model_versions', name)).map((r) => [r.version, r]));
      expect([...after.values()].map((r) => [r.version, r.current_stage]).sort()).toEqual([
        [1, 'Archived'],
        [2, 'Archived'],
        [3, 'Production'],
      ]);
      for (const n of [1, 2, 3]) expect(after.get(n)?.last_updated_time).toBe(v3.last_updated_timestamp);
      expect(v3.last_updated_timestamp).toBeGreaterThan(before[0]?.last_updated_time ?? Infinity);
      expect((await rows('registered_models', name))[0]?.last_updated_time).toBe(v3.last_updated_timestamp);
    });

    it('soft-deletes a version as MLflow does: redacted row kept, aliases gone, tags kept, number not reused', async () => {
      const name = unique('softdel');
      await store.createRegisteredModel({ name });
      await store.createModelVersion({ name, source: 's3://b/1', description: 'x', tags: [{ key: 't', value: '1' }] });
      await store.setRegisteredModelAlias(name, 'champ', '1');
      await store.deleteModelVersion(name, '1');
      expect(await rows('model_versions', name)).toEqual([
        expect.objectContaining({
          version: 1,
          current_stage: 'Deleted_Internal',
          source: 'REDACTED-SOURCE-PATH',
          run_id: 'REDACTED-RUN-ID',
          run_link: 'REDACTED-RUN-LINK',
          description: null,
          storage_location: 's3://b/1',
        }),
      ]);
      expect(await rows('registered_model_aliases', name)).toEqual([]);
      expect(await rows('model_version_tags', name)).toHaveLength(1);
      expect((await store.getRegisteredModel(name)).latest_versions).toEqual([]);
      expect((await store.createModelVersion({ name, source: 's3://b/2' })).version).toBe('2');
      expect((await store.getModelVersionByAlias(name, 'latest')).version).toBe('2');
    });

    it('renames a model: versions, tags, version tags and aliases follow in every table', async () => {
      const name = unique('rename');
      await store.createRegisteredModel({ name, tags: [{ key: 'a', value: '1' }] });
      await store.createModelVersion({ name, source: 's3://b/1', tags: [{ key: 'vt', value: 'x' }] });
      await store.setRegisteredModelAlias(name, 'prod', '1');
      const newName = unique('renamed');
      const renamed = await store.renameRegisteredModel(name, newName);
      expect(renamed).toMatchObject({
        name: newName,
        aliases: [{ alias: 'prod', version: '1' }],
        tags: [{ key: 'a', value: '1' }],
      });
      for (const table of [
        'registered_models',
        'model_versions',
        'registered_model_tags',
        'model_version_tags',
        'registered_model_aliases',
      ] as const) {
        expect(await rows(table, name), table).toEqual([]);
        expect(await rows(table, newName), table).toHaveLength(1);
      }
      expect((await rows('model_versions', newName))[0]?.last_updated_time).toBe(renamed.last_updated_timestamp);
      expect((await store.getModelVersionByAlias(newName, 'prod')).tags).toEqual([{ key: 'vt', value: 'x' }]);
    });

    it('deletes a model with every row of its versions, tags and aliases', async () => {
      const name = unique('cascade');
      await store.createRegisteredModel({ name, tags: [{ key: 'a', value: '1' }] });
      await store.createModelVersion({ name, source: 's3://b/1', tags: [{ key: 'vt', value: 'x' }] });
      await store.createModelVersion({ name, source: 's3://b/2' });
      await store.deleteModelVersion(name, '2');
      await store.setRegisteredModelAlias(name, 'prod', '1');
      await store.deleteRegisteredModel(name);
      await expectGone(name);
    });

    it('deleting a model while versions are being created leaves no orphans and only clean errors', async () => {
      const name = unique('race-delete');
      await store.createRegisteredModel({ name });
      await store.createModelVersion({ name, source: 's3://b/0' });
      const creators = Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? store : storeB).createModelVersion({ name, source: `s3://b/${i}` }),
      );
      const deleted = storeB.deleteRegisteredModel(name);
      const outcomes = await Promise.allSettled([...creators, deleted]);
      for (const o of outcomes) {
        if (o.status === 'rejected') {
          expect(MlflowError.isInstance(o.reason) && o.reason.code, String(o.reason)).toBe('RESOURCE_DOES_NOT_EXIST');
        }
      }
      expect(outcomes.at(-1)?.status).toBe('fulfilled');
      await expectGone(name);
    });

    it('keeps prompts out of searches unless asked, and keeps prompt and model names apart', async () => {
      const prefix = unique('prompt');
      await store.createRegisteredModel({ name: `${prefix}-m` });
      await store.createRegisteredModel({
        name: `${prefix}-p`,
        tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }],
      });
      await store.createModelVersion({
        name: `${prefix}-p`,
        source: 'dummy-source',
        tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }],
      });
      await store.createModelVersion({ name: `${prefix}-m`, source: 's3://b/m' });
      const names = async (filter: string) => (await store.searchRegisteredModels({ filter })).items.map((m) => m.name);
      expect(await names(`name LIKE '${prefix}%'`)).toEqual([`${prefix}-m`]);
      expect(await names(`name LIKE '${prefix}%' AND tags.\`mlflow.prompt.is_prompt\` = 'true'`)).toEqual([
        `${prefix}-p`,
      ]);
      const versions = await store.searchModelVersions({ filter: `name LIKE '${prefix}%'` });
      expect(versions.items.map((v) => v.name)).toEqual([`${prefix}-m`]);
      const asPrompt = await rejects(
        store.createRegisteredModel({ name: `${prefix}-m`, tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] }),
        'RESOURCE_ALREADY_EXISTS',
      );
      expect(asPrompt.message).toContain('MLflow does not allow creating a model and a prompt with the same name');
      const again = await rejects(
        store.createRegisteredModel({ name: `${prefix}-p`, tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] }),
        'RESOURCE_ALREADY_EXISTS',
      );
      expect(again.message).toBe(`Prompt (name=${prefix}-p) already exists.`);
    });

    it('searches with OR, ILIKE, IN, tags and LIKE escapes, ordered by MLflow default', async () => {
      const prefix = unique('search');
      await store.createRegisteredModel({ name: `${prefix}-Alpha_1`, tags: [{ key: 'team', value: 'red' }] });
      await store.createRegisteredModel({ name: `${prefix}-beta_2`, tags: [{ key: 'team', value: 'blue' }] });
      await store.createRegisteredModel({ name: `${prefix}-gamma` });
      const names = async (filter: string) =>
        (await store.searchRegisteredModels({ filter })).items.map((m) => m.name.slice(prefix.length + 1));
      expect(await names(`name ILIKE '${prefix}-alpha%'`)).toEqual(['Alpha_1']);
      expect(await names(`name LIKE '${prefix}-alpha%'`)).toEqual([]);
      await store.createRegisteredModel({ name: `${prefix}-betaX2` });
      expect(await names(`name LIKE '${prefix}-beta\\_%'`)).toEqual(['beta_2']);
      expect(await names(`name LIKE '${prefix}-beta_%'`)).toEqual(['betaX2', 'beta_2']);
      expect(await names(`name LIKE '${prefix}-%' AND (tags.team = 'red' OR tags.team = 'blue')`)).toEqual([
        'Alpha_1',
        'beta_2',
      ]);
      expect(await names(`name LIKE '${prefix}-%' AND tags.team IS NULL`)).toEqual(['betaX2', 'gamma']);
      const r1 = runId();
      const r2 = runId();
      await store.createModelVersion({ name: `${prefix}-gamma`, source: `runs:/${r1}/m`, run_id: r1 });
      await store.createModelVersion({ name: `${prefix}-gamma`, source: `runs:/${r2}/m`, run_id: r2 });
      await store.createModelVersion({ name: `${prefix}-gamma`, source: 's3://b/other' });
      const page = await store.searchModelVersions({ filter: `run_id IN ('${r1}', '${r2}')` });
      // Default order: last_updated_timestamp DESC, name ASC, version DESC.
      expect(page.items.map((v) => v.version)).toEqual(['2', '1']);
      const bySource = await store.searchModelVersions({
        filter: `name = '${prefix}-gamma' AND source_path LIKE 's3://%'`,
      });
      expect(bySource.items.map((v) => v.version)).toEqual(['3']);
    });

    it('treats SQL in filters as data: injection attempts match nothing and change nothing', async () => {
      const name = unique('inject');
      await store.createRegisteredModel({ name, tags: [{ key: 'k', value: 'v' }] });
      await store.createModelVersion({ name, source: 's3://b/1' });
      const attempts = [
        `name = '${name}'' OR ''1''=''1'`,
        `name = 'x'' OR 1=1 --'`,
        `name LIKE '%''; DROP TABLE registered_models; --'`,
        `tags.\`k' OR '1'='1\` = 'v'`,
        `tags.\`k"; DROP TABLE model_versions; --\` != 'x'`,
        `name ILIKE '%'') OR (''a'' = ''a'`,
      ];
      for (const filter of attempts) {
        expect((await store.searchRegisteredModels({ filter })).items, filter).toEqual([]);
        const versionFilter = filter.replace(/^name/, 'name').replace(/^tags/, 'tags');
        expect((await store.searchModelVersions({ filter: versionFilter })).items, filter).toEqual([]);
      }
      const ids = [`x') OR ('1'='1`, `x'); DELETE FROM model_versions; --`];
      const byRun = await store.searchModelVersions({
        filter: `run_id IN (${ids.map((i) => `'${i.replaceAll("'", "''")}'`).join(', ')})`,
      });
      expect(byRun.items).toEqual([]);
      // The tables and rows are still there.
      expect((await store.searchRegisteredModels({ filter: `name = '${name}'` })).items.map((m) => m.name)).toEqual([
        name,
      ]);
      expect((await store.getModelVersion(name, '1')).source).toBe('s3://b/1');
      const count = await sql<{ n: number | string }>`SELECT COUNT(*) AS n FROM model_versions`.execute(connA.db);
      expect(Number(count.rows[0]?.n)).toBeGreaterThan(0);
      // A model name that looks like SQL is stored and found as text.
      const odd = `o'; DROP TABLE registered_models; --`;
      await store.createRegisteredModel({ name: odd });
      expect(
        (await store.searchRegisteredModels({ filter: `name = 'o''; DROP TABLE registered_models; --'` })).items.map(
          (m) => m.name,
        ),
      ).toEqual([odd]);
      await store.deleteRegisteredModel(odd);
    });

    it('pages through many models with MLflow page tokens and rejects bad tokens', async () => {
      const prefix = unique('pages');
      for (let i = 0; i < 7; i++) await store.createRegisteredModel({ name: `${prefix}-${i}` });
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const page = await store.searchRegisteredModels({
          filter: `name LIKE '${prefix}-%'`,
          max_results: 3,
          ...(token ? { page_token: token } : {}),
        });
        seen.push(...page.items.map((m) => m.name));
        token = page.next_page_token;
      } while (token);
      expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `${prefix}-${i}`));
      // MLflow's `timestamp` key orders by the last update.
      await new Promise((r) => setTimeout(r, 5));
      await store.updateRegisteredModel(`${prefix}-3`, { description: 'touched' });
      const recent = await store.searchRegisteredModels({
        filter: `name LIKE '${prefix}-%'`,
        order_by: ['timestamp DESC'],
        max_results: 1,
      });
      expect(recent.items.map((m) => m.name)).toEqual([`${prefix}-3`]);
      await rejects(store.searchRegisteredModels({ page_token: 'not-a-token' }), 'INVALID_PARAMETER_VALUE');
      await rejects(store.searchRegisteredModels({ max_results: 1001 }), 'INVALID_PARAMETER_VALUE');
    });
  });
}

describe('SqlRegistryStore on PostgreSQL beside a writer that takes no lock (MLflow itself)', () => {
  it('retries when the other writer commits the version number it chose, and takes the next one', async () => {
    const database = await createTestDatabase('mlflow_ts_registry');
    const conn = await connectSql(database.uri);
    const other = new pg.Client({ connectionString: database.uri });
    try {
      await ensureSchema(conn);
      const store = createSqlRegistryStore(conn);
      await store.createRegisteredModel({ name: 'raced' });
      await other.connect();
      // As MLflow's SQLAlchemy store does: insert MAX+1 without locking the model row, not committed yet.
      await other.query('BEGIN');
      await other.query(
        "INSERT INTO model_versions (name, version, current_stage, source, status) VALUES ('raced', 1, 'None', 's3://b/mlflow', 'READY')",
      );
      const ours = store.createModelVersion({ name: 'raced', source: 's3://b/ours' });
      // Ours chose 1 as well and now waits on the unique index for the other transaction.
      for (;;) {
        const waiting = await other.query(
          "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        );
        if (waiting.rowCount) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      await other.query('COMMIT');
      expect((await ours).version).toBe('2');
      const rows = await conn.db
        .selectFrom('model_versions')
        .select(['version', 'source'])
        .where('name', '=', 'raced')
        .orderBy('version')
        .execute();
      expect(rows).toEqual([
        { version: 1, source: 's3://b/mlflow' },
        { version: 2, source: 's3://b/ours' },
      ]);
    } finally {
      await other.end().catch(() => {});
      await conn.close();
      await database.drop();
    }
  });
});
