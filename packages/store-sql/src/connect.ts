/**
 * Opens MLflow's database from its SQLAlchemy URI (`sqlite:///relative.db`, `sqlite:////abs/mlflow.db`,
 * `sqlite:///:memory:`, `postgresql://user:pass@host:port/db`, `postgresql+psycopg2://…`) as one Kysely
 * instance. Everything else in this package speaks Kysely, never a driver (but for `pgQuery`, the
 * named statements of PostgreSQL's hot paths).
 */
import { resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { MlflowError } from '@mlflow-ts/format';
import type { MlflowDatabase } from './db-types.js';

export type SqlDialectName = 'sqlite' | 'postgresql';

export interface SqlConnection {
  readonly db: Kysely<MlflowDatabase>;
  readonly dialect: SqlDialectName;
  /** The URI with any password replaced by `***` (for messages and logs). */
  readonly displayUri: string;
  /**
   * PostgreSQL only: a named (prepared once per pooled connection) statement, rows as arrays (with
   * `raw`, each value the text PostgreSQL sent, unparsed). For the hot paths (pg-metrics.ts);
   * everything else goes through `db`.
   */
  readonly pgQuery?: (name: string, text: string, values: readonly unknown[], raw?: boolean) => Promise<unknown[][]>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Pool size for PostgreSQL (default 10). */
  poolSize?: number;
}

/** True for the URIs this package serves. */
export function isSqlStoreUri(uri: string): boolean {
  return /^(sqlite|postgres(ql)?)(\+[a-z0-9_]+)?:\/\//i.test(uri);
}

/** `postgresql://u:secret@h/db` → `postgresql://u:***@h/db`. */
export function redactUri(uri: string): string {
  return uri.replace(/^([a-z0-9+.-]+:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

// PostgreSQL type parsers for this pool only: BIGINT (timestamps, steps) as numbers, JSON as text
// (MLflow's JSON columns are read back as strings, like SQLite's).
const PG_INT8 = 20;
const PG_JSON = 114;
const PG_JSONB = 3802;
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === PG_INT8) return (v: string) => Number(v);
    if (oid === PG_JSON || oid === PG_JSONB) return (v: string) => v;
    return pg.types.getTypeParser(oid, format);
  },
};

/** Values handed up as the text PostgreSQL sent (pg-metrics.ts reads its arrays itself). */
const rawText = { getTypeParser: () => (v: string) => v };

function sqlitePath(uri: string): string {
  const rest = uri.replace(/^sqlite(\+[a-z0-9_]+)?:\/\//i, '');
  if (rest === '' || rest === '/' || rest === '/:memory:') return ':memory:';
  if (!rest.startsWith('/')) {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `Invalid SQLite URI '${uri}': expected sqlite:///relative/path.db or sqlite:////absolute/path.db`,
    );
  }
  // sqlite:///x.db → x.db (relative); sqlite:////abs/x.db → /abs/x.db.
  const path = rest.slice(1).split('?')[0] ?? '';
  return resolve(decodeURIComponent(path));
}

export async function connectSql(uri: string, options: ConnectOptions = {}): Promise<SqlConnection> {
  const displayUri = redactUri(uri);
  if (/^sqlite/i.test(uri)) {
    const path = sqlitePath(uri);
    let database: BetterSqlite3.Database;
    try {
      database = new BetterSqlite3(path, { fileMustExist: false });
    } catch (err) {
      throw new MlflowError(
        'INVALID_PARAMETER_VALUE',
        `Cannot open SQLite database ${displayUri}: ${(err as Error).message}`,
      );
    }
    // WAL: readers never block the writer; FULL sync: a committed transaction survives power loss.
    if (path !== ':memory:') database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 10000');
    const db = new Kysely<MlflowDatabase>({ dialect: new SqliteDialect({ database }) });
    return { db, dialect: 'sqlite', displayUri, close: () => db.destroy() };
  }
  if (/^postgres(ql)?(\+[a-z0-9_]+)?:\/\//i.test(uri)) {
    const connectionString = uri.replace(/^postgres(ql)?(\+[a-z0-9_]+)?:/i, 'postgresql:');
    const pool = new pg.Pool({ connectionString, max: options.poolSize ?? 10, types: pgTypes });
    // An idle client's error (server restart) must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    try {
      const client = await pool.connect();
      client.release();
    } catch (err) {
      await pool.end().catch(() => {});
      throw new MlflowError('TEMPORARILY_UNAVAILABLE', `Cannot connect to ${displayUri}: ${(err as Error).message}`);
    }
    const db = new Kysely<MlflowDatabase>({ dialect: new PostgresDialect({ pool }) });
    const pgQuery = async (name: string, text: string, values: readonly unknown[], raw = false) =>
      (
        await pool.query<unknown[]>({
          name,
          text,
          values: [...values],
          rowMode: 'array',
          ...(raw ? { types: rawText } : {}),
        })
      ).rows;
    return { db, dialect: 'postgresql', displayUri, pgQuery, close: () => db.destroy() };
  }
  throw new MlflowError(
    'INVALID_PARAMETER_VALUE',
    `Unsupported database URI '${displayUri}': use sqlite:///… or postgresql://…`,
  );
}

/** A BOOLEAN value as the dialect stores it (SQLite cannot bind booleans). */
export function dbBool(dialect: SqlDialectName, value: boolean): boolean | number {
  return dialect === 'sqlite' ? (value ? 1 : 0) : value;
}

/** A BOOLEAN column read back from either dialect. */
export function fromDbBool(value: boolean | number | null | undefined): boolean {
  return value === true || value === 1;
}
