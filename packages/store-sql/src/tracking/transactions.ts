/**
 * One write = one transaction, committed before the promise resolves (SQLite: WAL with
 * synchronous=FULL; PostgreSQL: COMMIT returns once durable). SQLite takes the write lock first
 * (BEGIN IMMEDIATE), so writers in other processes queue on busy_timeout instead of failing on a
 * read→write upgrade.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { SqlConnection } from '../connect.js';
import type { MlflowDatabase } from '../db-types.js';
import { toMlflowError } from './db-errors.js';

export type Db = Kysely<MlflowDatabase>;

/**
 * better-sqlite3 is synchronous: a second connection of this process waiting for the write lock
 * would block the event loop (busy_timeout) while the first one's transaction, which needs the
 * event loop to finish, holds it. So this process's write transactions on one SQLite file take
 * turns here; other processes queue on busy_timeout as usual.
 */
const sqliteWriters = new Map<string, Promise<unknown>>();

const fileKeys = new WeakMap<SqlConnection, Promise<string>>();

/** The database file behind a SQLite connection (two URIs may name one file). */
function sqliteFile(conn: SqlConnection): Promise<string> {
  let key = fileKeys.get(conn);
  if (!key) {
    key = sql<{ name: string; file: string }>`PRAGMA database_list`.execute(conn.db).then(
      (r) => r.rows.find((row) => row.name === 'main')?.file || conn.displayUri,
      () => conn.displayUri,
    );
    fileKeys.set(conn, key);
  }
  return key;
}

async function serialized<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const previous = sqliteWriters.get(file) ?? Promise.resolve();
  const mine = previous.catch(() => {}).then(fn);
  const tail = mine.catch(() => {});
  sqliteWriters.set(file, tail);
  try {
    return await mine;
  } finally {
    if (sqliteWriters.get(file) === tail) sqliteWriters.delete(file);
  }
}

export async function inWriteTransaction<T>(conn: SqlConnection, fn: (db: Db) => Promise<T>): Promise<T> {
  try {
    if (conn.dialect === 'sqlite') {
      return await serialized(await sqliteFile(conn), () =>
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
    return await conn.db.transaction().execute(fn);
  } catch (err) {
    throw toMlflowError(err, conn.displayUri);
  }
}

/** A read (no transaction); driver errors become MlflowErrors. */
export async function read<T>(conn: SqlConnection, fn: (db: Db) => Promise<T>): Promise<T> {
  try {
    return await fn(conn.db);
  } catch (err) {
    throw toMlflowError(err, conn.displayUri);
  }
}

/** Splits `items` into chunks of at most `size` (bound-parameter limits of both databases). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The rows `select` returns for each chunk of `keys` (at most `size` bound parameters a query), in chunk order. */
export async function selectInChunks<K, T>(
  keys: readonly K[],
  size: number,
  select: (part: K[]) => Promise<T[]>,
): Promise<T[]> {
  const out: T[] = [];
  for (const part of chunks(keys, size)) out.push(...(await select(part)));
  return out;
}

/**
 * `columns` of the rows of `table` whose `keyColumn` is one of `keys` (in chunks of `size` bound
 * parameters), each chunk's rows ordered by `orderBy`. Names are this package's own, never input.
 */
export function selectWhereIn<T>(
  db: Db,
  table: string,
  columns: readonly string[],
  keyColumn: string,
  keys: readonly (string | number)[],
  orderBy: string,
  size: number,
): Promise<T[]> {
  const list = sql.join(columns.map((c) => sql.ref(c)));
  return selectInChunks(keys, size, async (part) => {
    const q = sql<T>`SELECT ${list} FROM ${sql.table(table)} WHERE ${sql.ref(keyColumn)} IN (${sql.join(part)}) ORDER BY ${sql.ref(orderBy)}`;
    return (await q.execute(db)).rows;
  });
}

/** Rows grouped by `key`, each group in row order. */
export function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}
