/**
 * Recorded `pg_dump --inserts` scripts (test/fixtures/**.sql.gz, stored gzip-compressed: they are
 * data MLflow's schema dictates, not source) replayed into an empty database through the pg client.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import pg from 'pg';

/** The SQL of `test/fixtures/<file>` (a `.sql.gz`), without psql's meta lines (`\restrict`), which are not SQL. */
function readPgDump(file: string): string {
  return gunzipSync(readFileSync(new URL(`./fixtures/${file}`, import.meta.url)))
    .toString('utf8')
    .split('\n')
    .filter((line) => !line.startsWith('\\'))
    .join('\n');
}

/** Runs the dump `test/fixtures/<file>` on the database `uri`. */
export async function loadPgDump(uri: string, file: string): Promise<void> {
  const client = new pg.Client({ connectionString: uri });
  await client.connect();
  try {
    await client.query(readPgDump(file));
  } finally {
    await client.end();
  }
}
