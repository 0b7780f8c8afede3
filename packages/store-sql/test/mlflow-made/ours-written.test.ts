/**
 * Databases our SQL stores wrote (test/fixtures/mlflow-made: ours.db and the pg_dump ours-postgres.sql,
 * by write-ours.ts) read by MLflow 3.6's own server (answers-ours*.json, by record-ours.py): our server
 * over the same database answers every read as MLflow's did, so MLflow sees exactly what we see. Same
 * normalisation and open differences as reads-exactly.test.ts.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../src/testing/index.js';
import { FIXTURES, loadRecording, normalize, replay, startOurServer } from './harness.js';
import type { OurServer, Recording } from './harness.js';
import { loadPgDump } from '../pg-dump.js';
import { KNOWN_DIFFERENCES } from './known-differences.js';

/** Opens the database; returns its URI and how to remove it. */
type Open = () => Promise<{ uri: string; drop(): Promise<void> }>;

const openSqlite: Open = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlflow-ts-ours-written-'));
  copyFileSync(join(FIXTURES, 'ours.db'), join(dir, 'ours.db'));
  return { uri: `sqlite:///${join(dir, 'ours.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
};

const openPostgres: Open = async () => {
  const db = await createTestDatabase('mlflow_ts_ours');
  await loadPgDump(db.uri, 'mlflow-made/ours-postgres.sql.gz');
  return { uri: db.uri, drop: () => db.drop() };
};

function describeOurs(title: string, recording: Recording, open: Open): void {
  describe(title, () => {
    let server: OurServer;
    let drop: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      const db = await open();
      drop = db.drop;
      server = await startOurServer(db.uri);
    });
    afterAll(async () => {
      await server?.close();
      await drop?.();
    });

    it('MLflow read every recorded entity without an error', () => {
      expect(recording.mlflow_version).toMatch(/^3\.6\./);
      expect(recording.records.length).toBeGreaterThan(35);
      expect(recording.records.filter((r) => r.status !== 200).map((r) => r.name)).toEqual([]);
    });

    for (const rec of recording.records) {
      it(`${rec.name}: we answer as MLflow's server did`, async () => {
        const ours = await replay(server.baseUrl, rec);
        expect(ours.status, JSON.stringify(ours.response).slice(0, 300)).toBe(rec.status);
        let answer = ours.response;
        for (const known of KNOWN_DIFFERENCES.filter((k) => k.applies(rec))) answer = known.align(answer, rec.response);
        expect(normalize(answer)).toEqual(normalize(rec.response));
      });
    }
  });
}

describeOurs('an SQLite database we wrote, as MLflow 3.6 read it', loadRecording('answers-ours.json'), openSqlite);
describeOurs(
  'a PostgreSQL database we wrote (pg_dump), as MLflow 3.6 read it',
  loadRecording('answers-ours-postgres.json'),
  openPostgres,
);
