import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { MlflowError } from '@mlflow-ts/format';
import {
  connectSql,
  ensureSchema,
  MIGRATIONS,
  MLFLOW_2_22_HEAD,
  MLFLOW_ALEMBIC_HEAD,
  OLDEST_UPGRADABLE_REVISION,
  readSchemaState,
  upgradeSchema,
} from '../src/index.js';
import type { SqlConnection } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';
import {
  expectPostgresHeadCatalog,
  expectSqliteHeadSchema,
  fixturePath,
  readPostgresCatalog,
  readSqliteMaster,
  readSqliteRevision,
} from './schema-compare.js';
import { loadPgDump } from './pg-dump.js';

const dirs: string[] = [];
const dbs: TestDatabase[] = [];
afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  for (const d of dbs) await d.drop();
});

/** A copy of the database MLflow 2.22 made (test/fixtures/record-mlflow-2.22.py). */
function sqlite222(): { file: string; uri: string } {
  const dir = mkdtempSync(join(tmpdir(), 'store-sql-upgrade-'));
  dirs.push(dir);
  const file = join(dir, 'mlflow.db');
  copyFileSync(fileURLToPath(fixturePath('mlflow-2.22.db')), file);
  return { file, uri: `sqlite:///${file}` };
}

async function postgres222(): Promise<string> {
  const tdb = await createTestDatabase();
  dbs.push(tdb);
  await loadPgDump(tdb.uri, 'mlflow-2.22-postgres.sql.gz');
  return tdb.uri;
}

/** The rows MLflow 2.22 wrote, read back after the upgrade. */
async function expectRowsSurvived(conn: SqlConnection): Promise<void> {
  const q = async (text: string) => (await sql.raw<Record<string, unknown>>(text).execute(conn.db)).rows;
  expect(await q('SELECT experiment_id, name, lifecycle_stage FROM experiments ORDER BY experiment_id')).toEqual([
    { experiment_id: 0, name: 'Default', lifecycle_stage: 'active' },
    { experiment_id: 1, name: 'upgrade-me', lifecycle_stage: 'active' },
  ]);
  expect(await q('SELECT key, value FROM experiment_tags')).toEqual([{ key: 'team', value: 'ml' }]);
  const runs = await q('SELECT run_uuid, name, status, experiment_id FROM runs');
  expect(runs).toMatchObject([{ name: 'first', status: 'FINISHED', experiment_id: 1 }]);
  const runId = runs[0]?.run_uuid;
  expect(await q('SELECT key, value, timestamp, step, run_uuid FROM metrics ORDER BY step')).toEqual([
    { key: 'loss', value: 0.5, timestamp: 1714000000001, step: 0, run_uuid: runId },
    { key: 'loss', value: 0.25, timestamp: 1714000000002, step: 1, run_uuid: runId },
  ]);
  expect(await q('SELECT key, value, step FROM latest_metrics')).toEqual([{ key: 'loss', value: 0.25, step: 1 }]);
  expect(await q('SELECT key, value FROM params')).toEqual([{ key: 'lr', value: '0.01' }]);
  expect(await q("SELECT value FROM tags WHERE key = 'note'")).toEqual([{ value: 'hello' }]);
  expect(await q('SELECT name, description FROM registered_models')).toEqual([
    { name: 'reg-model', description: 'a model' },
  ]);
  expect(await q('SELECT name, version, run_id FROM model_versions')).toEqual([
    { name: 'reg-model', version: 1, run_id: runId },
  ]);
  expect(await q('SELECT key, value, name, version FROM model_version_tags')).toEqual([
    { key: 'k', value: 'v', name: 'reg-model', version: 1 },
  ]);
  expect(await q('SELECT destination_id, step FROM inputs')).toEqual([{ destination_id: runId, step: 0 }]);
  expect(await q('SELECT name, digest FROM datasets')).toEqual([{ name: 'ds', digest: 'abc123' }]);
  const traces = await q('SELECT experiment_id, timestamp_ms, client_request_id FROM trace_info');
  expect(traces).toEqual([{ experiment_id: 1, timestamp_ms: 1714000000004, client_request_id: null }]);
  expect(await q("SELECT value FROM trace_tags WHERE key = 't'")).toEqual([{ value: 'v' }]);
  // The new tables take rows (and the store opens the database as its own).
  await ensureSchema(conn);
}

describe('db upgrade on SQLite: MLflow 2.22 → 3.6', () => {
  it("gives exactly MLflow 3.6's sqlite_master, head revision, and keeps every row", async () => {
    const { file, uri } = sqlite222();
    const conn = await connectSql(uri);
    const steps: string[] = [];
    const result = await upgradeSchema(conn, { onStep: (m) => void steps.push(m.revision) });
    expect(result).toEqual({
      from: MLFLOW_2_22_HEAD,
      to: MLFLOW_ALEMBIC_HEAD,
      applied: MIGRATIONS.slice(4).map((m) => m.revision),
    });
    expect(result.applied).toHaveLength(12);
    expect(steps).toEqual(result.applied);
    expect(await upgradeSchema(conn)).toEqual({ from: MLFLOW_ALEMBIC_HEAD, to: MLFLOW_ALEMBIC_HEAD, applied: [] });
    await expectRowsSurvived(conn);
    await conn.close();
    expect(readSqliteRevision(file)).toEqual([{ version_num: MLFLOW_ALEMBIC_HEAD }]);
    expectSqliteHeadSchema(readSqliteMaster(file), { checkOrderFree: true });
  });

  it('starts from any revision in between', async () => {
    const { file, uri } = sqlite222();
    const conn = await connectSql(uri);
    expect((await upgradeSchema(conn, { to: 'cbc13b556ace' })).applied).toEqual([
      '400f98739977',
      '6953534de441',
      'bda7b8c39065',
      'cbc13b556ace',
    ]);
    expect(await readSchemaState(conn)).toEqual({ kind: 'revision', revision: 'cbc13b556ace' });
    expect((await upgradeSchema(conn, { to: '71994744cf8e' })).to).toBe('71994744cf8e');
    expect((await upgradeSchema(conn)).applied).toEqual(['3da73c924c2f', 'bf29a5ff90ea']);
    await expectRowsSurvived(conn);
    await conn.close();
    expectSqliteHeadSchema(readSqliteMaster(file), { checkOrderFree: true });
  });

  it('a failure mid-way leaves the database exactly at its old revision', async () => {
    const { file, uri } = sqlite222();
    const before = readSqliteMaster(file);
    const conn = await connectSql(uri);
    const err = await upgradeSchema(conn, {
      onStep: (m) => {
        if (m.revision === 'a1b2c3d4e5f6') throw new Error('disk on fire');
      },
    }).catch((e: unknown) => e);
    await conn.close();
    expect(MlflowError.isInstance(err)).toBe(true);
    expect((err as Error).message).toContain('disk on fire');
    expect((err as Error).message).toContain(`unchanged, at revision ${MLFLOW_2_22_HEAD}`);
    expect(readSqliteRevision(file)).toEqual([{ version_num: MLFLOW_2_22_HEAD }]);
    expect(readSqliteMaster(file)).toEqual(before);
  });

  it("a revision older than 2.14 is refused, naming MLflow's own mlflow db upgrade", async () => {
    const { file, uri } = sqlite222();
    const conn = await connectSql(uri);
    await sql`UPDATE alembic_version SET version_num = 'acf3f17fdcc7'`.execute(conn.db);
    const err = await upgradeSchema(conn).catch((e: unknown) => e);
    const unknown = await (async () => {
      await sql`UPDATE alembic_version SET version_num = 'ffffffffffff'`.execute(conn.db);
      return upgradeSchema(conn).catch((e: unknown) => e);
    })();
    await conn.close();
    expect((err as Error).message).toMatch(
      /revision acf3f17fdcc7, older than MLflow 2\.14.*`mlflow db upgrade sqlite:\/\/\//,
    );
    expect((unknown as Error).message).toContain('unknown MLflow schema revision ffffffffffff');
    expect(readSqliteRevision(file)).toEqual([{ version_num: 'ffffffffffff' }]);
  });

  it('an empty database gets the head schema', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-sql-upgrade-'));
    dirs.push(dir);
    const conn = await connectSql(`sqlite:///${join(dir, 'new.db')}`);
    expect(await upgradeSchema(conn)).toEqual({ from: null, to: MLFLOW_ALEMBIC_HEAD, applied: [] });
    await conn.close();
    expectSqliteHeadSchema(readSqliteMaster(join(dir, 'new.db')));
  });
});

/** The rows of test/fixtures/record-mlflow-2.14.py, in the tables the 2.15..2.22 migrations rebuild. */
async function expect214RowsSurvived(conn: SqlConnection): Promise<void> {
  const q = async (text: string) => (await sql.raw<Record<string, unknown>>(text).execute(conn.db)).rows;
  expect(await q('SELECT key, value, run_uuid FROM tags')).toEqual([{ key: 'note', value: 'hello', run_uuid: 'r1' }]);
  expect(await q('SELECT dataset_uuid, experiment_id, name, digest FROM datasets')).toEqual([
    { dataset_uuid: 'd1', experiment_id: 1, name: 'ds', digest: 'abc' },
  ]);
  expect(await q('SELECT key, value, request_id FROM trace_tags')).toEqual([
    { key: 'tk', value: 'tv', request_id: 'tr1' },
  ]);
  expect(await q('SELECT key, value, request_id FROM trace_request_metadata')).toEqual([
    { key: 'mk', value: 'mv', request_id: 'tr1' },
  ]);
  expect(await q('SELECT request_id, client_request_id FROM trace_info')).toEqual([
    { request_id: 'tr1', client_request_id: null },
  ]);
  // The new cascades hold: deleting the trace deletes its tags and metadata.
  await sql`DELETE FROM trace_info WHERE request_id = 'tr1'`.execute(conn.db);
  expect(await q('SELECT count(*) AS n FROM trace_tags')).toEqual([{ n: 0 }]);
  await ensureSchema(conn);
}

describe('db upgrade from MLflow 2.14 (867495a8f9d4)', () => {
  it("SQLite: MLflow 3.6's sqlite_master exactly, rows of the rebuilt tables kept", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-sql-upgrade-'));
    dirs.push(dir);
    const file = join(dir, 'mlflow.db');
    copyFileSync(fileURLToPath(fixturePath('mlflow-2.14.db')), file);
    const conn = await connectSql(`sqlite:///${file}`);
    const result = await upgradeSchema(conn);
    expect(result).toEqual({
      from: OLDEST_UPGRADABLE_REVISION,
      to: MLFLOW_ALEMBIC_HEAD,
      applied: MIGRATIONS.map((m) => m.revision),
    });
    await expect214RowsSurvived(conn);
    await conn.close();
    expectSqliteHeadSchema(readSqliteMaster(file), { checkOrderFree: true });
  });

  it("PostgreSQL: MLflow 3.6's catalog exactly, rows of the rebuilt tables kept", async () => {
    const tdb = await createTestDatabase();
    dbs.push(tdb);
    await loadPgDump(tdb.uri, 'mlflow-2.14-postgres.sql.gz');
    const conn = await connectSql(tdb.uri);
    expect((await upgradeSchema(conn)).applied).toHaveLength(MIGRATIONS.length);
    await expect214RowsSurvived(conn);
    await conn.close();
    expectPostgresHeadCatalog(await readPostgresCatalog(tdb.uri));
  });
});

describe('db upgrade on PostgreSQL: MLflow 2.22 → 3.6', () => {
  it("two upgrades at once: one applies, the other waits and finds head; MLflow 3.6's catalog exactly; rows kept", async () => {
    const uri = await postgres222();
    const [a, b] = await Promise.all([connectSql(uri), connectSql(uri)]);
    const results = await Promise.all([upgradeSchema(a), upgradeSchema(b)]);
    expect(results.map((r) => r.applied.length).sort((x, y) => x - y)).toEqual([0, 12]);
    await expectRowsSurvived(a);
    await Promise.all([a.close(), b.close()]);
    expectPostgresHeadCatalog(await readPostgresCatalog(uri));
  });

  it('from a revision in between, and a failure mid-way rolls everything back', async () => {
    const uri = await postgres222();
    const conn = await connectSql(uri);
    await upgradeSchema(conn, { to: 'a1b2c3d4e5f6' });
    const before = await readPostgresCatalog(uri);
    const err = await upgradeSchema(conn, {
      onStep: (m) => {
        if (m.revision === '71994744cf8e') throw new Error('network gone');
      },
    }).catch((e: unknown) => e);
    expect((err as Error).message).toContain('network gone');
    expect(await readSchemaState(conn)).toEqual({ kind: 'revision', revision: 'a1b2c3d4e5f6' });
    expect(await readPostgresCatalog(uri)).toEqual(before);
    expect((await upgradeSchema(conn)).applied).toEqual([
      'de4033877273',
      '1a0cddfcaa16',
      '534353b11cbc',
      '71994744cf8e',
      '3da73c924c2f',
      'bf29a5ff90ea',
    ]);
    await expectRowsSurvived(conn);
    await conn.close();
    expectPostgresHeadCatalog(await readPostgresCatalog(uri));
  });
});
