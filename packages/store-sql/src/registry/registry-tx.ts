/**
 * Transactions of the registry store. Every write is one transaction, committed before its promise
 * resolves. SQLite takes the write lock up front (BEGIN IMMEDIATE) so writers in other processes
 * queue on busy_timeout rather than fail on a read→write upgrade; within one process, writers on
 * *different* connections to the same file also queue on an in-process lock first, because
 * better-sqlite3 waits for a busy database synchronously: a second connection spinning in
 * busy_timeout would block the event loop that must finish the first connection's transaction.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { MlflowError } from '@mlflow-ts/format';
import type { SqlConnection } from '../connect.js';
import type { MlflowDatabase } from '../db-types.js';

export type Db = Kysely<MlflowDatabase>;

interface DriverError {
  code?: string;
}

function driverCode(err: unknown): string {
  return typeof err === 'object' && err !== null ? String((err as DriverError).code ?? '') : '';
}

/** A primary-key or unique constraint rejected the write. */
export function isUniqueViolation(err: unknown): boolean {
  const code = driverCode(err);
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** A driver error as an MlflowError with a clear message (MlflowErrors pass through). */
export function toMlflowError(err: unknown, displayUri: string): MlflowError {
  if (MlflowError.isInstance(err)) return err;
  const code = driverCode(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code.startsWith('SQLITE_READONLY') || code === '25006' || code === '42501') {
    return new MlflowError('PERMISSION_DENIED', `Database ${displayUri} is read-only: cannot write (${message})`);
  }
  if (code === '22001' || code === 'SQLITE_TOOBIG') {
    return new MlflowError('INVALID_PARAMETER_VALUE', `A value is longer than MLflow's database column allows: ${message}`);
  }
  if (code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
    return new MlflowError('RESOURCE_DOES_NOT_EXIST', `A referenced entity does not exist: ${message}`);
  }
  if (isUniqueViolation(err)) return new MlflowError('RESOURCE_ALREADY_EXISTS', `Already exists: ${message}`);
  if (code.startsWith('SQLITE_BUSY') || code === '40001' || code === '40P01' || code === '55P03') {
    return new MlflowError('TEMPORARILY_UNAVAILABLE', `Database ${displayUri} is busy, retry: ${message}`);
  }
  if (code.startsWith('08') || code === '57P01' || code === 'ECONNREFUSED' || code === 'ECONNRESET' || /Connection terminated/i.test(message)) {
    return new MlflowError('TEMPORARILY_UNAVAILABLE', `Lost the connection to ${displayUri}: ${message}`);
  }
  return new MlflowError('INTERNAL_ERROR', `Database error on ${displayUri}: ${message}`);
}

/** A FIFO async lock. */
class AsyncLock {
  private tail: Promise<void> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(() => undefined, () => undefined);
    return result;
  }
}

/** One lock per SQLite database file in this process (in-memory databases: one per connection). */
const fileLocks = new Map<string, AsyncLock>();
const connectionKeys = new WeakMap<SqlConnection, Promise<string>>();
let memoryDatabases = 0;

function sqliteFileKey(conn: SqlConnection): Promise<string> {
  let key = connectionKeys.get(conn);
  if (!key) {
    key = sql<{ name: string; file: string }>`PRAGMA database_list`.execute(conn.db).then((r) => {
      const file = r.rows.find((row) => row.name === 'main')?.file ?? '';
      return file === '' ? `:memory:${++memoryDatabases}` : file;
    });
    connectionKeys.set(conn, key);
  }
  return key;
}

async function sqliteLock(conn: SqlConnection): Promise<AsyncLock> {
  const key = await sqliteFileKey(conn);
  let lock = fileLocks.get(key);
  if (!lock) {
    lock = new AsyncLock();
    fileLocks.set(key, lock);
  }
  return lock;
}

async function sqliteWriteTransaction<T>(conn: SqlConnection, fn: (db: Db) => Promise<T>): Promise<T> {
  const lock = await sqliteLock(conn);
  return lock.run(() =>
    conn.db.connection().execute(async (c) => {
      await sql`BEGIN IMMEDIATE`.execute(c);
      try {
        const out = await fn(c);
        await sql`COMMIT`.execute(c);
        return out;
      } catch (err) {
        await sql`ROLLBACK`.execute(c).catch(() => {});
        throw err;
      }
    }),
  );
}

/**
 * Runs `fn` in one write transaction; driver errors become MlflowErrors. With `retries`, a
 * transaction a unique constraint rejected runs again (up to that many more times), as MLflow's
 * create_model_version retries on IntegrityError when a concurrent writer took the number.
 */
export async function inWriteTransaction<T>(conn: SqlConnection, fn: (db: Db) => Promise<T>, retries = 0): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      if (conn.dialect === 'sqlite') return await sqliteWriteTransaction(conn, fn);
      return await conn.db.transaction().execute(fn);
    } catch (err) {
      if (attempt < retries && isUniqueViolation(err)) continue;
      throw toMlflowError(err, conn.displayUri);
    }
  }
}

/** A read outside any transaction; driver errors become MlflowErrors. */
export async function read<T>(conn: SqlConnection, fn: (db: Db) => Promise<T>): Promise<T> {
  try {
    return await fn(conn.db);
  } catch (err) {
    throw toMlflowError(err, conn.displayUri);
  }
}

/** `items` in chunks of at most `size` (bound-parameter limits of both databases). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
