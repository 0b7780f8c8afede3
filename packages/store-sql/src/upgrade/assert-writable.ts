/**
 * Fails with one clear error when the database cannot take writes. A read-only SQLite file opens (SQLite
 * falls back to read-only access) and would fail only at its first write; servers call this at start.
 */
import { sql } from 'kysely';
import { MlflowError } from '@mlflow-ts/format';
import type { SqlConnection } from '../connect.js';

export async function assertWritable(conn: SqlConnection): Promise<void> {
  try {
    if (conn.dialect === 'sqlite') {
      await conn.db.connection().execute(async (c) => {
        await sql`BEGIN IMMEDIATE`.execute(c);
        await sql`ROLLBACK`.execute(c);
      });
    } else {
      const r = await sql<{ ro: string }>`SELECT current_setting('transaction_read_only') AS ro`.execute(conn.db);
      if (r.rows[0]?.ro === 'on') throw new Error('the server only allows read-only transactions');
    }
  } catch (err) {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `Cannot write to database ${conn.displayUri}: ${(err as Error).message}`,
    );
  }
}
