#!/usr/bin/env node
// SQL store benchmark (@mlflow-ts/store-sql on MLflow's own schema), with the file store as the
// baseline in the same run and the same calls:
// - log-batch ingestion (1,000 metrics per batch, each batch committed before it resolves) with 1 and
//   8 concurrent writers: PostgreSQL, SQLite, store-fs;
// - get-history of 10,000 points;
// - search over SQL_BENCH_RUNS runs in one experiment (default 1,000,000 on PostgreSQL: rows generated
//   in the database with generate_series, MLflow's tables exactly) with a metric + param filter and an
//   order-by on a metric, 100 results.
// Needs a build (`npm ci` does one) and the machine's PostgreSQL (see packages/store-sql/README.md).
// Prints a markdown section `## SQL store`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createFsTrackingStore } from '@mlflow-ts/store-fs';
import { createSqlStore } from '@mlflow-ts/store-sql';
import { createTestDatabase } from '@mlflow-ts/store-sql/testing';
import { now, timeIt } from './lib.mjs';

const RUNS = Number(process.env.SQL_BENCH_RUNS ?? 1_000_000);
const SECONDS = Number(process.env.SQL_BENCH_SECONDS ?? 3);
const BATCH = 1000;
const HISTORY = 10_000;
const FILTER = "metrics.acc > 0.9 and params.optimizer = 'adam'";
const ORDER = ['metrics.acc DESC'];

const fmt = (x, d = 1) => x.toLocaleString('en-US', { maximumFractionDigits: d });

/** Metrics per second with `writers` concurrent runs, each logging 1,000-metric batches for SECONDS. */
async function ingestion(store, experimentId, writers) {
  const runs = await Promise.all(
    Array.from({ length: writers }, () => store.createRun({ experiment_id: experimentId }).then((r) => r.info.run_id)),
  );
  const step = new Array(writers).fill(0);
  const end = now() + SECONDS * 1000;
  let metrics = 0;
  const t0 = now();
  await Promise.all(
    runs.map(async (runId, w) => {
      while (now() < end) {
        const s = step[w]++;
        const batch = Array.from({ length: BATCH }, (_, i) => ({
          key: `m${i % 50}`,
          value: Math.sin(s + i),
          timestamp: 1_700_000_000_000 + s,
          step: s * 20 + Math.floor(i / 50),
        }));
        await store.logBatch(runId, { metrics: batch });
        metrics += BATCH;
      }
    }),
  );
  return metrics / ((now() - t0) / 1000);
}

async function history(store, experimentId) {
  const { info } = await store.createRun({ experiment_id: experimentId });
  for (let s = 0; s < HISTORY; s += BATCH) {
    await store.logBatch(info.run_id, {
      metrics: Array.from({ length: BATCH }, (_, i) => ({
        key: 'loss',
        value: 1 / (s + i + 1),
        timestamp: 1_700_000_000_000 + s + i,
        step: s + i,
      })),
    });
  }
  await store.getMetricHistory(info.run_id, 'loss');
  return timeIt(15, () => store.getMetricHistory(info.run_id, 'loss'));
}

/** MLflow's rows for `n` runs in one experiment, generated inside PostgreSQL (a few seconds per 100k). */
async function generatePgRuns(uri, experimentId, n) {
  const client = new pg.Client({ connectionString: uri });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time,
         source_version, lifecycle_stage, artifact_uri, experiment_id)
       SELECT md5('r' || g), 'run-' || g, 'LOCAL', 'train.py', '', 'bench', 'FINISHED', 1700000000000 + g, 1700000001000 + g,
         '', 'active', '/tmp/a/' || md5('r' || g) || '/artifacts', $1
       FROM generate_series(1, $2) g`,
      [Number(experimentId), n],
    );
    await client.query(
      `INSERT INTO params (key, value, run_uuid)
       SELECT 'optimizer', (ARRAY['adam','sgd','rmsprop','adagrad'])[1 + g % 4], md5('r' || g) FROM generate_series(1, $1) g`,
      [n],
    );
    await client.query(
      `INSERT INTO params (key, value, run_uuid) SELECT 'lr', (g % 100)::text, md5('r' || g) FROM generate_series(1, $1) g`,
      [n],
    );
    await client.query(
      `INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid)
       SELECT 'acc', ((g::bigint * 7919) % 1000) / 1000.0, 1700000000000 + g, 10, false, md5('r' || g) FROM generate_series(1, $1) g`,
      [n],
    );
    await client.query(
      `INSERT INTO tags (key, value, run_uuid) SELECT 'mlflow.runName', 'run-' || g, md5('r' || g) FROM generate_series(1, $1) g`,
      [n],
    );
    await client.query('COMMIT');
    // What autovacuum does to insert-only tables (PostgreSQL ≥ 13): statistics and the visibility map,
    // without which no index-only scan skips the table rows.
    await client.query('VACUUM (ANALYZE)');
  } finally {
    await client.end();
  }
}

/** The same shape through the store API (for stores without a SQL shortcut). */
async function generateViaStore(store, experimentId, n) {
  for (let g = 1; g <= n; g++) {
    const { info } = await store.createRun({ experiment_id: experimentId, start_time: 1_700_000_000_000 + g });
    await store.logBatch(info.run_id, {
      params: [
        { key: 'optimizer', value: ['adam', 'sgd', 'rmsprop', 'adagrad'][g % 4] },
        { key: 'lr', value: String(g % 100) },
      ],
      metrics: [{ key: 'acc', value: ((g * 7919) % 1000) / 1000, timestamp: 1_700_000_000_000 + g, step: 10 }],
    });
  }
}

async function search(store, experimentId) {
  const req = { experiment_ids: [experimentId], filter: FILTER, order_by: ORDER, max_results: 100 };
  const first = await store.searchRuns(req);
  if (first.items.length === 0) console.error(`note: search matched nothing for ${FILTER}`);
  return timeIt(15, () => store.searchRuns(req));
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-ts-sql-bench-'));
const results = [];
const pgdb = await createTestDatabase('mlflow_ts_bench');
try {
  const stores = [
    ['PostgreSQL', await createSqlStore({ uri: pgdb.uri, defaultArtifactRoot: path.join(tmp, 'pg-art') })],
    [
      'SQLite',
      await createSqlStore({
        uri: `sqlite:///${path.join(tmp, 'mlflow.db')}`,
        defaultArtifactRoot: path.join(tmp, 'lite-art'),
      }),
    ],
    ['store-fs (baseline)', createFsTrackingStore({ root: path.join(tmp, 'mlruns') })],
  ];
  for (const [name, store] of stores) {
    console.error(`${name}: ingestion…`);
    const exp = await store.createExperiment({ name: 'ingest' });
    const one = await ingestion(store, exp, 1);
    const eight = await ingestion(store, exp, 8);
    console.error(`${name}: history…`);
    const hist = await history(store, exp);
    results.push({ name, one, eight, hist });
  }
  // Search at scale: PostgreSQL with RUNS generated in the database; SQLite and store-fs at 10k via the API.
  console.error(`PostgreSQL: generating ${RUNS} runs…`);
  const [, pgStore] = stores[0];
  const bigExp = await pgStore.createExperiment({ name: 'search-scale' });
  const tg = now();
  await generatePgRuns(pgdb.uri, bigExp, RUNS);
  console.error(`  generated in ${fmt((now() - tg) / 1000)} s`);
  const pgSearch = await search(pgStore, bigExp);
  const small = Number(process.env.SQL_BENCH_SMALL_RUNS ?? 10_000);
  const smallSearch = [];
  for (const [name, store] of stores) {
    console.error(`${name}: ${small} runs for search…`);
    const exp = await store.createExperiment({ name: 'search-small' });
    await generateViaStore(store, exp, small);
    smallSearch.push([name, await search(store, exp)]);
  }
  for (const [, store] of stores) await store.close?.();

  const fsRow = results.at(-1);
  const lines = [
    "## SQL store: ingestion, history and search on MLflow's schema",
    '',
    `${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} at the end. ` +
      'Each store in the same run; store-fs is the baseline. Reproduce: `npm run bench -- sql` ' +
      '(`SQL_BENCH_RUNS`, `SQL_BENCH_SECONDS`).',
    '',
    '| store | log-batch, 1 writer (metrics/s) | 8 writers (metrics/s) | × store-fs (8) | get-history 10k points (ms) |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${r.name} | ${fmt(r.one, 0)} | ${fmt(r.eight, 0)} | ${fmt(r.eight / fsRow.eight, 2)} | ${fmt(r.hist, 2)} |`,
    ),
    '',
    `Search with \`${FILTER}\` ordered by \`${ORDER[0]}\`, 100 results (median of 15):`,
    '',
    '| store | runs | search (ms) |',
    '| --- | ---: | ---: |',
    `| PostgreSQL | ${fmt(RUNS, 0)} | ${fmt(pgSearch, 2)} |`,
    ...smallSearch.map(([name, ms]) => `| ${name} | ${fmt(small, 0)} | ${fmt(ms, 2)} |`),
    '',
    'Targets (issue 13): ingestion ≥ 100,000 metrics/s on PostgreSQL with each batch committed; search over ' +
      '1,000,000 runs ≤ 100 ms; get-history of 10,000 points ≤ 10 ms.',
  ];
  console.log(lines.join('\n'));
} finally {
  await pgdb.drop().catch(() => {});
  fs.rmSync(tmp, { recursive: true, force: true });
}
