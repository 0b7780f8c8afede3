/**
 * `mlflow-ts db migrate` through the whole CLI on real stores: mlruns → mlruns with artifacts,
 * mlruns → SQLite → mlruns and mlruns → PostgreSQL, compared with an id-independent snapshot of
 * everything; a second run finishes at once; wrong arguments get one clear line.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '@mlflow-ts/store-sql/testing';
import {
  buildSourceFixture,
  fsStores,
  copyCommand,
  snapshotOf,
  sqlShape,
  type SourceFixture,
} from '../../../test/copy-fixture.js';
import { runCli } from '../../../test/cli-harness.js';

let dir: string;
let src: string;
let fixture: SourceFixture;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mlflow-ts-migrate-'));
  src = path.join(dir, 'mlruns');
  fixture = await buildSourceFixture(src);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const migrate = (...args: string[]) => copyCommand(['db', 'migrate', ...args]);

describe('mlflow-ts db migrate', () => {
  it('mlruns → mlruns with --artifacts: everything arrives, ids kept, the journal beside the target; a rerun copies nothing', async () => {
    const dst = path.join(dir, 'copy');
    const first = await migrate(src, dst, '--artifacts');
    expect(first.runs).toEqual({ copied: 6, alreadyDone: 0, total: 6 });
    expect(first.metricPoints).toBe(fixture.metricPoints);
    expect(first.runIdChanges).toEqual({});
    expect(path.dirname(first.state_file)).toBe(dst);
    expect(await snapshotOf(dst, true)).toEqual(await snapshotOf(src, true));
    // The target's files are its own: its runs' artifacts live under it.
    const run = await (async () => {
      const s = fsStores(dst);
      try {
        return await s.tracking.getRun(fixture.runIds.main);
      } finally {
        await s.close();
      }
    })();
    expect(run.info.artifact_uri.startsWith(`file://${dst}`)).toBe(true);
    expect(existsSync(path.join(new URL(run.info.artifact_uri).pathname, 'model', 'weights.bin'))).toBe(true);

    const second = await migrate(src, dst, '--artifacts');
    expect(second.runs).toEqual({ copied: 1, alreadyDone: 5, total: 6 }); // the RUNNING run is looked at again
    expect(second.metricPoints).toBe(0);
    expect(await snapshotOf(dst, true)).toEqual(await snapshotOf(src, true));
  });

  it('mlruns → SQLite → mlruns loses nothing', async () => {
    const db = `sqlite:///${path.join(dir, 'mlflow.db')}`;
    const back = path.join(dir, 'back');
    const there = await migrate(src, db);
    expect(there.runs.copied).toBe(6);
    expect(there.warnings).toEqual([]);
    expect(there.runIdChanges).toEqual({}); // run ids kept (importRun); experiment ids are the database's
    const home = await migrate(db, back);
    expect(home.runIdChanges).toEqual({});
    const want = sqlShape(await snapshotOf(src));
    expect(sqlShape(await snapshotOf(db))).toEqual(want);
    expect(sqlShape(await snapshotOf(back))).toEqual(want);
    // The journal sits beside the database file.
    expect((await readdir(dir)).some((f) => f.startsWith('mlflow.db.mlflow-ts-migrate-'))).toBe(true);
  });

  it('mlruns → PostgreSQL loses nothing', async () => {
    const pg = await createTestDatabase('mlflow_ts_migrate');
    try {
      const r = await migrate(src, pg.uri, '--state', path.join(dir, 'state'));
      expect(r.runs.copied).toBe(6);
      expect(r.runIdChanges).toEqual({});
      expect(r.state_file.startsWith(path.join(dir, 'state'))).toBe(true);
      expect(sqlShape(await snapshotOf(pg.uri))).toEqual(sqlShape(await snapshotOf(src)));
    } finally {
      await pg.drop();
    }
  });

  it('refuses the same store twice, a server as target, and a journal of another copy', async () => {
    const same = await runCli(['db', 'migrate', src, src]);
    expect(same.code).toBe(1);
    expect(same.stderr).toMatch(/^Error: The source and the target are the same store/);
    const server = await runCli(['db', 'migrate', src, 'http://127.0.0.1:9']);
    expect(server.code).toBe(1);
    expect(server.stderr).toContain('use `mlflow-ts sync');
    const state = path.join(dir, 'state');
    await migrate(src, path.join(dir, 'a'), '--state', state, '--no-registry');
    const other = await runCli(['db', 'migrate', path.join(dir, 'a'), path.join(dir, 'b'), '--state', state]);
    expect(other.code, other.stderr).toBe(0); // a different pair: its own journal in the same folder
    expect((await readdir(state)).length).toBe(2);
  });
});
