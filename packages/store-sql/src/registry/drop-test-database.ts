/**
 * Drops a test database, waiting out PostgreSQL's own workers on it: `DROP DATABASE … WITH (FORCE)`
 * may not terminate an autovacuum worker for a role without pg_signal_backend, so it is retried.
 */
import type { TestDatabase } from '../testing/index.js';

export async function dropTestDatabase(database: TestDatabase): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await database.drop();
      return;
    } catch (err) {
      if (attempt >= 20 || !/pg_signal_backend|is being accessed by other users/.test(String(err))) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
