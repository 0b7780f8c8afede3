/**
 * A database our SQL stores wrote (test/fixtures/mlflow-made/ours.db, by write-ours.ts) read by MLflow
 * 3.6's own server (answers-ours.json, by record-ours.py): our server over the same file answers every
 * read as MLflow's did, so MLflow sees exactly what we see. Same normalisation and open differences
 * as reads-exactly.test.ts.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, loadRecording, normalize, replay, startOurServer } from './harness.js';
import type { OurServer } from './harness.js';
import { KNOWN_DIFFERENCES } from './known-differences.js';

describe('a database we wrote, as MLflow 3.6 read it', () => {
  const recording = loadRecording('answers-ours.json');
  let dir: string;
  let server: OurServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mlflow-ts-ours-written-'));
    copyFileSync(join(FIXTURES, 'ours.db'), join(dir, 'ours.db'));
    server = await startOurServer(`sqlite:///${join(dir, 'ours.db')}`);
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('MLflow read every recorded entity without an error', () => {
    expect(recording.mlflow_version).toMatch(/^3\.6\./);
    expect(recording.records.length).toBeGreaterThan(25);
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
