/**
 * Brings a database to MLflow's schema at alembic head, or refuses it with a clear error:
 * - an empty database gets MLflow's DDL at head (the statements MLflow's own store creates) and its
 *   `alembic_version` row, in one transaction, under a lock (several servers starting at once are safe);
 * - a database at head opens as it is;
 * - a database at another revision is refused, naming `mlflow-ts db upgrade`.
 */
import { sql } from 'kysely';
import { MlflowError } from '@mlflow-ts/format';
import type { SqlConnection } from '../connect.js';
import { POSTGRES_HEAD_DDL } from './postgres-head.js';
import { SQLITE_HEAD_DDL } from './sqlite-head.js';

/** MLflow 3.6's alembic head (mlflow/store/db_migrations/versions/bf29a5ff90ea_add_jobs_table.py). */
export const MLFLOW_ALEMBIC_HEAD = 'bf29a5ff90ea';

/** One key for every mlflow-ts schema change on PostgreSQL (`pg_advisory_xact_lock`). */
export const SCHEMA_LOCK_KEY = 0x6d6c_666c; // 'mlfl'

export type SchemaState = { kind: 'empty' } | { kind: 'revision'; revision: string } | { kind: 'unversioned' };

async function tableExists(conn: SqlConnection, name: string): Promise<boolean> {
  if (conn.dialect === 'sqlite') {
    const r = await sql<{
      n: number;
    }>`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ${name}`.execute(conn.db);
    return Number(r.rows[0]?.n ?? 0) > 0;
  }
  const r = await sql<{
    n: number;
  }>`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ${name}`.execute(
    conn.db,
  );
  return Number(r.rows[0]?.n ?? 0) > 0;
}

/** What MLflow schema, if any, the database holds. */
export async function readSchemaState(conn: SqlConnection): Promise<SchemaState> {
  if (await tableExists(conn, 'alembic_version')) {
    const r = await sql<{ version_num: string }>`SELECT version_num FROM alembic_version`.execute(conn.db);
    const revision = r.rows[0]?.version_num;
    return revision ? { kind: 'revision', revision } : { kind: 'unversioned' };
  }
  return (await tableExists(conn, 'experiments')) ? { kind: 'unversioned' } : { kind: 'empty' };
}

async function createHead(conn: SqlConnection): Promise<void> {
  const ddl = conn.dialect === 'sqlite' ? SQLITE_HEAD_DDL : POSTGRES_HEAD_DDL;
  if (conn.dialect === 'sqlite') {
    // BEGIN IMMEDIATE: the write lock first, so two processes racing here serialize instead of deadlocking.
    await conn.db.connection().execute(async (c) => {
      await sql`BEGIN IMMEDIATE`.execute(c);
      try {
        if ((await readSchemaState({ ...conn, db: c })).kind === 'empty') {
          for (const statement of ddl) await sql.raw(statement).execute(c);
          await sql`INSERT INTO alembic_version (version_num) VALUES (${MLFLOW_ALEMBIC_HEAD})`.execute(c);
        }
        await sql`COMMIT`.execute(c);
      } catch (err) {
        await sql`ROLLBACK`.execute(c).catch(() => {});
        throw err;
      }
    });
    return;
  }
  await conn.db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK_KEY})`.execute(trx);
    if ((await readSchemaState({ ...conn, db: trx })).kind !== 'empty') return;
    for (const statement of ddl) await sql.raw(statement).execute(trx);
    await sql`INSERT INTO alembic_version (version_num) VALUES (${MLFLOW_ALEMBIC_HEAD})`.execute(trx);
  });
}

/** Creates the schema on an empty database; resolves for one at head; rejects for any other. */
export async function ensureSchema(conn: SqlConnection): Promise<void> {
  let state: SchemaState;
  try {
    state = await readSchemaState(conn);
    if (state.kind === 'empty') {
      await createHead(conn);
      state = await readSchemaState(conn);
    }
  } catch (err) {
    if (MlflowError.isInstance(err)) throw err;
    throw new MlflowError(
      'INVALID_STATE',
      `Cannot prepare MLflow's schema in ${conn.displayUri}: ${(err as Error).message}`,
    );
  }
  if (state.kind === 'revision' && state.revision === MLFLOW_ALEMBIC_HEAD) return;
  const found = state.kind === 'revision' ? `schema revision ${state.revision}` : 'tables but no alembic_version row';
  throw new MlflowError(
    'INVALID_STATE',
    `Database ${conn.displayUri} has MLflow ${found}; mlflow-ts needs revision ${MLFLOW_ALEMBIC_HEAD} (MLflow 3.6). ` +
      `Back it up, then run: mlflow-ts db upgrade ${conn.displayUri}`,
  );
}
