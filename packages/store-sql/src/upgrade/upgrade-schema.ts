/**
 * `mlflow-ts db upgrade`: brings a database from MLflow 2.14's schema (or any revision up to 3.6) to
 * MLflow 3.6's alembic head, in ONE transaction (a failure leaves it at its old revision), under the
 * schema lock (PostgreSQL: `pg_advisory_xact_lock(SCHEMA_LOCK_KEY)`; SQLite: `BEGIN IMMEDIATE`), so two
 * upgrades at once are safe: the second waits, then finds the database at head.
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { MlflowError } from '@mlflow-ts/format';
import type { SqlConnection } from '../connect.js';
import type { MlflowDatabase } from '../db-types.js';
import { ensureSchema, MLFLOW_ALEMBIC_HEAD, readSchemaState, SCHEMA_LOCK_KEY } from '../schema/ensure-schema.js';
import type { Migration } from './migrations.js';
import { MIGRATIONS, OLDEST_UPGRADABLE_REVISION, REVISIONS_BEFORE_OLDEST } from './migrations.js';

export interface UpgradeOptions {
  /** Called before each migration runs (progress output); a throw aborts the upgrade and rolls it back. */
  onStep?: (migration: Migration, index: number, total: number) => void | Promise<void>;
  /** Stop at this revision instead of head (tests, and upgrading in stages). */
  to?: string;
}

export interface UpgradeResult {
  /** The revision found (`null` for an empty database, which gets the head schema). */
  from: string | null;
  to: string;
  /** The revisions applied, oldest first (empty when the database already was at head). */
  applied: string[];
}

/** The migrations that take `revision` to head, or a clear error for a revision this package cannot start from. */
export function migrationsFrom(revision: string, displayUri: string): Migration[] {
  if (revision === MLFLOW_ALEMBIC_HEAD) return [];
  const start = revision === OLDEST_UPGRADABLE_REVISION ? 0 : MIGRATIONS.findIndex((m) => m.revision === revision) + 1;
  if (start > 0 || revision === OLDEST_UPGRADABLE_REVISION) return MIGRATIONS.slice(start);
  if (REVISIONS_BEFORE_OLDEST.includes(revision)) {
    throw new MlflowError(
      'INVALID_STATE',
      `Database ${displayUri} is at MLflow schema revision ${revision}, older than MLflow 2.14 ` +
        `(${OLDEST_UPGRADABLE_REVISION}); mlflow-ts db upgrade starts from 2.14. Back it up, run MLflow's own ` +
        `\`mlflow db upgrade ${displayUri}\` (MLflow 2.14 or later), then mlflow-ts db upgrade.`,
    );
  }
  throw new MlflowError(
    'INVALID_STATE',
    `Database ${displayUri} is at unknown MLflow schema revision ${revision} ` +
      `(mlflow-ts knows MLflow's revisions up to ${MLFLOW_ALEMBIC_HEAD}, MLflow 3.6); it may come from a newer MLflow.`,
  );
}

async function runMigrations(
  db: Kysely<MlflowDatabase>,
  conn: SqlConnection,
  options: UpgradeOptions,
): Promise<UpgradeResult> {
  const state = await readSchemaState({ ...conn, db });
  if (state.kind === 'empty') return { from: null, to: MLFLOW_ALEMBIC_HEAD, applied: [] };
  if (state.kind === 'unversioned') {
    throw new MlflowError(
      'INVALID_STATE',
      `Database ${conn.displayUri} has tables but no alembic_version row: not a database ` +
        'MLflow made (or one made before MLflow 1.0); mlflow-ts db upgrade cannot tell its schema.',
    );
  }
  let steps = migrationsFrom(state.revision, conn.displayUri);
  const target = options.to ?? MLFLOW_ALEMBIC_HEAD;
  if (target !== MLFLOW_ALEMBIC_HEAD) {
    const end = steps.findIndex((m) => m.revision === target);
    if (end < 0 && target !== state.revision) {
      throw new MlflowError(
        'INVALID_PARAMETER_VALUE',
        `Cannot upgrade ${conn.displayUri} from ${state.revision} to ${target}: ` +
          'not a later revision on the way to MLflow 3.6.',
      );
    }
    steps = steps.slice(0, end + 1);
  }
  const execute = async (statement: string) => {
    await sql.raw(statement).execute(db);
  };
  for (const [i, migration] of steps.entries()) {
    try {
      await options.onStep?.(migration, i, steps.length);
      await migration.apply(execute, conn.dialect);
    } catch (err) {
      throw new MlflowError(
        'INVALID_STATE',
        `Upgrading ${conn.displayUri} failed at ${migration.revision} ` +
          `(${migration.description}): ${(err as Error).message}; the database is unchanged, at revision ${state.revision}.`,
      );
    }
  }
  const reached = steps.at(-1)?.revision ?? state.revision;
  if (steps.length > 0) await sql`UPDATE alembic_version SET version_num = ${reached}`.execute(db);
  return { from: state.revision, to: reached, applied: steps.map((m) => m.revision) };
}

function wrap(err: unknown, conn: SqlConnection): MlflowError {
  if (MlflowError.isInstance(err)) return err as MlflowError;
  return new MlflowError(
    'INVALID_STATE',
    `Cannot upgrade ${conn.displayUri}: ${(err as Error).message}; the database is unchanged.`,
  );
}

export async function upgradeSchema(conn: SqlConnection, options: UpgradeOptions = {}): Promise<UpgradeResult> {
  let result: UpgradeResult;
  try {
    if (conn.dialect === 'sqlite') {
      result = await conn.db.connection().execute(async (c) => {
        await sql`BEGIN IMMEDIATE`.execute(c);
        try {
          const r = await runMigrations(c, conn, options);
          await sql`COMMIT`.execute(c);
          return r;
        } catch (err) {
          await sql`ROLLBACK`.execute(c).catch(() => {});
          throw err;
        }
      });
    } else {
      result = await conn.db.transaction().execute(async (trx) => {
        await sql`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK_KEY})`.execute(trx);
        return runMigrations(trx, conn, options);
      });
    }
  } catch (err) {
    throw wrap(err, conn);
  }
  // An empty database gets MLflow's schema at head, as MLflow's own `mlflow db upgrade` gives it.
  if (result.from === null) await ensureSchema(conn);
  return result;
}
