/**
 * Fresh PostgreSQL databases for tests, on the machine's PostgreSQL 15 (CI starts it with
 * `pg_ctlcluster --skip-systemctl-redirect 15 main start`). `MLFLOW_TS_TEST_PG_URL` may name a role with
 * CREATEDB (postgresql://user:pass@127.0.0.1:5432/postgres); otherwise, running as root, a password role
 * is created through the `postgres` OS account (peer authentication on the local socket).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const ROLE = 'mlflow_ts_test';
const PASSWORD = 'mlflow_ts_test_pw';

let adminUrl: string | undefined;

function psqlAsPostgres(command: string): void {
  execFileSync('runuser', ['-u', 'postgres', '--', 'psql', '-v', 'ON_ERROR_STOP=1', '-qAtc', command], {
    stdio: 'pipe',
  });
}

function ensureServerAndRole(): string {
  if (process.env.MLFLOW_TS_TEST_PG_URL) return process.env.MLFLOW_TS_TEST_PG_URL;
  try {
    psqlAsPostgres('SELECT 1');
  } catch {
    try {
      execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', '15', 'main', 'start'], { stdio: 'pipe' });
    } catch (err) {
      throw new Error(
        `PostgreSQL is not running and could not be started (pg_ctlcluster 15 main start): ${(err as Error).message}`,
      );
    }
  }
  psqlAsPostgres(
    `DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${ROLE}') THEN ` +
      `CREATE ROLE ${ROLE} LOGIN CREATEDB PASSWORD '${PASSWORD}'; END IF; END$$; ` +
      // DROP DATABASE … WITH (FORCE) must be able to end an autovacuum worker on the test database.
      `GRANT pg_signal_backend TO ${ROLE};`,
  );
  return `postgresql://${ROLE}:${PASSWORD}@127.0.0.1:5432/postgres`;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  adminUrl ??= ensureServerAndRole();
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  /** postgresql://… of the new, empty database. */
  uri: string;
  name: string;
  drop(): Promise<void>;
}

/** Drops a database, retrying while PostgreSQL's own workers (autovacuum) still hold it. */
async function dropDatabase(name: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      return;
    } catch (err) {
      if (attempt >= 20 || !/pg_signal_backend|is being accessed by other users/.test(String(err))) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** A new empty database; `drop()` removes it (terminating leftover connections). */
export async function createTestDatabase(prefix = 'mlflow_ts_t'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const base = new URL(adminUrl ?? '');
  base.pathname = `/${name}`;
  return {
    uri: base.toString(),
    name,
    drop: () => dropDatabase(name),
  };
}
