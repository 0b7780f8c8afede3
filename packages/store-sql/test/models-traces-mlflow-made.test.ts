/**
 * The logged models and traces of databases MLflow 3.6 itself made (test/fixtures/mlflow-made: its
 * SQLite file and a pg_dump of the same recording on PostgreSQL) read through our stores as MLflow's
 * server answered them (its recorded REST answers), entity by entity. One listed difference: a model's
 * metrics are the latest per (key, dataset) here (the logged-model contract), every point in MLflow's
 * SQL store.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestLoggedModelMetrics, spanToOtlpJson, traceInfoToJson } from '@mlflow-ts/format';
import type { LoggedModel, Metric } from '@mlflow-ts/format';
import { createSqlStore } from '../src/sql-store.js';
import { createTestDatabase } from '../src/testing/index.js';
import type { TestDatabase } from '../src/testing/index.js';
import type { SqlTrackingStore } from '../src/tracking/index.js';
import { loadPgDump } from './pg-dump.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/mlflow-made');

interface Recorded {
  name: string;
  body: unknown;
  response: Record<string, unknown>;
}
interface Recording {
  ids: { experiments: Record<string, string>; logged_models: Record<string, string>; traces: Record<string, string> };
  records: Recorded[];
}

const byKey = <T extends { key: string }>(xs: readonly T[]) =>
  [...xs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

/** A model as compared: tags and params as sets (MLflow leaves their order to the database), metrics the latest. */
function comparable(m: LoggedModel): unknown {
  return {
    info: { ...m.info, tags: byKey(m.info.tags) },
    data: { params: byKey(m.data.params), metrics: byKey(latestLoggedModelMetrics(m.data.metrics as Metric[])) },
  };
}

function checks(file: string, open: () => Promise<{ store: SqlTrackingStore; close(): Promise<void> }>): void {
  const rec = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Recording;
  const answer = (name: string): Record<string, unknown> => {
    const r = rec.records.find((x) => x.name === name);
    if (!r) throw new Error(`no recorded ${name}`);
    return r.response;
  };
  let opened: { store: SqlTrackingStore; close(): Promise<void> };
  beforeAll(async () => {
    opened = await open();
  });
  afterAll(async () => {
    await opened?.close();
  });

  it('reads each logged model as MLflow answered it', async () => {
    const ids = Object.values(rec.ids.logged_models);
    expect(ids).toHaveLength(2);
    for (const id of ids) {
      const theirs = answer(`GetLoggedModel ${id}`).model as LoggedModel;
      expect(comparable(await opened.store.getLoggedModel(id))).toEqual(comparable(theirs));
    }
  });

  it("searches logged models in MLflow's order", async () => {
    const theirs = answer('SearchLoggedModels').models as LoggedModel[];
    const ours = await opened.store.searchLoggedModels({ experiment_ids: [rec.ids.experiments.a as string] });
    expect(ours.items.map(comparable)).toEqual(theirs.map(comparable));
  });

  it('reads trace infos, searches traces and returns spans as MLflow answered them', async () => {
    const traces = opened.store.traces;
    for (const id of Object.values(rec.ids.traces)) {
      expect(traceInfoToJson(await traces.getTraceInfo(id))).toEqual(
        (answer(`GetTraceInfoV3 ${id}`).trace as { trace_info: unknown }).trace_info,
      );
    }
    const searched = await traces.searchTraces({ experiment_ids: [rec.ids.experiments.a as string], max_results: 100 });
    expect(searched.items.map(traceInfoToJson)).toEqual(answer('SearchTracesV3').traces);
    const batch = await traces.batchGetTraces(Object.values(rec.ids.traces));
    const theirs = answer('BatchGetTraces').traces as { trace_info: unknown; spans: unknown[] }[];
    expect(batch.map((t) => ({ trace_info: traceInfoToJson(t.info), spans: t.spans.map(spanToOtlpJson) }))).toEqual(
      theirs,
    );
  });
}

describe('logged models and traces of an SQLite database MLflow 3.6 made', () => {
  let dir = '';
  checks('answers-sqlite.json', async () => {
    dir = mkdtempSync(join(tmpdir(), 'store-sql-mt-made-'));
    copyFileSync(join(FIXTURES, 'mlflow.db'), join(dir, 'mlflow.db'));
    const store = await createSqlStore({
      uri: `sqlite:///${join(dir, 'mlflow.db')}`,
      defaultArtifactRoot: 'mlflow-artifacts:',
    });
    return {
      store,
      close: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
});

describe('logged models and traces of a PostgreSQL database MLflow 3.6 made (pg_dump)', () => {
  let db: TestDatabase | undefined;
  checks('answers-postgres.json', async () => {
    db = await createTestDatabase('mlflow_ts_mt_made');
    await loadPgDump(db.uri, 'mlflow-made/postgres.sql.gz');
    const store = await createSqlStore({ uri: db.uri, defaultArtifactRoot: 'mlflow-artifacts:' });
    return {
      store,
      close: async () => {
        await store.close();
        await db?.drop();
      },
    };
  });
});
